// Sixteen 32-bit lanes, the one vector shape the kernels are written in: AVX-512 registers when the build
// machine has AVX-512 BW and VNNI, a pair of AVX2 registers when it has AVX2, FMA and F16C, plain C arrays
// otherwise. All give the same integer sums (AVX2 widens the bytes to 16 bits, so no product saturates);
// the float steps (fused multiply-add per lane, one fixed reduction tree) are the same in all, so the
// paths agree bit for bit.
#ifndef S1_LANES_H
#define S1_LANES_H
#include <stdint.h>
#include <string.h>
#include <math.h>

// fp16 bits → fp32 (IEEE, exact), and a little-endian fp16 at p.
static inline float s1_f16_to_f32(uint16_t h) { _Float16 f; memcpy(&f, &h, 2); return (float)f; }
static inline float half_at(const uint8_t *p) { uint16_t h; memcpy(&h, p, 2); return s1_f16_to_f32(h); }

// u[j] |= 16 for each set bit j of the 32-bit mask at p (Q5's fifth bits): each mask byte spreads to 8
// code bytes at once, as a 64-bit word.
static inline void or_fifth_bits(const uint8_t *p, uint8_t *u) {
    for (int k = 0; k < 4; k++) {
        uint64_t spread = 0, bits = p[k];
        for (int i = 0; i < 8; i++) spread |= ((bits >> i) & 1) << (8 * i + 4);
        uint64_t v; memcpy(&v, u + 8 * k, 8); v |= spread; memcpy(u + 8 * k, &v, 8);
    }
}

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)
#define S1_VNNI 1
#include <immintrin.h>
// out[j] = table[i_j] for the 32 nibbles of 16 bytes (byte j: index j low, index j + 16 high).
static inline void lut_nibbles32(const uint8_t *table, const uint8_t *qs, uint8_t *out) {
    const __m128i t = _mm_loadu_si128((const __m128i *)table), q = _mm_loadu_si128((const __m128i *)qs), m = _mm_set1_epi8(0x0F);
    _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(t, _mm_and_si128(q, m)));
    _mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(t, _mm_and_si128(_mm_srli_epi16(q, 4), m)));
}
typedef __m512i vi;
typedef __m512 vf;
static inline vi vi_zero(void) { return _mm512_setzero_si512(); }
static inline vf vf_zero(void) { return _mm512_setzero_ps(); }
// acc + Σ of each 4 adjacent products u[4j..4j+3]·x[4j..4j+3] (u unsigned, x signed), 64 bytes.
static inline vi vi_dot(vi acc, const uint8_t *u, const int8_t *x) {
    return _mm512_dpbusd_epi32(acc, _mm512_loadu_si512(u), _mm512_loadu_si512(x));
}
// The same over 32 bytes into lanes 0..7 (lanes 8..15 unchanged).
static inline vi vi_dot_half(vi acc, const uint8_t *u, const int8_t *x) {
    const __mmask64 m = 0xFFFFFFFFull;
    return _mm512_dpbusd_epi32(acc, _mm512_maskz_loadu_epi8(m, u), _mm512_maskz_loadu_epi8(m, x));
}
// Codes below 128 (every type but Q8_0 and the IQ4 tables): the same sums; AVX2 has a faster way to them.
static inline vi vi_dot_small(vi acc, const uint8_t *u, const int8_t *x) { return vi_dot(acc, u, x); }
static inline vi vi_dot_small_half(vi acc, const uint8_t *u, const int8_t *x) { return vi_dot_half(acc, u, x); }
static inline vi vi_load(const int32_t *p) { return _mm512_loadu_si512(p); }
static inline vf vf_load(const float *p) { return _mm512_loadu_ps(p); }
static inline vf vf_load_half(const float *p) { return _mm512_maskz_loadu_ps(0xFF, p); }
static inline vi vi_add(vi a, vi b) { return _mm512_add_epi32(a, b); }
static inline vi vi_sub(vi a, vi b) { return _mm512_sub_epi32(a, b); }
static inline vi vi_mul(vi a, vi b) { return _mm512_mullo_epi32(a, b); }
static inline vi vi_shl(vi a, int n) { return _mm512_slli_epi32(a, (unsigned)n); }
static inline vf vf_cvt(vi a) { return _mm512_cvtepi32_ps(a); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
// Sixteen fp16 / bf16 values widened to fp32.
static inline vf vf_load_f16(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }
static inline vf vf_load_bf16(const uint16_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p)), 16));
}
static inline int32_t vi_sum(vi a) { return _mm512_reduce_add_epi32(a); }
static inline vf vf_set1(float x) { return _mm512_set1_ps(x); }
// p[0] in lanes 0..7 and p[1] in lanes 8..15 (`half`: lanes 8..15 zero, p[1] not read).
static inline vf vf_pair(const float *p, int half) {
    const __m512i idx = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    __m128 two = half ? _mm_load_ss(p) : _mm_castpd_ps(_mm_load_sd((const double *)p));
    return _mm512_maskz_permutexvar_ps(half ? 0x00FF : 0xFFFF, idx, _mm512_castps128_ps512(two));
}
// p[0] in lane 0 and p[1] in lane 8, every other lane zero (`half`: p[1] not read).
static inline vi vi_pair_first(const int32_t *p, int half) {
    const __m512i idx = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    __m128i two = half ? _mm_cvtsi32_si128(p[0]) : _mm_loadl_epi64((const __m128i *)p);
    return _mm512_maskz_permutexvar_epi32(half ? 0x0001 : 0x0101, idx, _mm512_castsi128_si512(two));
}
static inline vf vf_pair_first(const float *p, int half) {
    return _mm512_castsi512_ps(vi_pair_first((const int32_t *)p, half));
}
// The fixed tree: halves of 8, then 4, then 2, then 1.
static inline float vf_sum(vf a) {
    __m256 h8 = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
    __m128 h4 = _mm_add_ps(_mm256_castps256_ps128(h8), _mm256_extractf128_ps(h8, 1));
    __m128 h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}
