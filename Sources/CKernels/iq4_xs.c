// IQ4_XS (136 bytes per 256 values): fp16 d, 16 bits of high scale bits, 4 bytes of low scale nibbles,
// 128 bytes of indices (each 32 values in Q4_0's nibble order) into the IQ4 levels. Each 32 values have
// a 6-bit scale ls biased by 32; u = level + 128, w = d·(ls − 32)·(u − 128).
#include "kernel256.h"
#include "iq4_levels.h"
static inline void unpack_iq4_xs(const uint8_t *restrict b, uint8_t *restrict u, int32_t *sc, int32_t *mn, float *d, float *dmin) {
    (void)mn;
    uint16_t high; memcpy(&high, b + 2, 2);
    for (int ib = 0; ib < 8; ib++) {
        int low = (b[4 + ib / 2] >> (4 * (ib % 2))) & 0x0F;
        sc[2 * ib] = sc[2 * ib + 1] = (low | ((high >> (2 * ib)) & 3) << 4) - 32;
        lut_nibbles32(s1_iq4_levels_u8, b + 8 + 16 * ib, u + 32 * ib);
    }
    *d = half_at(b); *dmin = 0;
}
S1_KERNEL256(iq4_xs, 136, unpack_iq4_xs, 128, 0)
