// Q8_0 (34 bytes per 32 values): fp16 d, 32 signed codes c; u = c + 128, so w = d·(u − 128).
#include "kernel32.h"
static inline void unpack_q8_0(const uint8_t *restrict b, uint8_t *restrict u, float *d, float *m) {
    (void)m; *d = half_at(b);
    for (int j = 0; j < 32; j++) u[j] = b[2 + j] ^ 0x80;
}
#if S1_VNNI
static inline vi pair_q8_0(const uint8_t *b0, const uint8_t *b1) {
    const __m256i c0 = _mm256_loadu_si256((const __m256i *)(b0 + 2));
    const vi two = b1 ? _mm512_inserti64x4(_mm512_castsi256_si512(c0), _mm256_loadu_si256((const __m256i *)(b1 + 2)), 1) : _mm512_zextsi256_si512(c0);
    return _mm512_xor_si512(two, _mm512_set1_epi8((char)0x80));
}
#endif
S1_KERNEL32(q8_0, 34, unpack_q8_0, 7, 0, 1)
