// The per-thread scratch of scratch.h.
#include "scratch.h"
#include <stdlib.h>
#include <stdio.h>

static _Thread_local uint8_t *buffer;
static _Thread_local size_t capacity;

uint8_t *s1_scratch(size_t bytes) {
    if (bytes > capacity) {
        free(buffer);
        size_t n = (bytes + 4095) & ~(size_t)4095;
        buffer = aligned_alloc(64, n);
        if (!buffer) { fprintf(stderr, "s1 kernels: out of memory for %zu bytes of scratch\n", n); abort(); }
        capacity = n;
    }
    return buffer;
}
