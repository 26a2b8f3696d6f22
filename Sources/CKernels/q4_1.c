// Q4_1 (20 bytes per 32 values): fp16 d, fp16 m, 16 bytes of nibbles; w = d·u + m.
#include "kernel32.h"
static inline void unpack_q4_1(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) { *d = half_at(b); *m = half_at(b + 2); nibbles32(b + 4, u); }
#if S1_VNNI
static inline vi pair_q4_1(const uint8_t *b0, const uint8_t *b1) { return nibble_pair(b0 + 4, b1 ? b1 + 4 : 0); }
#endif
S1_KERNEL32(q4_1, 20, unpack_q4_1, 0, 1, 4)
