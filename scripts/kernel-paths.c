// The C kernels' vector paths must give the same bits (CKernels/lanes.h): this program runs the kernels
// that have a separate single-row path (the 32-value types, F16/BF16, fp32) on seeded random weights and
// activations, one row alone and in batches, checks alone == batched, and prints one hash of every output.
// scripts/kernel-paths.sh builds it for AVX-512, AVX2 and plain C and compares the hashes.
#include "s1kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long hash = 1469598103934665603ull;
static void mix(const void *p, size_t n) { const unsigned char *c = p; for (size_t i = 0; i < n; i++) { hash ^= c[i]; hash *= 1099511628211ull; } }
static unsigned rng = 12345;
static unsigned next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }
static float uniform(void) { return (float)(next() % 20001) / 10000.f - 1.f; }
static uint16_t f16(float f) { _Float16 h = (_Float16)f; uint16_t b; memcpy(&b, &h, 2); return b; }

typedef struct { const char *name; s1_kernel k; int block_bytes, scales; s1_act_format act; } type;

int main(void) {
    const type types[] = {
        {"q4_0", s1_kernel_q4_0, 18, 1, S1_ACT_Q32}, {"q4_1", s1_kernel_q4_1, 20, 2, S1_ACT_Q32},
        {"q5_0", s1_kernel_q5_0, 22, 1, S1_ACT_Q32}, {"q5_1", s1_kernel_q5_1, 24, 2, S1_ACT_Q32},
        {"q8_0", s1_kernel_q8_0, 34, 1, S1_ACT_Q32}, {"iq4_nl", s1_kernel_iq4_nl, 18, 1, S1_ACT_Q32},
        {"f16", s1_kernel_f16, 0, 0, S1_ACT_F16}, {"bf16", s1_kernel_bf16, 0, 0, S1_ACT_BF16},
    };
    int bad = 0, cases = 0;
    const int colsv[] = {32, 96, 576, 800};   // odd block counts (3, 25) take the single-row path's lone block
    for (size_t ti = 0; ti < sizeof types / sizeof *types; ti++) {
        const type *T = &types[ti];
        for (int ci = 0; ci < 4; ci++) for (int rows = 1; rows <= 9; rows += 2) {
            const int cols = colsv[ci], nb = cols / 32, nx = 5;
            const size_t rb = T->block_bytes ? (size_t)nb * T->block_bytes : (size_t)cols * 2;
            uint8_t *w = malloc(rb * rows);
            for (size_t i = 0; i < rb * rows; i++) w[i] = (uint8_t)next();
            for (int r = 0; r < rows; r++) {
                if (T->block_bytes) {
                    for (int b = 0; b < nb; b++) for (int s = 0; s < T->scales; s++) {
                        uint16_t h = f16(uniform() * 0.05f); memcpy(w + r * rb + (size_t)b * T->block_bytes + 2 * s, &h, 2);
                    }
                } else for (int c = 0; c < cols; c++) {
                    uint16_t h = T->act == S1_ACT_F16 ? f16(uniform()) : (uint16_t)(0x3C00 ^ (next() & 0x80FF)); memcpy(w + r * rb + 2 * c, &h, 2);
                }
            }
            float *x = malloc(sizeof(float) * cols * nx);
            for (int i = 0; i < cols * nx; i++) x[i] = uniform() * (i % 37 ? 2.f : 40.f);
            const size_t ab = s1_act_bytes(T->act, nx, cols);
            void *mem = aligned_alloc(64, (ab + 63) / 64 * 64);
            s1_act a = s1_act_init(T->act, mem, nx, cols);
            s1_act_quantize(T->act, &a, x, 0, nx);
            float *batch = calloc((size_t)nx * rows, 4), *one = calloc(rows, 4);
            T->k(w, rb, 0, rows, cols, &a, nx, batch, rows);
            mix(batch, 4 * (size_t)nx * rows);
            for (int t = 0; t < nx; t++) {
                void *m1 = aligned_alloc(64, (s1_act_bytes(T->act, 1, cols) + 63) / 64 * 64);
                s1_act a1 = s1_act_init(T->act, m1, 1, cols);
                s1_act_quantize(T->act, &a1, x + (size_t)t * cols, 0, 1);
                T->k(w, rb, 0, rows, cols, &a1, 1, one, rows);
                if (memcmp(one, batch + (size_t)t * rows, 4 * (size_t)rows)) { bad++; fprintf(stderr, "%s cols %d rows %d: row %d alone differs from the batch\n", T->name, cols, rows, t); }
                free(m1);
            }
            cases++;
            free(w); free(x); free(mem); free(batch); free(one);
        }
    }
    // fp32: one sequence and batches of 2..9 (every tile shape and the one-sequence path).
    for (int cols = 15; cols <= 600; cols += 97) for (int rows = 1; rows <= 11; rows += 5) {
        float *w = malloc(sizeof(float) * rows * cols), *x = malloc(sizeof(float) * 9 * cols);
        for (int i = 0; i < rows * cols; i++) w[i] = uniform();
        for (int i = 0; i < 9 * cols; i++) x[i] = uniform() * 3;
        float *one = calloc(rows, 4), *batch = calloc((size_t)9 * rows, 4);
        for (int n = 2; n <= 9; n++) {
            s1_f32_matvec(w, cols, x, n, batch, rows, 0, rows);
            mix(batch, 4 * (size_t)n * rows);
            for (int t = 0; t < n; t++) {
                s1_f32_matvec(w, cols, x + (size_t)t * cols, 1, one, rows, 0, rows);
                if (memcmp(one, batch + (size_t)t * rows, 4 * (size_t)rows)) { bad++; fprintf(stderr, "f32 cols %d rows %d n %d: row %d alone differs\n", cols, rows, n, t); }
            }
        }
        cases++;
        free(w); free(x); free(one); free(batch);
    }
    printf("%d cases, %d mismatches, hash %016llx\n", cases, bad, hash);
    return bad != 0;
}
