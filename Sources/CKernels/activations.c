// Activation rows quantized exactly as llama.cpp quantizes them for its dot products (x86 path), so our
// integer sums equal its integer sums:
//   Q32 (its Q8_0 / Q8_1): per 32 values d = max|x| / 127 stored as fp16, codes round-half-even(x·127/max|x|),
//       and for the Q8_1 pairing the fp16 of d·Σcodes;
//   QK (its Q8_K): per 256 values, with m the value of largest magnitude, codes min(127, round(−127/m · x))
//       and d = 1 / (−127/m) in fp32; code sums per 16;
//   F16 / BF16: the values rounded to the weight's 16-bit type (round-half-even), held as fp32.
#include "s1kernels.h"
#include <math.h>
#include <string.h>

static inline float round_f16(float x) { return (float)(_Float16)x; }
static inline float round_bf16(float x) {
    uint32_t u; memcpy(&u, &x, 4);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) u |= 0x00400000u;           // NaN stays a (quiet) NaN
    else u = (u + 0x7FFFu + ((u >> 16) & 1u));
    u &= 0xFFFF0000u;
    float r; memcpy(&r, &u, 4); return r;
}
// llama.cpp's nearest_int: round half to even for |v| < 2^22. rintf, unlike lrintf, vectorizes (4x faster
// rows here); for finite values the two agree. Non-finite activations give garbage either way.
static inline int nearest_int(float v) { return (int)rintf(v); }

static size_t up64(size_t n) { return (n + 63) & ~(size_t)63; }

size_t s1_act_bytes(s1_act_format f, int rows, int cols) {
    size_t r = (size_t)rows, c = (size_t)cols;
    switch (f) {
    case S1_ACT_Q32: return up64(r * c) + 3 * up64((r * (c / 32) + 16) * 4) + 64;
    case S1_ACT_QK: return up64(r * c) + up64(r * (c / 256) * 4) + up64(r * (c / 16) * 4) + 64;
    default: return up64(r * c * 4) + 64;
    }
}

s1_act s1_act_init(s1_act_format f, void *memory, int rows, int cols) {
    s1_act a; memset(&a, 0, sizeof a);
    a.cols = cols;
    size_t r = (size_t)rows, c = (size_t)cols;
    uint8_t *p = (uint8_t *)(((uintptr_t)memory + 63) & ~(uintptr_t)63);
    switch (f) {
    case S1_ACT_Q32:
        a.q = (int8_t *)p; p += up64(r * c);
        a.dx = (float *)p; p += up64((r * (c / 32) + 16) * 4);
        a.sv = (float *)p; p += up64((r * (c / 32) + 16) * 4);
        a.sx = (int32_t *)p;
        break;
    case S1_ACT_QK:
        a.q = (int8_t *)p; p += up64(r * c);
        a.dk = (float *)p; p += up64(r * (c / 256) * 4);
        a.bs = (int32_t *)p;
        break;
    default:
        a.f = (float *)p;
    }
    return a;
}

static void quantize_q32(const s1_act *a, const float *x, int row) {
    const int cols = a->cols, nb = cols / 32;
    int8_t *q = a->q + (size_t)row * cols;
    float *dx = a->dx + (size_t)row * nb, *sv = a->sv + (size_t)row * nb;
    int32_t *sx = a->sx + (size_t)row * nb;
    for (int b = 0; b < nb; b++) {
        const float *xb = x + 32 * b;
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(xb[j]));
        const float d = amax / 127.f, id = amax != 0.f ? 127.f / amax : 0.f;
        int32_t s = 0;
        for (int j = 0; j < 32; j++) { int v = nearest_int(xb[j] * id); q[32 * b + j] = (int8_t)v; s += v; }
        dx[b] = round_f16(d);
        sx[b] = s;
        sv[b] = round_f16(d * (float)s);
    }
}

static void quantize_qk(const s1_act *a, const float *x, int row) {
    const int cols = a->cols, nb = cols / 256;
    int8_t *q = a->q + (size_t)row * cols;
    float *dk = a->dk + (size_t)row * nb;
    int32_t *bs = a->bs + (size_t)row * (cols / 16);
    for (int b = 0; b < nb; b++) {
        const float *xb = x + 256 * b;
        int8_t *qb = q + 256 * b;
        float amax = 0, m = 0;
        for (int j = 0; j < 256; j++) { float ax = fabsf(xb[j]); if (ax > amax) { amax = ax; m = xb[j]; } }
        if (amax == 0.f) {
            dk[b] = 0;
            memset(qb, 0, 256);
            for (int g = 0; g < 16; g++) bs[16 * b + g] = 0;
            continue;
        }
        const float iscale = -127.f / m;
        for (int j = 0; j < 256; j++) { int v = nearest_int(iscale * xb[j]); qb[j] = (int8_t)(v < 127 ? v : 127); }
        for (int g = 0; g < 16; g++) {
            int32_t s = 0;
            for (int j = 0; j < 16; j++) s += qb[16 * g + j];
            bs[16 * b + g] = s;
        }
        dk[b] = 1.f / iscale;
    }
}

void s1_act_quantize(s1_act_format f, const s1_act *a, const float *x, int first, int n) {
    for (int t = first; t < first + n; t++) {
        const float *xr = x + (size_t)t * a->cols;
        switch (f) {
        case S1_ACT_Q32: quantize_q32(a, xr, t); break;
        case S1_ACT_QK: quantize_qk(a, xr, t); break;
        case S1_ACT_F16: for (int j = 0; j < a->cols; j++) a->f[(size_t)t * a->cols + j] = round_f16(xr[j]); break;
        case S1_ACT_BF16: for (int j = 0; j < a->cols; j++) a->f[(size_t)t * a->cols + j] = round_bf16(xr[j]); break;
        }
    }
}

int s1_kernels_vnni(void) {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)
    return 1;
#else
    return 0;
#endif
}

int s1_kernels_avx512(void) {
#if defined(__AVX512F__)
    return 1;
#else
    return 0;
#endif
}
