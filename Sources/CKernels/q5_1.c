// Q5_1 (24 bytes per 32 values): fp16 d, fp16 m, 32 fifth bits, 16 bytes of nibbles; w = d·u + m with
// u = nibble | fifth bit << 4.
#include "kernel32.h"
static inline void unpack_q5_1(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    *d = half_at(b); *m = half_at(b + 2); nibbles32(b + 8, u);
    or_fifth_bits(b + 4, u);
}
S1_KERNEL32(q5_1, 24, unpack_q5_1, 0, 1)
