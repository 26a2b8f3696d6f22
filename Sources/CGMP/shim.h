// GMP's public names (mpq_add, …) are macros for the exported __gmpq_* symbols; Swift sees the latter.
#include <gmp.h>
