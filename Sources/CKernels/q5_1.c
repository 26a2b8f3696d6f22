// Q5_1 (24 bytes per 32 values): fp16 d, fp16 m, 32 fifth bits, 16 bytes of nibbles; w = d·u + m with
// u = nibble | fifth bit << 4.
#include "kernel32.h"
static inline void unpack_q5_1(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    *d = half_at(b); *m = half_at(b + 2); nibbles32(b + 8, u);
    or_fifth_bits(b + 4, u);
}
#if S1_VNNI
static inline vi pair_q5_1(const uint8_t *b0, const uint8_t *b1) {
    return fifth_bits_pair(nibble_pair(b0 + 8, b1 ? b1 + 8 : 0), b0 + 4, b1 ? b1 + 4 : 0);
}
#endif
S1_KERNEL32(q5_1, 24, unpack_q5_1, 0, 1, 4)
