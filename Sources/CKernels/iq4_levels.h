// The 16 non-linear levels of IQ4_NL and IQ4_XS (ggml's kvalues_iq4nl), plus 128 as unsigned codes.
#ifndef S1_IQ4_LEVELS_H
#define S1_IQ4_LEVELS_H
#include <stdint.h>
static const uint8_t s1_iq4_levels_u8[16] = {
    128 - 127, 128 - 104, 128 - 83, 128 - 65, 128 - 49, 128 - 35, 128 - 22, 128 - 10,
    128 + 1, 128 + 13, 128 + 25, 128 + 38, 128 + 53, 128 + 69, 128 + 89, 128 + 113,
};
#endif