// Float lane steps for the attention kernel: add, subtract, max (the second operand when either is NaN),
// store, round to fp16 and back (nearest even), and p·2^n for t = 1.5·2^23 + n (n in the low bits).
static inline vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vf vf_min(vf a, vf b) { return _mm512_min_ps(a, b); }
// Sixteen int8 codes widened to fp32.
static inline vf vf_load_i8(const int8_t *p) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p))); }
static inline void vf_store(float *p, vf a) { _mm512_storeu_ps(p, a); }
static inline vf vf_round_half(vf a) { return _mm512_cvtph_ps(_mm512_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
static inline vf vf_scale_pow2(vf p, vf t) {
    return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(p), _mm512_slli_epi32(_mm512_castps_si512(t), 23)));
}
#elif defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define S1_VNNI 0
#include <immintrin.h>
static inline void lut_nibbles32(const uint8_t *table, const uint8_t *qs, uint8_t *out) {
    const __m128i t = _mm_loadu_si128((const __m128i *)table), q = _mm_loadu_si128((const __m128i *)qs), m = _mm_set1_epi8(0x0F);
    _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(t, _mm_and_si128(q, m)));
    _mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(t, _mm_and_si128(_mm_srli_epi16(q, 4), m)));
}
// Lanes 0..7 in lo, 8..15 in hi.
typedef struct { __m256i lo, hi; } vi;
typedef struct { __m256 lo, hi; } vf;
static inline vi vi_zero(void) { vi r = { _mm256_setzero_si256(), _mm256_setzero_si256() }; return r; }
static inline vf vf_zero(void) { vf r = { _mm256_setzero_ps(), _mm256_setzero_ps() }; return r; }
// Eight lanes of Σ of 4 adjacent products over 32 bytes: bytes widened to 16 bits, pairs summed exactly
// (madd), then adjacent pairs (hadd works per 128-bit half, so the 64-bit quarters are put back in order).
static inline __m256i dot32_lanes(const uint8_t *u, const int8_t *x) {
    const __m256i p = _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)u)),
                                        _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)x)));
    const __m256i q = _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(u + 16))),
                                        _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + 16))));
    return _mm256_permute4x64_epi64(_mm256_hadd_epi32(p, q), _MM_SHUFFLE(3, 1, 2, 0));
}
// Codes below 128: a pair of products is at most 2·127·128 < 2^15, so maddubs's 16-bit sums never saturate
// and the lanes come out in order.
static inline __m256i dot32_small(const uint8_t *u, const int8_t *x) {
    const __m256i pairs = _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)u), _mm256_loadu_si256((const __m256i *)x));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}
