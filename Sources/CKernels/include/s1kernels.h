// The int8 (and 16-bit float) matmul kernels s1-think decodes and prefills with, one per GGUF weight type.
// As in llama.cpp, activations are first quantized per block to 8-bit codes (the format the weight type
// pairs with: Q8_0-style 32-blocks, or Q8_K-style 256-blocks), each weight block is unpacked to unsigned
// 8-bit codes, and the dot products are integer sums (AVX-512 VNNI `vpdpbusd` where the CPU has it, a
// portable C path otherwise), scaled in float per block.
#ifndef S1KERNELS_H
#define S1KERNELS_H
#include <stddef.h>
#include <stdint.h>

// Activations for the kernels, `rows` rows of `cols` values. Which arrays are used depends on the format:
//   S1_ACT_Q32  q: codes [rows][cols]; per 32-block [rows][cols/32]: dx its scale, sx its code sum and
//               sv fp16(d·Σq)
//   S1_ACT_QK   q: codes [rows][cols]; dk: scale per 256-block [rows][cols/256]; bs: code sum per 16 [rows][cols/16]
//   S1_ACT_F16 / S1_ACT_BF16   f: the values rounded to fp16 / bf16, as fp32 [rows][cols]
typedef enum { S1_ACT_Q32 = 0, S1_ACT_QK = 1, S1_ACT_F16 = 2, S1_ACT_BF16 = 3 } s1_act_format;

typedef struct {
    int8_t *q;
    float *dx, *sv, *dk, *f;
    int32_t *sx, *bs;
    int cols;
} s1_act;

// Bytes s1_act_init needs for `rows` rows of `cols` values (cols a multiple of 256 for QK, of 32 for Q32).
size_t s1_act_bytes(s1_act_format format, int rows, int cols);
// Lays the arrays out in `memory` (s1_act_bytes of it, 64-byte aligned).
s1_act s1_act_init(s1_act_format format, void *memory, int rows, int cols);
// Quantizes rows [first, first + n) of x (cols floats each) into the same rows of a.
void s1_act_quantize(s1_act_format format, const s1_act *a, const float *x, int first, int n);

// y[t·ldy + r] = W[r] · x[t] for r in [r0, r1), t < nx; W's rows are `row_bytes` apart.
typedef void (*s1_kernel)(const void *w, size_t row_bytes, int r0, int r1, int cols,
                          const s1_act *x, int nx, float *y, size_t ldy);

void s1_kernel_q4_0(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q4_1(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q5_0(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q5_1(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q8_0(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_iq4_nl(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q2_k(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q3_k(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q4_k(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q5_k(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_q6_k(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_iq4_xs(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_f16(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);
void s1_kernel_bf16(const void *, size_t, int, int, int, const s1_act *, int, float *, size_t);

// y[t·ldy + r] = W[r] · x[t] for fp32 W [rows][cols], r in [r0, r1), t < n (f32.c): the same bits for a row
// whatever n, the tile or the vector width.
void s1_f32_matvec(const float *w, int cols, const float *x, int n, float *y, size_t ldy, int r0, int r1);

// How the KV cache stores a row of hd values: fp32, fp16, or hd / 32 Q8_0 blocks (34 bytes each).
typedef enum { S1_KV_F32 = 0, S1_KV_F16 = 1, S1_KV_Q8_0 = 2 } s1_kv_type;
// Decode attention for one KV head and its `group` query heads (attention.c): q, out [group][hd] fp32;
// k, v [positions] rows of `type`; hd a multiple of 16 (of 32 for Q8_0); `half`: fp16 queries and
// probabilities. scores: group × s1_attn_scratch_stride(positions) floats of scratch; on return, row g
// holds head g's probabilities.
void s1_attn_decode(const float *q, const void *k, const void *v, s1_kv_type type, int positions, int hd, int group,
                    float scale, int half, float *scores, float *out);
int s1_attn_scratch_stride(int positions);
// row[0..<n] ← softmax(row) (scores already scaled), rounded to fp16 when `half`.
void s1_softmax(float *row, int n, int half);

// 1 when the integer kernels run on AVX-512 VNNI, 0 on the portable path (for reports).
int s1_kernels_vnni(void);
// 1 when the build machine has 512-bit vectors (the fp32 matvec picks its register tile by it).
int s1_kernels_avx512(void);
#endif
