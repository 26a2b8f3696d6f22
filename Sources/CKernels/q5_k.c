// Q5_K (176 bytes per 256 values): as Q4_K plus 32 bytes of fifth bits before the nibbles; the fifth bit
// of value 64g + l is bit 2g of byte l, of value 64g + 32 + l bit 2g + 1. w = d·sc·u − dmin·mn.
#include "kernel256.h"
static inline void unpack_q5_k(const uint8_t *restrict b, uint8_t *restrict u, int32_t *sc, int32_t *mn, float *d, float *dmin) {
    *d = half_at(b); *dmin = half_at(b + 2);
    scale_min_k4(b + 4, sc, mn);
    const uint8_t *qh = b + 16, *qs = b + 48;
    for (int g = 0; g < 4; g++)
        for (int l = 0; l < 32; l++) {
            u[64 * g + l] = (uint8_t)((qs[32 * g + l] & 0x0F) | (((qh[l] >> (2 * g)) & 1) << 4));
            u[64 * g + 32 + l] = (uint8_t)((qs[32 * g + l] >> 4) | (((qh[l] >> (2 * g + 1)) & 1) << 4));
        }
}
S1_KERNEL256(q5_k, 176, unpack_q5_k, 0, 1)