// acc + the sums of 64 bytes by `dot` (`half`: the first 32 bytes, into lanes 0..7 only).
typedef __m256i (*dot32_fn)(const uint8_t *, const int8_t *);
static inline __attribute__((always_inline)) vi add_dots(vi acc, const uint8_t *u, const int8_t *x, int half, dot32_fn dot) {
    acc.lo = _mm256_add_epi32(acc.lo, dot(u, x));
    if (!half) acc.hi = _mm256_add_epi32(acc.hi, dot(u + 32, x + 32));
    return acc;
}
static inline vi vi_dot(vi acc, const uint8_t *u, const int8_t *x) { return add_dots(acc, u, x, 0, dot32_lanes); }
static inline vi vi_dot_half(vi acc, const uint8_t *u, const int8_t *x) { return add_dots(acc, u, x, 1, dot32_lanes); }
static inline vi vi_dot_small(vi acc, const uint8_t *u, const int8_t *x) { return add_dots(acc, u, x, 0, dot32_small); }
static inline vi vi_dot_small_half(vi acc, const uint8_t *u, const int8_t *x) { return add_dots(acc, u, x, 1, dot32_small); }
static inline vi vi_load(const int32_t *p) { vi r = { _mm256_loadu_si256((const __m256i *)p), _mm256_loadu_si256((const __m256i *)(p + 8)) }; return r; }
static inline vf vf_load(const float *p) { vf r = { _mm256_loadu_ps(p), _mm256_loadu_ps(p + 8) }; return r; }
static inline vf vf_load_half(const float *p) { vf r = { _mm256_loadu_ps(p), _mm256_setzero_ps() }; return r; }
static inline vi vi_add(vi a, vi b) { a.lo = _mm256_add_epi32(a.lo, b.lo); a.hi = _mm256_add_epi32(a.hi, b.hi); return a; }
static inline vi vi_sub(vi a, vi b) { a.lo = _mm256_sub_epi32(a.lo, b.lo); a.hi = _mm256_sub_epi32(a.hi, b.hi); return a; }
static inline vi vi_mul(vi a, vi b) { a.lo = _mm256_mullo_epi32(a.lo, b.lo); a.hi = _mm256_mullo_epi32(a.hi, b.hi); return a; }
static inline vi vi_shl(vi a, int n) {
    const __m128i c = _mm_cvtsi32_si128(n);
    a.lo = _mm256_sll_epi32(a.lo, c); a.hi = _mm256_sll_epi32(a.hi, c); return a;
}
static inline vf vf_cvt(vi a) { vf r = { _mm256_cvtepi32_ps(a.lo), _mm256_cvtepi32_ps(a.hi) }; return r; }
static inline vf vf_mul(vf a, vf b) { a.lo = _mm256_mul_ps(a.lo, b.lo); a.hi = _mm256_mul_ps(a.hi, b.hi); return a; }
static inline vf vf_fma(vf a, vf b, vf c) { c.lo = _mm256_fmadd_ps(a.lo, b.lo, c.lo); c.hi = _mm256_fmadd_ps(a.hi, b.hi, c.hi); return c; }
static inline vf vf_load_f16(const uint16_t *p) {
    vf r = { _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 8))) };
    return r;
}
static inline vf vf_load_bf16(const uint16_t *p) {
    vf r = { _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16)),
             _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p + 8))), 16)) };
    return r;
}
static inline int32_t vi_sum(vi a) {
    const __m256i s8 = _mm256_add_epi32(a.lo, a.hi);
    __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s8), _mm256_extracti128_si256(s8, 1));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(1, 0, 3, 2)));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s4);
}
static inline vf vf_set1(float x) { vf r = { _mm256_set1_ps(x), _mm256_set1_ps(x) }; return r; }
static inline vf vf_pair(const float *p, int half) {
    vf r = { _mm256_set1_ps(p[0]), half ? _mm256_setzero_ps() : _mm256_set1_ps(p[1]) }; return r;
}
static inline vi vi_pair_first(const int32_t *p, int half) {
    vi r = { _mm256_setr_epi32(p[0], 0, 0, 0, 0, 0, 0, 0), _mm256_setr_epi32(half ? 0 : p[1], 0, 0, 0, 0, 0, 0, 0) }; return r;
}
static inline vf vf_pair_first(const float *p, int half) {
    vf r = { _mm256_setr_ps(p[0], 0, 0, 0, 0, 0, 0, 0), _mm256_setr_ps(half ? 0.f : p[1], 0, 0, 0, 0, 0, 0, 0) }; return r;
}
// The fixed tree: halves of 8, then 4, then 2, then 1.
static inline float vf_sum(vf a) {
    const __m256 h8 = _mm256_add_ps(a.lo, a.hi);
    const __m128 h4 = _mm_add_ps(_mm256_castps256_ps128(h8), _mm256_extractf128_ps(h8, 1));
    const __m128 h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}
