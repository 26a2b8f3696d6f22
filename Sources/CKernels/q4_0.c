// Q4_0 (18 bytes per 32 values): fp16 d, 16 bytes of nibbles; w = d·(u − 8).
#include "kernel32.h"
static inline void unpack_q4_0(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) { (void)m; *d = half_at(b); nibbles32(b + 2, u); }
#if S1_VNNI
static inline vi pair_q4_0(const uint8_t *b0, const uint8_t *b1) { return nibble_pair(b0 + 2, b1 ? b1 + 2 : 0); }
#endif
S1_KERNEL32(q4_0, 18, unpack_q4_0, 3, 0, 4)
