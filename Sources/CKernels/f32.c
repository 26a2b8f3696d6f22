// The fp32 decode matvec (a fine-tuned checkpoint, `--dtype f32`), alone or batched: y[t·ldy + r] = W[r]·x[t].
// Each product is 16 lane partial sums over the columns in 16-chunks, in order, by fused multiply-add; then
// lanes 0–7 plus 8–15, 4 plus 4, 2 plus 2, 1 plus 1; then the columns past the last full chunk in order. The
// register tile only decides which products share a loaded chunk, never the arithmetic, so a row's result
// is the same alone, in any batch, on any thread, and on every path below:
// - AVX-512: 4 weight rows × 4 sequences of 16-lane accumulators (16 of the 32 registers);
// - AVX2 (16 registers, where a 16-lane accumulator takes two): lanes 0–7, then lanes 8–15, each a pass
//   of 4 rows × 3 sequences of 8-lane accumulators (12 registers, 3 activation chunks, 1 weight chunk);
//   a 4 × 4 tile of pairs spilled to the stack at every step and ran at a fifth of the FMA rate;
// - elsewhere: plain C, lane by lane.
// A single sequence (single-stream decode) reads its rows one at a time: rows read in step stream at about
// half the memory bandwidth on the Zen 5 host (the same held for F16 and Q8_0 weights).
#include "s1kernels.h"
#include <math.h>

// The fixed tree over h8 (lanes 0–7 already added to lanes 8–15), then the tail columns.
static inline float finish8(const float *h8, const float *w, const float *x, int cols) {
    float h4[4], h2[2];
    for (int i = 0; i < 4; i++) h4[i] = h8[i] + h8[i + 4];
    for (int i = 0; i < 2; i++) h2[i] = h4[i] + h4[i + 2];
    float s = h2[0] + h2[1];
    for (int c = cols / 16 * 16; c < cols; c++) s = fmaf(w[c], x[c], s);
    return s;
}

#if defined(__AVX512F__)
#include <immintrin.h>
enum { ROWS = 4, SEQS = 4 };

static void tile(const float *w, int cols, const float *x, int n, float *y, size_t ldy, int r, int nr, int t, int nt) {
    const float *wr[ROWS], *xr[SEQS];
    for (int i = 0; i < ROWS; i++) wr[i] = w + (size_t)(r + (i < nr ? i : nr - 1)) * cols;
    for (int j = 0; j < SEQS; j++) xr[j] = x + (size_t)(t + (j < nt ? j : nt - 1)) * cols;
    __m512 a[ROWS][SEQS];
    for (int i = 0; i < ROWS; i++) for (int j = 0; j < SEQS; j++) a[i][j] = _mm512_setzero_ps();
    for (int c = 0; c + 16 <= cols; c += 16) {
        __m512 xv[SEQS];
        for (int j = 0; j < SEQS; j++) xv[j] = _mm512_loadu_ps(xr[j] + c);
        for (int i = 0; i < ROWS; i++) {
            const __m512 wv = _mm512_loadu_ps(wr[i] + c);
            for (int j = 0; j < SEQS; j++) a[i][j] = _mm512_fmadd_ps(wv, xv[j], a[i][j]);
        }
    }
    for (int i = 0; i < nr; i++) for (int j = 0; j < nt; j++) {
        float h8[8];
        _mm256_storeu_ps(h8, _mm256_add_ps(_mm512_castps512_ps256(a[i][j]), _mm512_extractf32x8_ps(a[i][j], 1)));
        y[(size_t)(t + j) * ldy + r + i] = finish8(h8, wr[i], xr[j], cols);
    }
    (void)n;
}

// One sequence (single-stream decode): each weight row streams alone (four rows read in step ran at 14 GB/s
// here, 576 × 49,152 on one thread; one at a time at 23).
static void tile1(const float *w, int cols, const float *x, float *y, int r, int nr) {
    for (int i = 0; i < nr; i++) {
        const float *wi = w + (size_t)(r + i) * cols;
        __m512 a = _mm512_setzero_ps();
        for (int c = 0; c + 16 <= cols; c += 16) a = _mm512_fmadd_ps(_mm512_loadu_ps(wi + c), _mm512_loadu_ps(x + c), a);
        float h8[8];
        _mm256_storeu_ps(h8, _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1)));
        y[r + i] = finish8(h8, wi, x, cols);
    }
}
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
enum { ROWS = 4, SEQS = 3 };

