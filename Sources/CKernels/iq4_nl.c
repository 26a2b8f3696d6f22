// IQ4_NL (18 bytes per 32 values): fp16 d, 16 bytes of 4-bit indices (Q4_0's nibble order) into a fixed
// table of 16 levels; u = level + 128, so w = d·(u − 128).
#include "kernel32.h"
#include "iq4_levels.h"
static inline void unpack_iq4_nl(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    (void)m; *d = half_at(b);
    lut_nibbles32(s1_iq4_levels_u8, b + 2, u);
}
#if S1_VNNI
static inline vi pair_iq4_nl(const uint8_t *b0, const uint8_t *b1) {
    const vi table = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)s1_iq4_levels_u8));
    return _mm512_shuffle_epi8(table, nibble_pair(b0 + 2, b1 ? b1 + 2 : 0));
}
#endif
S1_KERNEL32(iq4_nl, 18, unpack_iq4_nl, 7, 0, 4)
