// Q6_K (210 bytes per 256 values): 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 int8 scales
// (one per 16 values), fp16 d. u = low | high << 4, w = d·sc·(u − 32). Per half h of 128 values: ql[l]
// holds values l (low) and l + 64 (high nibble), ql[l + 32] values l + 32 and l + 96; qh[l] the high bits
// of l, l + 32, l + 64, l + 96 at shifts 0, 2, 4, 6.
#include "kernel256.h"
static inline void unpack_q6_k(const uint8_t *restrict b, uint8_t *restrict u, int32_t *sc, int32_t *mn, float *d, float *dmin) {
    (void)mn;
    for (int h = 0; h < 2; h++) {
        const uint8_t *ql = b + 64 * h, *qh = b + 128 + 32 * h;
        uint8_t *o = u + 128 * h;
        for (int l = 0; l < 32; l++) {
            o[l] = (uint8_t)((ql[l] & 0x0F) | ((qh[l] & 3) << 4));
            o[l + 32] = (uint8_t)((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4));
            o[l + 64] = (uint8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
            o[l + 96] = (uint8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4));
        }
    }
    for (int g = 0; g < 16; g++) sc[g] = (int8_t)b[192 + g];
    *d = half_at(b + 208); *dmin = 0;
}
S1_KERNEL256(q6_k, 210, unpack_q6_k, 32, 0)
