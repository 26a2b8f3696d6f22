// Q2_K (84 bytes per 256 values): 16 scale/min bytes (low nibble scale, high nibble min, per 16 values),
// 64 bytes of 2-bit codes, fp16 d, fp16 dmin. Value 128h + 32s + l is bits 2s of byte 32h + l.
#include "kernel256.h"
static inline void unpack_q2_k(const uint8_t *restrict b, uint8_t *restrict u, int32_t *sc, int32_t *mn, float *d, float *dmin) {
    for (int g = 0; g < 16; g++) { sc[g] = b[g] & 0x0F; mn[g] = b[g] >> 4; }
    const uint8_t *qs = b + 16;
    for (int h = 0; h < 2; h++)
        for (int s = 0; s < 4; s++)
            for (int l = 0; l < 32; l++) u[128 * h + 32 * s + l] = (qs[32 * h + l] >> (2 * s)) & 3;
    *d = half_at(b + 80); *dmin = half_at(b + 82);
}
S1_KERNEL256(q2_k, 84, unpack_q2_k, 0, 1)