static inline vf vf_add(vf a, vf b) { a.lo = _mm256_add_ps(a.lo, b.lo); a.hi = _mm256_add_ps(a.hi, b.hi); return a; }
static inline vf vf_sub(vf a, vf b) { a.lo = _mm256_sub_ps(a.lo, b.lo); a.hi = _mm256_sub_ps(a.hi, b.hi); return a; }
static inline vf vf_max(vf a, vf b) { a.lo = _mm256_max_ps(a.lo, b.lo); a.hi = _mm256_max_ps(a.hi, b.hi); return a; }
static inline vf vf_min(vf a, vf b) { a.lo = _mm256_min_ps(a.lo, b.lo); a.hi = _mm256_min_ps(a.hi, b.hi); return a; }
static inline vf vf_load_i8(const int8_t *p) {
    vf r = { _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p))),
             _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p + 8)))) };
    return r;
}
static inline void vf_store(float *p, vf a) { _mm256_storeu_ps(p, a.lo); _mm256_storeu_ps(p + 8, a.hi); }
static inline __m256 round_half8(__m256 a) { return _mm256_cvtph_ps(_mm256_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
static inline vf vf_round_half(vf a) { a.lo = round_half8(a.lo); a.hi = round_half8(a.hi); return a; }
static inline __m256 scale_pow2_8(__m256 p, __m256 t) {
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), _mm256_slli_epi32(_mm256_castps_si256(t), 23)));
}
static inline vf vf_scale_pow2(vf p, vf t) { p.lo = scale_pow2_8(p.lo, t.lo); p.hi = scale_pow2_8(p.hi, t.hi); return p; }
#else
#define S1_VNNI 0
static inline void lut_nibbles32(const uint8_t *table, const uint8_t *qs, uint8_t *out) {
    for (int j = 0; j < 16; j++) { out[j] = table[qs[j] & 0x0F]; out[j + 16] = table[qs[j] >> 4]; }
}
typedef struct { int32_t v[16]; } vi;
typedef struct { float v[16]; } vf;
static inline vi vi_zero(void) { vi r; memset(&r, 0, sizeof r); return r; }
static inline vf vf_zero(void) { vf r; memset(&r, 0, sizeof r); return r; }
static inline vi vi_dot_n(vi acc, const uint8_t *u, const int8_t *x, int lanes) {
    for (int j = 0; j < lanes; j++) {
        int32_t s = 0;
        for (int k = 0; k < 4; k++) s += (int32_t)u[4 * j + k] * (int32_t)x[4 * j + k];
        acc.v[j] += s;
    }
    return acc;
}
static inline vi vi_dot(vi acc, const uint8_t *u, const int8_t *x) { return vi_dot_n(acc, u, x, 16); }
static inline vi vi_dot_half(vi acc, const uint8_t *u, const int8_t *x) { return vi_dot_n(acc, u, x, 8); }
static inline vi vi_dot_small(vi acc, const uint8_t *u, const int8_t *x) { return vi_dot(acc, u, x); }
static inline vi vi_dot_small_half(vi acc, const uint8_t *u, const int8_t *x) { return vi_dot_half(acc, u, x); }
static inline vi vi_load(const int32_t *p) { vi r; memcpy(r.v, p, 64); return r; }
static inline vf vf_load(const float *p) { vf r; memcpy(r.v, p, 64); return r; }
static inline vf vf_load_half(const float *p) { vf r = vf_zero(); memcpy(r.v, p, 32); return r; }
static inline vi vi_add(vi a, vi b) { for (int j = 0; j < 16; j++) a.v[j] += b.v[j]; return a; }
static inline vi vi_sub(vi a, vi b) { for (int j = 0; j < 16; j++) a.v[j] -= b.v[j]; return a; }
static inline vi vi_mul(vi a, vi b) { for (int j = 0; j < 16; j++) a.v[j] *= b.v[j]; return a; }
static inline vi vi_shl(vi a, int n) { for (int j = 0; j < 16; j++) a.v[j] = (int32_t)((uint32_t)a.v[j] << n); return a; }
static inline vf vf_cvt(vi a) { vf r; for (int j = 0; j < 16; j++) r.v[j] = (float)a.v[j]; return r; }
static inline vf vf_mul(vf a, vf b) { for (int j = 0; j < 16; j++) a.v[j] *= b.v[j]; return a; }
static inline vf vf_fma(vf a, vf b, vf c) { for (int j = 0; j < 16; j++) c.v[j] = fmaf(a.v[j], b.v[j], c.v[j]); return c; }
static inline vf vf_load_f16(const uint16_t *p) { vf r; for (int j = 0; j < 16; j++) r.v[j] = s1_f16_to_f32(p[j]); return r; }
static inline vf vf_load_bf16(const uint16_t *p) {
    vf r;
    for (int j = 0; j < 16; j++) { uint32_t b = (uint32_t)p[j] << 16; memcpy(&r.v[j], &b, 4); }
    return r;
}
static inline int32_t vi_sum(vi a) { int32_t s = 0; for (int j = 0; j < 16; j++) s += a.v[j]; return s; }
static inline vf vf_set1(float x) { vf r; for (int j = 0; j < 16; j++) r.v[j] = x; return r; }
static inline vf vf_pair(const float *p, int half) {
    vf r; for (int j = 0; j < 16; j++) r.v[j] = j < 8 ? p[0] : (half ? 0.f : p[1]); return r;
}
static inline vi vi_pair_first(const int32_t *p, int half) {
    vi r = vi_zero(); r.v[0] = p[0]; if (!half) r.v[8] = p[1]; return r;
}
static inline vf vf_pair_first(const float *p, int half) {
    vf r = vf_zero(); r.v[0] = p[0]; if (!half) r.v[8] = p[1]; return r;
}
static inline float vf_sum(vf a) {
    float h8[8], h4[4];
    for (int j = 0; j < 8; j++) h8[j] = a.v[j] + a.v[j + 8];
    for (int j = 0; j < 4; j++) h4[j] = h8[j] + h8[j + 4];
    float h2a = h4[0] + h4[2], h2b = h4[1] + h4[3];
    return h2a + h2b;
}
static inline vf vf_add(vf a, vf b) { for (int j = 0; j < 16; j++) a.v[j] += b.v[j]; return a; }
static inline vf vf_sub(vf a, vf b) { for (int j = 0; j < 16; j++) a.v[j] -= b.v[j]; return a; }
static inline vf vf_max(vf a, vf b) { for (int j = 0; j < 16; j++) a.v[j] = a.v[j] > b.v[j] ? a.v[j] : b.v[j]; return a; }
static inline vf vf_min(vf a, vf b) { for (int j = 0; j < 16; j++) a.v[j] = a.v[j] < b.v[j] ? a.v[j] : b.v[j]; return a; }
static inline vf vf_load_i8(const int8_t *p) { vf r; for (int j = 0; j < 16; j++) r.v[j] = (float)p[j]; return r; }
static inline void vf_store(float *p, vf a) { memcpy(p, a.v, 64); }
static inline vf vf_round_half(vf a) { for (int j = 0; j < 16; j++) a.v[j] = (float)(_Float16)a.v[j]; return a; }
static inline vf vf_scale_pow2(vf p, vf t) {
    for (int j = 0; j < 16; j++) {
        uint32_t pb, tb; memcpy(&pb, &p.v[j], 4); memcpy(&tb, &t.v[j], 4);
        pb += tb << 23; memcpy(&p.v[j], &pb, 4);
    }
    return p;
}
#endif

// The outputs of a row tile: the first `nr` of four lane sums (a short last tile computed copies).
static inline void store_tile(float *yt, int nr, vf a0, vf a1, vf a2, vf a3) {
    yt[0] = vf_sum(a0);
    if (nr > 1) yt[1] = vf_sum(a1);
    if (nr > 2) yt[2] = vf_sum(a2);
    if (nr > 3) yt[3] = vf_sum(a3);
}
#endif
