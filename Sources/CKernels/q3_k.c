// Q3_K (110 bytes per 256 values): 32 bytes of high-bit masks, 64 bytes of 2-bit codes (Q2_K's order),
// 12 bytes of sixteen 6-bit scales biased by 32, fp16 d. u = low | mask bit << 2, w = d·(sc − 32)·(u − 4);
// the mask bit of value 128h + 32s + l is bit 4h + s of byte l.
#include "kernel256.h"
static inline void unpack_q3_k(const uint8_t *restrict b, uint8_t *restrict u, int32_t *sc, int32_t *mn, float *d, float *dmin) {
    (void)mn;
    const uint8_t *hm = b, *qs = b + 32, *s = b + 96;
    for (int g = 0; g < 16; g++) {
        int low = g < 8 ? (s[g] & 0x0F) : (s[g - 8] >> 4);
        int high = (s[8 + g % 4] >> (2 * (g / 4))) & 3;
        sc[g] = (low | high << 4) - 32;
    }
    for (int h = 0; h < 2; h++)
        for (int k = 0; k < 4; k++)
            for (int l = 0; l < 32; l++)
                u[128 * h + 32 * k + l] = (uint8_t)(((qs[32 * h + l] >> (2 * k)) & 3) | (((hm[l] >> (4 * h + k)) & 1) << 2));
    *d = half_at(b + 108); *dmin = 0;
}
S1_KERNEL256(q3_k, 110, unpack_q3_k, 4, 0)
