// Q4_K (144 bytes per 256 values): fp16 d, fp16 dmin, 12 bytes of 6-bit scale/min pairs, 128 bytes of
// nibbles: byte 32g + l holds value 64g + l (low) and 64g + 32 + l (high). w = d·sc·u − dmin·mn.
#include "kernel256.h"
static inline void unpack_q4_k(const uint8_t *restrict b, uint8_t *restrict u, int32_t *sc, int32_t *mn, float *d, float *dmin) {
    *d = half_at(b); *dmin = half_at(b + 2);
    scale_min_k4(b + 4, sc, mn);
    const uint8_t *qs = b + 16;
    for (int g = 0; g < 4; g++)
        for (int l = 0; l < 32; l++) { u[64 * g + l] = qs[32 * g + l] & 0x0F; u[64 * g + 32 + l] = qs[32 * g + l] >> 4; }
}
S1_KERNEL256(q4_k, 144, unpack_q4_k, 0, 1)
