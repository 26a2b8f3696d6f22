// Q5_0 (22 bytes per 32 values): fp16 d, 32 fifth bits (bit j for value j), 16 bytes of nibbles;
// w = d·(u − 16) with u = nibble | fifth bit << 4.
#include "kernel32.h"
static inline void unpack_q5_0(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    (void)m; *d = half_at(b); nibbles32(b + 6, u); or_fifth_bits(b + 2, u);
}
#if S1_VNNI
static inline vi pair_q5_0(const uint8_t *b0, const uint8_t *b1) {
    return fifth_bits_pair(nibble_pair(b0 + 6, b1 ? b1 + 6 : 0), b0 + 2, b1 ? b1 + 2 : 0);
}
#endif
S1_KERNEL32(q5_0, 22, unpack_q5_0, 4, 0, 4)
