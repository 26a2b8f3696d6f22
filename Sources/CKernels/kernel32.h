// The kernel shared by the 32-value block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL) against Q32
// activations. Each type supplies `unpack`: one block → 32 unsigned codes u, its scale d and (Q4_1, Q5_1)
// its min m, with the weights w = d·(u − offset) (+ m). Then for a block and an activation row
//   Σ w·x ≈ d·dx·(Σ u·q − offset·Σq) + m·fp16(dx·Σq)
// with the integer sums exact. A weight row is unpacked once into scratch and dotted with every
// activation row (a lone activation row on AVX-512 VNNI: unpacked in registers, kernel32_one below);
// two blocks share one 16-lane vector (lanes 0..7 and 8..15), and each output is one lane-wise
// accumulation in block order and one fixed reduction: a row's result does not depend on how many
// activation rows come with it.
#include "s1kernels.h"
#include "lanes.h"
#include "scratch.h"

typedef void (*unpack32_fn)(const uint8_t *restrict blk, uint8_t *restrict u, float *d, float *m);

// The unpacked row tile, laid out by block pair so that one pointer reaches everything a pair needs: for
// pair p at scratch + p·S1_PAIR32(has_min), the four rows' 64 codes (blocks 2p and 2p + 1), then their
// scales d (8 copies of each block's, lanes 0..7 and 8..15), then for the types with a min the m's alike.
// (With 12 separate row pointers the inner loop spilled them to the stack.)
#define S1_PAIR32(has_min) ((size_t)64 * S1_TILE * ((has_min) ? 3 : 2))
// Row k's codes, d's and m's in the pair at s.
static inline uint8_t *tile_u(uint8_t *s, int k) { return s + 64 * k; }
static inline float *tile_d(uint8_t *s, int k) { return (float *)(s + 64 * S1_TILE + 64 * k); }
static inline float *tile_m(uint8_t *s, int k) { return (float *)(s + 128 * S1_TILE + 64 * k); }

// One activation row's terms for blocks b and b + 1 (`half`: only b), shared by every weight row: its
// scales dx (lanes 0..7, 8..15), for the types with a min sv = fp16(dx·Σq) (lanes 0 and 8), and the
// integer start −offset·Σq (lanes 0 and 8).
typedef struct { vf dx, sv; vi start; } act_pair;
static inline __attribute__((always_inline))
act_pair act_pair_at(const float *dxp, const float *svp, const int32_t *sxp, int b, int has_min, int half, int offset_shift) {
    act_pair a;
    a.dx = vf_pair(dxp + b, half);
    a.sv = has_min ? vf_pair_first(svp + b, half) : vf_zero();
    a.start = offset_shift ? vi_sub(vi_zero(), vi_shl(vi_pair_first(sxp + b, half), offset_shift)) : vi_zero();
    return a;
}

// One weight row's share of an output from pair base s (row k): two blocks (`half`: only the first).
// The integer sum starts from the offset correction.
static inline __attribute__((always_inline))
vf step32(vf acc, uint8_t *s, int k, const int8_t *q, act_pair ap, int has_min, int half, int offset_shift) {
    // Codes below 128 unless the offset is 128 (Q8_0, IQ4_NL).
    const int small = offset_shift < 7;
    const uint8_t *u = tile_u(s, k);
    const float *dw = tile_d(s, k), *mw = tile_m(s, k);
    vi p = half ? (small ? vi_dot_small_half(ap.start, u, q) : vi_dot_half(ap.start, u, q))
                : (small ? vi_dot_small(ap.start, u, q) : vi_dot(ap.start, u, q));
    vf d = half ? vf_load_half(dw) : vf_load(dw);
    acc = vf_fma(vf_cvt(p), vf_mul(d, ap.dx), acc);
    if (has_min) acc = vf_fma(half ? vf_load_half(mw) : vf_load(mw), ap.sv, acc);
    return acc;
}

// Blocks b and b + 1 (`half`: only b) of the four rows against one activation row.
static inline __attribute__((always_inline))
void pair32(vf *a, uint8_t *s, const int8_t *q, const float *dxp, const float *svp, const int32_t *sxp, int b,
            int has_min, int half, int offset_shift) {
    const act_pair ap = act_pair_at(dxp, svp, sxp, b, has_min, half, offset_shift);
    for (int k = 0; k < S1_TILE; k++) a[k] = step32(a[k], s, k, q + 32 * b, ap, has_min, half, offset_shift);
}

