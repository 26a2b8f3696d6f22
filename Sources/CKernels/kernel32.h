// The kernel shared by the 32-value block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL) against Q32
// activations. Each type supplies `unpack`: one block → 32 unsigned codes u, its scale d and (Q4_1, Q5_1)
// its min m, with the weights w = d·(u − offset) (+ m). Then for a block and an activation row
//   Σ w·x ≈ d·dx·(Σ u·q − offset·Σq) + m·fp16(dx·Σq)
// with the integer sums exact. A weight row is unpacked once into scratch and dotted with every
// activation row; two blocks share one 16-lane vector (lanes 0..7 and 8..15), and each output is one
// lane-wise accumulation in block order and one fixed reduction: a row's result does not depend on how
// many activation rows come with it.
#include "s1kernels.h"
#include "lanes.h"
#include "scratch.h"

typedef void (*unpack32_fn)(const uint8_t *restrict blk, uint8_t *restrict u, float *d, float *m);

// One weight row's share of an output: two blocks from block b on (`half`: only block b). `start` holds
// −offset·Σq of each block (lanes 0 and 8), so the integer sum starts from the offset correction.
static inline __attribute__((always_inline))
vf step32(vf acc, const uint8_t *u, const float *dw, const float *mw, const int8_t *q, vf dx, vi start, vf sv,
          int b, int has_min, int half, int offset_shift) {
    // Codes below 128 unless the offset is 128 (Q8_0, IQ4_NL).
    const int small = offset_shift < 7;
    vi p = half ? (small ? vi_dot_small_half(start, u + 32 * b, q + 32 * b) : vi_dot_half(start, u + 32 * b, q + 32 * b))
                : (small ? vi_dot_small(start, u + 32 * b, q + 32 * b) : vi_dot(start, u + 32 * b, q + 32 * b));
    vf d = half ? vf_load_half(dw + 8 * b) : vf_load(dw + 8 * b);
    acc = vf_fma(vf_cvt(p), vf_mul(d, dx), acc);
    if (has_min) acc = vf_fma(half ? vf_load_half(mw + 8 * b) : vf_load(mw + 8 * b), sv, acc);
    return acc;
}

static inline __attribute__((always_inline))
void kernel32(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, float *y, size_t ldy,
              int block_bytes, unpack32_fn unpack, int offset_shift, int has_min) {
    const int nb = cols / 32;
    const size_t per = (size_t)cols + (size_t)nb * 8 * 4 * 2;   // codes, then 8 copies of each d and m
    uint8_t *scratch = s1_scratch(S1_TILE * per);
    for (int r = r0; r < r1; r += S1_TILE) {
        const int nr = r1 - r < S1_TILE ? r1 - r : S1_TILE;
        uint8_t *u[S1_TILE];
        float *dw[S1_TILE], *mw[S1_TILE];
        for (int k = 0; k < S1_TILE; k++) {
            // A short last tile repeats its last row (computed, not stored).
            uint8_t *base = scratch + (size_t)(k < nr ? k : nr - 1) * per;
            u[k] = base; dw[k] = (float *)(base + cols); mw[k] = dw[k] + nb * 8;
            if (k >= nr) continue;
            const uint8_t *row = (const uint8_t *)w + (size_t)(r + k) * row_bytes;
            for (int b = 0; b < nb; b++) {
                float d, m = 0;
                unpack(row + (size_t)b * block_bytes, u[k] + 32 * b, &d, &m);
                for (int j = 0; j < 8; j++) { dw[k][8 * b + j] = d; mw[k][8 * b + j] = m; }
            }
        }
        for (int t = 0; t < nx; t++) {
            const int8_t *q = x->q + (size_t)t * cols;
            const float *dxp = x->dx + (size_t)t * nb, *svp = x->sv + (size_t)t * nb;
            const int32_t *sxp = x->sx + (size_t)t * nb;
            vf a0 = vf_zero(), a1 = vf_zero(), a2 = vf_zero(), a3 = vf_zero();
            for (int b = 0; b < nb; b += 2) {
                const int half = b + 1 == nb;
                const vf dx = vf_pair(dxp + b, half), sv = has_min ? vf_pair_first(svp + b, half) : vf_zero();
                const vi start = offset_shift ? vi_sub(vi_zero(), vi_shl(vi_pair_first(sxp + b, half), offset_shift)) : vi_zero();
                a0 = step32(a0, u[0], dw[0], mw[0], q, dx, start, sv, b, has_min, half, offset_shift);
                a1 = step32(a1, u[1], dw[1], mw[1], q, dx, start, sv, b, has_min, half, offset_shift);
                a2 = step32(a2, u[2], dw[2], mw[2], q, dx, start, sv, b, has_min, half, offset_shift);
                a3 = step32(a3, u[3], dw[3], mw[3], q, dx, start, sv, b, has_min, half, offset_shift);
            }
            store_tile(y + (size_t)t * ldy + r, nr, a0, a1, a2, a3);
        }
    }
}

// Nibble order of the 32-value types: byte j holds value j (low) and value j + 16 (high).
static inline void nibbles32(const uint8_t *restrict qs, uint8_t *restrict u) {
    for (int j = 0; j < 16; j++) { u[j] = qs[j] & 0x0F; u[j + 16] = qs[j] >> 4; }
}

#define S1_KERNEL32(name, block_bytes, unpack, offset_shift, has_min)                                         \
    void s1_kernel_##name(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, \
                          float *y, size_t ldy) {                                                             \
        kernel32(w, row_bytes, r0, r1, cols, x, nx, y, ldy, block_bytes, unpack, offset_shift, has_min);      \
    }
