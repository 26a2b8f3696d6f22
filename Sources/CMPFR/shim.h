// MPFR: correctly rounded arbitrary-precision reals. A few of its accessors are macros; the shim gives
// them function form for Swift.
#include <gmp.h>
#include <mpfr.h>

static inline int s1_mpfr_sgn(mpfr_srcptr x) { return mpfr_sgn(x); }
static inline mpfr_exp_t s1_mpfr_exp(mpfr_srcptr x) { return mpfr_get_exp(x); }
static inline int s1_mpfr_zero_p(mpfr_srcptr x) { return mpfr_zero_p(x); }
static inline int s1_mpfr_regular_p(mpfr_srcptr x) { return mpfr_regular_p(x); }