static void tile(const float *w, int cols, const float *x, int n, float *y, size_t ldy, int r, int nr, int t, int nt) {
    const float *wr[ROWS], *xr[SEQS];
    for (int i = 0; i < ROWS; i++) wr[i] = w + (size_t)(r + (i < nr ? i : nr - 1)) * cols;
    for (int j = 0; j < SEQS; j++) xr[j] = x + (size_t)(t + (j < nt ? j : nt - 1)) * cols;
    __m256 low[ROWS][SEQS];
    for (int half = 0; half < 2; half++) {
        __m256 a[ROWS][SEQS];
        for (int i = 0; i < ROWS; i++) for (int j = 0; j < SEQS; j++) a[i][j] = _mm256_setzero_ps();
        for (int c = 8 * half; c + 16 - 8 * half <= cols; c += 16) {
            const __m256 x0 = _mm256_loadu_ps(xr[0] + c), x1 = _mm256_loadu_ps(xr[1] + c), x2 = _mm256_loadu_ps(xr[2] + c);
            for (int i = 0; i < ROWS; i++) {
                const __m256 wv = _mm256_loadu_ps(wr[i] + c);
                a[i][0] = _mm256_fmadd_ps(wv, x0, a[i][0]);
                a[i][1] = _mm256_fmadd_ps(wv, x1, a[i][1]);
                a[i][2] = _mm256_fmadd_ps(wv, x2, a[i][2]);
            }
        }
        for (int i = 0; i < ROWS; i++) for (int j = 0; j < SEQS; j++) low[i][j] = half ? _mm256_add_ps(low[i][j], a[i][j]) : a[i][j];
    }
    for (int i = 0; i < nr; i++) for (int j = 0; j < nt; j++) {
        float h8[8];
        _mm256_storeu_ps(h8, low[i][j]);
        y[(size_t)(t + j) * ldy + r + i] = finish8(h8, wr[i], xr[j], cols);
    }
    (void)n;
}

// One sequence: a row at a time, both halves at once (14 GB/s with four rows in step, 27 one at a time,
// measured as above).
static void tile1(const float *w, int cols, const float *x, float *y, int r, int nr) {
    for (int i = 0; i < nr; i++) {
        const float *wi = w + (size_t)(r + i) * cols;
        __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
        for (int c = 0; c + 16 <= cols; c += 16) {
            lo = _mm256_fmadd_ps(_mm256_loadu_ps(wi + c), _mm256_loadu_ps(x + c), lo);
            hi = _mm256_fmadd_ps(_mm256_loadu_ps(wi + c + 8), _mm256_loadu_ps(x + c + 8), hi);
        }
        float h8[8];
        _mm256_storeu_ps(h8, _mm256_add_ps(lo, hi));
        y[r + i] = finish8(h8, wi, x, cols);
    }
}
#else
enum { ROWS = 1, SEQS = 1 };

static void tile(const float *w, int cols, const float *x, int n, float *y, size_t ldy, int r, int nr, int t, int nt) {
    const float *wr = w + (size_t)r * cols, *xr = x + (size_t)t * cols;
    float a[16] = {0}, h8[8];
    for (int c = 0; c + 16 <= cols; c += 16)
        for (int l = 0; l < 16; l++) a[l] = fmaf(wr[c + l], xr[c + l], a[l]);
    for (int l = 0; l < 8; l++) h8[l] = a[l] + a[l + 8];
    y[(size_t)t * ldy + r] = finish8(h8, wr, xr, cols);
    (void)n; (void)nr; (void)nt;
}

static void tile1(const float *w, int cols, const float *x, float *y, int r, int nr) { tile(w, cols, x, 1, y, 0, r, nr, 0, 1); }
#endif

void s1_f32_matvec(const float *w, int cols, const float *x, int n, float *y, size_t ldy, int r0, int r1) {
    for (int r = r0; r < r1; r += ROWS) {
        const int nr = r1 - r < ROWS ? r1 - r : ROWS;
        int t = 0;
        for (; n - t > 1; t += SEQS) tile(w, cols, x, n, y, ldy, r, nr, t, n - t < SEQS ? n - t : SEQS);
        if (t < n) tile1(w, cols, x + (size_t)t * cols, y + (size_t)t * ldy, r, nr);
    }
}