static inline __attribute__((always_inline))
void kernel32(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, float *y, size_t ldy,
              int block_bytes, unpack32_fn unpack, int offset_shift, int has_min) {
    const int nb = cols / 32, pairs = (nb + 1) / 2;
    const size_t ps = S1_PAIR32(has_min);
    uint8_t *scratch = s1_scratch((size_t)pairs * ps);
    for (int r = r0; r < r1; r += S1_TILE) {
        const int nr = r1 - r < S1_TILE ? r1 - r : S1_TILE;
        for (int k = 0; k < S1_TILE; k++) {
            // A short last tile repeats its last row (computed, not stored).
            const uint8_t *row = (const uint8_t *)w + (size_t)(r + (k < nr ? k : nr - 1)) * row_bytes;
            for (int b = 0; b < nb; b++) {
                uint8_t *s = scratch + (size_t)(b / 2) * ps + 32 * (b % 2);
                float d, m = 0;
                unpack(row + (size_t)b * block_bytes, tile_u(s, k), &d, &m);
                float *dw = tile_d(s, k), *mw = tile_m(s, k);
                for (int j = 0; j < 8; j++) dw[j] = d;
                if (has_min) for (int j = 0; j < 8; j++) mw[j] = m;
            }
        }
        for (int t = 0; t < nx; t++) {
            const int8_t *q = x->q + (size_t)t * cols;
            const float *dxp = x->dx + (size_t)t * nb, *svp = x->sv + (size_t)t * nb;
            const int32_t *sxp = x->sx + (size_t)t * nb;
            vf a[S1_TILE];
            for (int k = 0; k < S1_TILE; k++) a[k] = vf_zero();
            int b = 0;
            for (; b + 2 <= nb; b += 2) pair32(a, scratch + (size_t)(b / 2) * ps, q, dxp, svp, sxp, b, has_min, 0, offset_shift);
            if (b < nb) pair32(a, scratch + (size_t)(b / 2) * ps, q, dxp, svp, sxp, b, has_min, 1, offset_shift);
            store_tile(y + (size_t)t * ldy + r, nr, a[0], a[1], a[2], a[3]);
        }
    }
}

// Nibble order of the 32-value types: byte j holds value j (low) and value j + 16 (high).
static inline void nibbles32(const uint8_t *restrict qs, uint8_t *restrict u) {
    for (int j = 0; j < 16; j++) { u[j] = qs[j] & 0x0F; u[j + 16] = qs[j] >> 4; }
}

#if S1_VNNI
// One activation row (single-stream decode), where nothing shares an unpacked row: each type's `pair`
// builds the codes of blocks b and b + 1 in a register (b1 NULL: lanes 8..15 are the missing block) and
// the scales are read from the blocks, so no scratch is written. The integer sums and the float steps,
// in their order, are those of kernel32 above: the two paths give the same bits. `ntile` rows of the
// tile go through the blocks together (1, 2 or 4): four share each block's activation work among the
// nibble types' rows (19.5 GB/s against 14 one at a time), while Q8_0 (32-byte codes) streams at 27 GB/s
// one row at a time here and at 8 with two or four rows interleaved (576 × 49,152, one thread).
typedef vi (*pair32_fn)(const uint8_t *b0, const uint8_t *b1);

// Two blocks' scales: d (fp16 at byte 0) and, for the types with a min, m (at byte 2) of b0 in lanes 0..7
// and of b1 in lanes 8..15 (b1 NULL: zero there). One conversion, one permute per vector.
static inline __attribute__((always_inline)) void pair_scales(const uint8_t *b0, const uint8_t *b1, int has_min, vf *d, vf *m) {
    uint32_t s0, s1 = 0;
    memcpy(&s0, b0, 4);
    if (b1) memcpy(&s1, b1, 4);
    const vf f = _mm512_castps128_ps512(_mm_cvtph_ps(_mm_cvtsi64_si128((long long)((uint64_t)s1 << 32 | s0))));
    *d = _mm512_permutexvar_ps(_mm512_set_epi32(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0), f);
    if (has_min) *m = _mm512_permutexvar_ps(_mm512_set_epi32(3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), f);
}

