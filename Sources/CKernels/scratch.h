// Per-thread scratch for unpacked weight rows: grown on demand, kept for the thread's life (its size is
// bounded by the widest row the model has); and the row tiling the kernels share. (Software prefetch of the next tile was
// tried: hardware prefetch streams the rows as fast, and non-temporal hints made it 3× slower.)
#ifndef S1_SCRATCH_H
#define S1_SCRATCH_H
#include <stddef.h>
#include <stdint.h>
uint8_t *s1_scratch(size_t bytes);

// Weight rows per tile in every kernel.
#define S1_TILE 4

#endif
