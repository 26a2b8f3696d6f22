// The kernel shared by the 256-value super-block types (Q2_K … Q6_K, IQ4_XS) against QK activations.
// Each type supplies `unpack`: one super-block → 256 unsigned codes u, an integer scale and min per 16
// values (types with 32-value groups repeat them), and the block's d and dmin, with the weights
//   w = d·sc·(u − offset) − dmin·mn.
// For an activation block (scale dk, codes q, sums S per 16):
//   Σ w·x ≈ dk·d·Σ_g sc_g·(Σ u·q − offset·S_g) − dk·dmin·Σ_g mn_g·S_g
// with both sums exact integers (per lane; the lanes are scaled and summed in float), as llama.cpp's Q8_K dot products have them. The per-lane scale of a
// 64-code chunk: lane j covers codes 4j..4j+3, i.e. group 4·chunk + j/4. Rows go four at a time, as in
// kernel32.h.
#include "s1kernels.h"
#include "lanes.h"
#include "scratch.h"

typedef void (*unpack256_fn)(const uint8_t *restrict blk, uint8_t *restrict u, int32_t *restrict sc, int32_t *restrict mn, float *d, float *dmin);

// One weight row's share of an output from super-block b, added lane-wise in float (one reduction at
// the end of the row).
static inline __attribute__((always_inline))
vf step256(vf acc, const uint8_t *u, const int32_t *scv, const int32_t *coff, const int32_t *mn, const float *dd,
           const float *dm, const int8_t *q, vi s, float dk, int b, int offset, int has_min) {
    const uint8_t *ub = u + 256 * b;
    const int8_t *qb = q + 256 * b;
    const int32_t *sb = scv + 64 * b;
    // Codes below 128 unless the offset is 128 (IQ4_XS's table).
#define S1_DOT256(c) (offset < 128 ? vi_dot_small(vi_zero(), ub + 64 * (c), qb + 64 * (c)) : vi_dot(vi_zero(), ub + 64 * (c), qb + 64 * (c)))
    vi iv = vi_mul(vi_load(sb), S1_DOT256(0));
    iv = vi_add(iv, vi_mul(vi_load(sb + 16), S1_DOT256(1)));
    iv = vi_add(iv, vi_mul(vi_load(sb + 32), S1_DOT256(2)));
    iv = vi_add(iv, vi_mul(vi_load(sb + 48), S1_DOT256(3)));
#undef S1_DOT256
    if (offset) iv = vi_sub(iv, vi_mul(vi_load(coff + 16 * b), s));
    acc = vf_fma(vf_cvt(iv), vf_set1(dk * dd[b]), acc);
    if (has_min) acc = vf_fma(vf_cvt(vi_mul(vi_load(mn + 16 * b), s)), vf_set1(-(dk * dm[b])), acc);
    return acc;
}

static inline __attribute__((always_inline))
void kernel256(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, float *y, size_t ldy,
               int block_bytes, unpack256_fn unpack, int offset, int has_min) {
    const int nb = cols / 256;
    // Per block: 256 codes, 64 lane scales, 16 offset terms, 16 mins, d, dmin.
    const size_t per = (size_t)nb * (256 + (64 + 16 + 16) * 4 + 8);
    uint8_t *scratch = s1_scratch(S1_TILE * per);
    for (int r = r0; r < r1; r += S1_TILE) {
        const int nr = r1 - r < S1_TILE ? r1 - r : S1_TILE;
        uint8_t *u[S1_TILE];
        int32_t *scv[S1_TILE], *coff[S1_TILE], *mn[S1_TILE];
        float *dd[S1_TILE], *dm[S1_TILE];
        for (int k = 0; k < S1_TILE; k++) {
            // A short last tile repeats its last row (computed, not stored).
            uint8_t *base = scratch + (size_t)(k < nr ? k : nr - 1) * per;
            u[k] = base;
            scv[k] = (int32_t *)(base + (size_t)nb * 256); coff[k] = scv[k] + nb * 64; mn[k] = coff[k] + nb * 16;
            dd[k] = (float *)(mn[k] + nb * 16); dm[k] = dd[k] + nb;
            if (k >= nr) continue;
            const uint8_t *row = (const uint8_t *)w + (size_t)(r + k) * row_bytes;
            for (int b = 0; b < nb; b++) {
                int32_t sc[16];
                unpack(row + (size_t)b * block_bytes, u[k] + 256 * b, sc, mn[k] + 16 * b, dd[k] + b, dm[k] + b);
                for (int c = 0; c < 4; c++)
                    for (int j = 0; j < 16; j++) scv[k][64 * b + 16 * c + j] = sc[4 * c + j / 4];
                for (int g = 0; g < 16; g++) coff[k][16 * b + g] = offset * sc[g];
            }
        }
        for (int t = 0; t < nx; t++) {
            const int8_t *q = x->q + (size_t)t * cols;
            const float *dk = x->dk + (size_t)t * nb;
            const int32_t *bs = x->bs + (size_t)t * (cols / 16);
            vf a0 = vf_zero(), a1 = vf_zero(), a2 = vf_zero(), a3 = vf_zero();
            for (int b = 0; b < nb; b++) {
                const vi s = vi_load(bs + 16 * b);
                a0 = step256(a0, u[0], scv[0], coff[0], mn[0], dd[0], dm[0], q, s, dk[b], b, offset, has_min);
                a1 = step256(a1, u[1], scv[1], coff[1], mn[1], dd[1], dm[1], q, s, dk[b], b, offset, has_min);
                a2 = step256(a2, u[2], scv[2], coff[2], mn[2], dd[2], dm[2], q, s, dk[b], b, offset, has_min);
                a3 = step256(a3, u[3], scv[3], coff[3], mn[3], dd[3], dm[3], q, s, dk[b], b, offset, has_min);
            }
            store_tile(y + (size_t)t * ldy + r, nr, a0, a1, a2, a3);
        }
    }
}

// The 12-byte scale field of Q4_K and Q5_K: eight 6-bit scales and mins, one pair per 32 values, spread
// to the 16-value groups.
static inline void scale_min_k4(const uint8_t *q, int32_t *sc, int32_t *mn) {
    for (int j = 0; j < 8; j++) {
        int s, m;
        if (j < 4) { s = q[j] & 63; m = q[j + 4] & 63; }
        else { s = (q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4); m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4); }
        sc[2 * j] = sc[2 * j + 1] = s;
        mn[2 * j] = mn[2 * j + 1] = m;
    }
}

#define S1_KERNEL256(name, block_bytes, unpack, offset, has_min)                                              \
    void s1_kernel_##name(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, \
                          float *y, size_t ldy) {                                                             \
        kernel256(w, row_bytes, r0, r1, cols, x, nx, y, ldy, block_bytes, unpack, offset, has_min);           \
    }