// Blocks b and b + 1 (`half`: only b) of `ntile` rows against the activation row.
static inline __attribute__((always_inline))
void one_step(vf *acc, const uint8_t *const *row, int ntile, int b, int block_bytes, const int8_t *q, const float *dxp, const float *svp,
              const int32_t *sxp, pair32_fn pair, int offset_shift, int has_min, int half) {
    const act_pair ap = act_pair_at(dxp, svp, sxp, b, has_min, half, offset_shift);
    const vi qv = half ? _mm512_maskz_loadu_epi8(0xFFFFFFFFull, q + 32 * b) : _mm512_loadu_si512(q + 32 * b);
    for (int k = 0; k < ntile; k++) {
        const uint8_t *b0 = row[k] + (size_t)b * block_bytes, *b1 = half ? 0 : b0 + block_bytes;
        vi u = pair(b0, b1);
        if (half) u = _mm512_maskz_mov_epi8(0xFFFFFFFFull, u);
        vf d, m = vf_zero();
        pair_scales(b0, b1, has_min, &d, &m);
        acc[k] = vf_fma(vf_cvt(_mm512_dpbusd_epi32(ap.start, u, qv)), vf_mul(d, ap.dx), acc[k]);
        if (has_min) acc[k] = vf_fma(m, ap.sv, acc[k]);
    }
}

static inline __attribute__((always_inline))
void kernel32_one(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, float *y,
                  int block_bytes, pair32_fn pair, int offset_shift, int has_min, int ntile) {
    const int nb = cols / 32;
    const int8_t *q = x->q;
    const float *dxp = x->dx, *svp = x->sv;
    const int32_t *sxp = x->sx;
    for (int r = r0; r < r1; r += S1_TILE) {
        const int nr = r1 - r < S1_TILE ? r1 - r : S1_TILE;
        const uint8_t *row[S1_TILE];
        for (int k = 0; k < S1_TILE; k++) row[k] = (const uint8_t *)w + (size_t)(r + (k < nr ? k : nr - 1)) * row_bytes;
        vf acc[S1_TILE];
        for (int k = 0; k < S1_TILE; k++) acc[k] = vf_zero();
        for (int k = 0; k < S1_TILE; k += ntile) {
            int b = 0;
            for (; b + 2 <= nb; b += 2) one_step(acc + k, row + k, ntile, b, block_bytes, q, dxp, svp, sxp, pair, offset_shift, has_min, 0);
            if (b < nb) one_step(acc + k, row + k, ntile, b, block_bytes, q, dxp, svp, sxp, pair, offset_shift, has_min, 1);
        }
        store_tile(y + r, nr, acc[0], acc[1], acc[2], acc[3]);
    }
}

// [lo(qs0), hi(qs0), lo(qs1), hi(qs1)] in 128-bit lanes: both blocks' 32 codes in nibble order.
static inline vi nibble_pair(const uint8_t *qs0, const uint8_t *qs1) {
    const __m128i q0 = _mm_loadu_si128((const __m128i *)qs0);
    const __m256i two = qs1 ? _mm256_inserti128_si256(_mm256_castsi128_si256(q0), _mm_loadu_si128((const __m128i *)qs1), 1)
                            : _mm256_zextsi128_si256(q0);
    const vi t = _mm512_permutexvar_epi64(_mm512_set_epi64(3, 2, 3, 2, 1, 0, 1, 0), _mm512_castsi256_si512(two));
    return _mm512_and_si512(_mm512_srlv_epi64(t, _mm512_set_epi64(4, 4, 0, 0, 4, 4, 0, 0)), _mm512_set1_epi8(0x0F));
}

// Q5's fifth bits (32-bit masks at p0, p1) added as 16 to their codes.
static inline vi fifth_bits_pair(vi u, const uint8_t *p0, const uint8_t *p1) {
    uint32_t h0, h1 = 0;
    memcpy(&h0, p0, 4);
    if (p1) memcpy(&h1, p1, 4);
    return _mm512_mask_add_epi8(u, (__mmask64)h0 | (__mmask64)h1 << 32, u, _mm512_set1_epi8(16));
}
#define S1_ONE32(name, block_bytes, offset_shift, has_min, ntile)                                             \
    if (nx == 1) { kernel32_one(w, row_bytes, r0, r1, cols, x, y, block_bytes, pair_##name, offset_shift, has_min, ntile); return; }
#else
#define S1_ONE32(name, block_bytes, offset_shift, has_min, ntile)
#endif

// `ntile`: rows the single-row path interleaves (see kernel32_one).
#define S1_KERNEL32(name, block_bytes, unpack, offset_shift, has_min, ntile)                                  \
    void s1_kernel_##name(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, \
                          float *y, size_t ldy) {                                                             \
        S1_ONE32(name, block_bytes, offset_shift, has_min, ntile)                                             \
        kernel32(w, row_bytes, r0, r1, cols, x, nx, y, ldy, block_bytes, unpack, offset_shift, has_min);      \
    }
