// F16 and BF16 weights, kept 16-bit: each chunk of 16 weights is widened in registers and multiplied with
// activations already rounded to the same 16-bit type (as llama.cpp rounds them), accumulated in fp32 lanes
// in column order with one fixed reduction; the last cols % 16 columns follow in order.
#include "s1kernels.h"
#include "lanes.h"
#include "scratch.h"

typedef vf (*load16_fn)(const uint16_t *);

static inline float widen(const uint16_t *row, int c, int bf) {
    if (!bf) return s1_f16_to_f32(row[c]);
    uint32_t b = (uint32_t)row[c] << 16; float f; memcpy(&f, &b, 4); return f;
}

// An output from its lane sums: the fixed reduction, then the last cols % 16 columns in order.
static inline float finish16(vf a, const uint16_t *row, const float *xr, int cols, int bf) {
    float s = vf_sum(a);
    for (int c = cols / 16 * 16; c < cols; c++) s = fmaf(widen(row, c, bf), xr[c], s);
    return s;
}

// Rows four at a time (as the integer kernels): one activation load serves four rows.
static inline __attribute__((always_inline))
void kernel16(const void *w, size_t row_bytes, int r0, int r1, int cols, const s1_act *x, int nx, float *y, size_t ldy,
              load16_fn load, int bf) {
    const int chunks = cols / 16;
    for (int r = r0; r < r1; r += S1_TILE) {
        const int nr = r1 - r < S1_TILE ? r1 - r : S1_TILE;
        const uint16_t *row[S1_TILE];
        for (int k = 0; k < S1_TILE; k++) row[k] = (const uint16_t *)((const uint8_t *)w + (size_t)(r + (k < nr ? k : nr - 1)) * row_bytes);
        if (nx == 1) {
            // One activation row (single-stream decode): each weight row streams alone. Four rows read in
            // step ran at 11 GB/s here (576 × 49,152, one thread), one at a time at 27; a row's
            // arithmetic is the same either way.
            for (int k = 0; k < nr; k++) {
                vf a = vf_zero();
                for (int c = 0; c < chunks; c++) a = vf_fma(load(row[k] + 16 * c), vf_load(x->f + 16 * c), a);
                y[r + k] = finish16(a, row[k], x->f, cols, bf);
            }
            continue;
        }
        int t = 0;
#if defined(__AVX512F__)
        // Four activation rows at a time: each widened weight chunk serves four rows (16 accumulators of
        // the 32 registers). Each output's steps are those of the one-row loop below.
        for (; nx - t >= 4; t += 4) {
            vf a[S1_TILE][4];
            for (int k = 0; k < S1_TILE; k++) for (int j = 0; j < 4; j++) a[k][j] = vf_zero();
            const float *xr = x->f + (size_t)t * cols;
            for (int c = 0; c < chunks; c++) {
                vf xv[4];
                for (int j = 0; j < 4; j++) xv[j] = vf_load(xr + (size_t)j * cols + 16 * c);
                for (int k = 0; k < S1_TILE; k++) {
                    const vf wv = load(row[k] + 16 * c);
                    for (int j = 0; j < 4; j++) a[k][j] = vf_fma(wv, xv[j], a[k][j]);
                }
            }
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < nr; k++) y[(size_t)(t + j) * ldy + r + k] = finish16(a[k][j], row[k], xr + (size_t)j * cols, cols, bf);
        }
#endif
        for (; t < nx; t++) {
            const float *xr = x->f + (size_t)t * cols;
            vf a0 = vf_zero(), a1 = vf_zero(), a2 = vf_zero(), a3 = vf_zero();
            for (int c = 0; c < chunks; c++) {
                const vf xv = vf_load(xr + 16 * c);
                a0 = vf_fma(load(row[0] + 16 * c), xv, a0);
                a1 = vf_fma(load(row[1] + 16 * c), xv, a1);
                a2 = vf_fma(load(row[2] + 16 * c), xv, a2);
                a3 = vf_fma(load(row[3] + 16 * c), xv, a3);
            }
            const vf acc[S1_TILE] = {a0, a1, a2, a3};
            for (int k = 0; k < nr; k++) y[(size_t)t * ldy + r + k] = finish16(acc[k], row[k], xr, cols, bf);
        }
    }
}

void s1_kernel_f16(const void *w, size_t rb, int r0, int r1, int cols, const s1_act *x, int nx, float *y, size_t ldy) {
    kernel16(w, rb, r0, r1, cols, x, nx, y, ldy, vf_load_f16, 0);
}

void s1_kernel_bf16(const void *w, size_t rb, int r0, int r1, int cols, const s1_act *x, int nx, float *y, size_t ldy) {
    kernel16(w, rb, r0, r1, cols, x, nx, y, ldy, vf_load_bf16, 1);
}
