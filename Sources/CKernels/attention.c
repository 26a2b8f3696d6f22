// Decode attention (issue 15): one new query row per sequence against its P cached positions, done for a
// whole grouped-query group at once. The G query heads that share a KV head read each key and value row
// once (not G times); the softmax's exp runs 16 lanes wide (a Cody–Waite reduction and a degree-6
// polynomial, within 2 ulp of expf); scores, exp and the weighted sum of values are three passes over
// one head's rows while they are hot in cache.
//
// The arithmetic is the same on every path of lanes.h (per-lane fused multiply-adds, one reduction tree),
// so AVX-512, AVX2 and plain C agree bit for bit, and a row's result depends on nothing but that row.
//
//   q, out   [G][hd] fp32 (the group's heads are consecutive in a query row); with `half` (an fp16
//            cache) the queries and probabilities are rounded to fp16, as llama.cpp's F16 products see them
//   k, v     [P][hd] of one KV head of one slot: fp32, fp16, or Q8_0 rows (hd / 32 blocks of an fp16
//            scale and 32 int8 codes, 34 bytes each, as ggml's Q8_0)
//   scores   scratch of G × s1_attn_scratch_stride(P) floats; on return row g holds head g's probabilities
#include "s1kernels.h"
#include "lanes.h"

// e^x per lane. x is clamped to [-86, 88]: below, e^x < 5e-38 is far under an fp32 ulp of any softmax sum
// (which is at least 1); above, it would overflow.
static inline vf vf_exp(vf x) {
    x = vf_min(vf_max(x, vf_set1(-86.f)), vf_set1(88.f));
    const vf magic = vf_set1(12582912.f);                           // 1.5·2^23: adding it rounds to an integer
    const vf t = vf_add(vf_mul(x, vf_set1(1.44269504088896341f)), magic);
    const vf n = vf_sub(t, magic);                                  // n = round(x / ln 2)
    vf r = vf_fma(n, vf_set1(-0.693359375f), x);                    // r = x − n·ln 2, ln 2 in two parts
    r = vf_fma(n, vf_set1(2.12194440e-4f), r);
    vf p = vf_set1(1.9875691500e-4f);
    p = vf_fma(p, r, vf_set1(1.3981999507e-3f));
    p = vf_fma(p, r, vf_set1(8.3334519073e-3f));
    p = vf_fma(p, r, vf_set1(4.1665795894e-2f));
    p = vf_fma(p, r, vf_set1(1.6666665459e-1f));
    p = vf_fma(p, r, vf_set1(5.0000001201e-1f));
    p = vf_fma(p, vf_mul(r, r), vf_add(r, vf_set1(1.f)));          // e^r on [−ln2/2, ln2/2]
    return vf_scale_pow2(p, t);                                     // e^r · 2^n
}

int s1_attn_scratch_stride(int positions) { return (positions + 15) & ~15; }

// row[0..<n] ← softmax(row) (already scaled), rounded to fp16 when `half`. Nothing past n is touched: the
// last partial 16 lanes go through a padded copy (−∞ pads, whose exp is then zeroed).
void s1_softmax(float *row, int n, int half) {
    const int full = n & ~15, rest = n - full;
    float mx = -INFINITY;
    for (int j = 0; j < n; j++) mx = row[j] > mx ? row[j] : mx;
    const vf m = vf_set1(mx);
    float tail[16];
    for (int j = 0; j < 16; j++) tail[j] = j < rest ? row[full + j] : -INFINITY;
    vf sum = vf_zero();
    for (int j = 0; j < full; j += 16) {
        const vf e = vf_exp(vf_sub(vf_load(row + j), m));
        vf_store(row + j, e);
        sum = vf_add(sum, e);
    }
    if (rest) {
        vf_store(tail, vf_exp(vf_sub(vf_load(tail), m)));
        for (int j = rest; j < 16; j++) tail[j] = 0;
        sum = vf_add(sum, vf_load(tail));
    }
    const vf inv = vf_set1(1.f / vf_sum(sum));
    for (int j = 0; j < full; j += 16) {
        const vf p = vf_mul(vf_load(row + j), inv);
        vf_store(row + j, half ? vf_round_half(p) : p);
    }
    if (rest) {
        const vf p = vf_mul(vf_load(tail), inv);
        vf_store(tail, half ? vf_round_half(p) : p);
        memcpy(row + full, tail, (size_t)rest * 4);
    }
}

