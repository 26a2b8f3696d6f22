// Q8_0 (34 bytes per 32 values): fp16 d, 32 signed codes c; u = c + 128, so w = d·(u − 128).
#include "kernel32.h"
static inline void unpack_q8_0(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    (void)m; *d = half_at(b);
    for (int j = 0; j < 32; j++) u[j] = b[2 + j] ^ 0x80;
}
S1_KERNEL32(q8_0, 34, unpack_q8_0, 7, 0)
