// Q5_0 (22 bytes per 32 values): fp16 d, 32 fifth bits (bit j for value j), 16 bytes of nibbles;
// w = d·(u − 16) with u = nibble | fifth bit << 4.
#include "kernel32.h"
static inline void unpack_q5_0(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    (void)m; *d = half_at(b); nibbles32(b + 6, u); or_fifth_bits(b + 2, u);
}
S1_KERNEL32(q5_0, 22, unpack_q5_0, 4, 0)