// Values 16c…16c+15 of row j.
static inline vf load_kv(const void *base, int j, int c, int hd, int type) {
    switch (type) {
    case S1_KV_F16: return vf_load_f16((const uint16_t *)base + (size_t)j * hd + 16 * c);
    case S1_KV_Q8_0: {
        const uint8_t *blk = (const uint8_t *)base + (size_t)j * (hd / 32) * 34 + (c / 2) * 34;
        return vf_mul(vf_load_i8((const int8_t *)blk + 2 + 16 * (c % 2)), vf_set1(half_at(blk)));
    }
    default: return vf_load((const float *)base + (size_t)j * hd + 16 * c);
    }
}

// The body, inlined with constant C (hd / 16) and G where the dispatch below knows them, so the query
// and accumulator vectors stay in registers.
static inline __attribute__((always_inline)) void decode_group(
    const float *restrict q, const void *k, const void *v, int type, int P, const int C, const int G,
    float scale, int half, float *restrict scores, float *restrict out) {
    const int hd = 16 * C, stride = s1_attn_scratch_stride(P);
    vf qv[G * C];
    for (int g = 0; g < G; g++)
        for (int c = 0; c < C; c++) {
            const vf x = vf_load(q + g * hd + 16 * c);
            qv[g * C + c] = half ? vf_round_half(x) : x;   // a half-precision cache sees fp16 queries
        }
    // Scores: each key row once, for all G heads.
    for (int j = 0; j < P; j++) {
        vf kr[C];
        for (int c = 0; c < C; c++) kr[c] = load_kv(k, j, c, hd, type);
        for (int g = 0; g < G; g++) {
            vf acc = vf_zero();
            for (int c = 0; c < C; c++) acc = vf_fma(qv[g * C + c], kr[c], acc);
            scores[g * stride + j] = vf_sum(acc) * scale;
        }
    }
    for (int g = 0; g < G; g++) s1_softmax(scores + g * stride, P, half);
    // Values: each value row once, weighted into all G outputs.
    vf acc[G * C];
    for (int i = 0; i < G * C; i++) acc[i] = vf_zero();
    for (int j = 0; j < P; j++) {
        vf vr[C];
        for (int c = 0; c < C; c++) vr[c] = load_kv(v, j, c, hd, type);
        for (int g = 0; g < G; g++) {
            const vf w = vf_set1(scores[g * stride + j]);
            for (int c = 0; c < C; c++) acc[g * C + c] = vf_fma(w, vr[c], acc[g * C + c]);
        }
    }
    for (int g = 0; g < G; g++)
        for (int c = 0; c < C; c++) vf_store(out + g * hd + 16 * c, acc[g * C + c]);
}

#define S1_GROUP_CASE(c, g) \
    case (c) * 16 + (g): decode_group(q, k, v, type, positions, c, g, scale, half, scores, out); return;

void s1_attn_decode(const float *q, const void *k, const void *v, s1_kv_type type, int positions, int hd, int group,
                    float scale, int half, float *scores, float *out) {
    const int C = hd / 16;
    if (group < 16) {
        switch (C * 16 + group) {
        S1_GROUP_CASE(4, 1) S1_GROUP_CASE(4, 2) S1_GROUP_CASE(4, 3) S1_GROUP_CASE(4, 4)
        S1_GROUP_CASE(4, 5) S1_GROUP_CASE(4, 6) S1_GROUP_CASE(4, 7) S1_GROUP_CASE(4, 8)
        S1_GROUP_CASE(8, 1) S1_GROUP_CASE(8, 2) S1_GROUP_CASE(8, 3) S1_GROUP_CASE(8, 4)
        S1_GROUP_CASE(8, 5) S1_GROUP_CASE(8, 6) S1_GROUP_CASE(8, 7) S1_GROUP_CASE(8, 8)
        default: break;
        }
    }
    // Other shapes: one head at a time, the same arithmetic (head g's probabilities in scratch row g).
    const int stride = s1_attn_scratch_stride(positions);
    for (int g = 0; g < group; g++)
        decode_group(q + g * hd, k, v, type, positions, C, 1, scale, half, scores + (size_t)g * stride, out + g * hd);
}
