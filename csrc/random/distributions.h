/* distributions.h: uniform, normal, truncated normal and integer fills from
 * the Philox4x32-10 bit generator (philox.h).
 *
 * Purity.  Element i of a fill (i counted from the generator's start block
 * g->start, so i = offset + position in `out`) is a pure function of
 * (key, stream, start, i).  The kernels may split a fill into any chunks,
 * threads or SIMD groups; each element is computed by the same arithmetic.
 *
 * Which bits element i uses ("block b" is fi_philox_block(g, g->start + b),
 * words w0..w3; "u24(w)" = w >> 8, "u53(x, y)" = (x >> 6) * 2^27 + (y >> 5)):
 *
 *   uniform  f32   block i/4, word i%4:           u = u24(w) * 2^-24 in [0, 1)
 *   uniform  f64   block i/2, words 2(i%2), +1:   u = u53(x, y) * 2^-53 in [0, 1)
 *                  then low + (high - low) * u (rounded once each).
 *   normal   f32   elements 2m, 2m+1 are one Box-Muller pair m: block m/2,
 *                  words 2(m%2) (radius) and 2(m%2)+1 (angle).
 *   normal   f64   pair m: block m, words 0-1 (radius), 2-3 (angle).
 *                  radius r = sqrt(-2 log u1), u1 = (k + 1) * 2^-bits in (0, 1]
 *                  (k = u24 or u53), so log is always finite; the angle
 *                  2*pi*u2 is reduced to a quadrant q and t in [-1/2, 1/2]
 *                  with integer arithmetic (exact), then
 *                  element 2m = r cos(theta), element 2m+1 = r sin(theta),
 *                  then mean + std * z.
 *                  |z| <= 5.77 (f32) / 8.57 (f64): the tails beyond are
 *                  less likely than 1e-8 / 1e-16 per draw.
 *   truncated f32  block i/4, word i%4:           u = (w + 1/2) * 2^-32
 *   truncated f64  block i/2, words 2(i%2), +1:   u = (u53 + 1/2) * 2^-53
 *                  z = ndtri(Phi(a) + u (Phi(b) - Phi(a))) (inverse CDF, no
 *                  rejection), clamped to [a, b], then mean + std * z.
 *                  When a + b > 0 the mirrored interval is sampled and z
 *                  negated, so the CDF values stay small and precise.
 *   integers       block i/2, words 2(i%2), +1:   x = w_lo | w_hi << 32,
 *                  low + floor(x * range / 2^64) (bias <= range / 2^64).
 *
 * Kernel sets.  The generic C path is the reference.  The AVX2 and AVX-512
 * paths give the SAME bits for every distribution: their log/sin/cos
 * (vmath/vmath_log.h) repeat the scalar operations in the same order without
 * fused multiply-adds, and everything else is exact integer arithmetic.
 * Truncated normal has an AVX2 kernel and an AVX-512 kernel (which queues
 * the lanes in fi_ndtri's tail branch and runs them 8 at a time: the same
 * operations per element); integers use the generic code on every set.  The SIMD kernels' contract:
 * distributions_isa.h. */
#ifndef FASTINIT_DISTRIBUTIONS_H
#define FASTINIT_DISTRIBUTIONS_H

#include "random/philox.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The distributions a fill draws from: the codes the Python bridge's fill
 * dispatches on (fastinit._core.fill). */
typedef enum fi_dist_kind {
    FI_DIST_UNIFORM = 0,
    FI_DIST_NORMAL = 1,
    FI_DIST_TRUNCATED_NORMAL = 2,
    FI_DIST_COUNT /* members; fastinit._core checks its enum against this at import */
} fi_dist_kind;

/* Raw words of blocks [block, block + nblocks) (absolute block indices,
 * g->start ignored), 4 per block in order: the bit generator as such. */
void fi_philox_words(const fi_rng *g, uint64_t block, fi_index nblocks, uint32_t *out);

void fi_uniform_f32(const fi_rng *g, uint64_t offset, fi_index n, float low, float high,
                    float *out);
void fi_uniform_f64(const fi_rng *g, uint64_t offset, fi_index n, double low, double high,
                    double *out);
void fi_normal_f32(const fi_rng *g, uint64_t offset, fi_index n, float mean, float std,
                   float *out);
void fi_normal_f64(const fi_rng *g, uint64_t offset, fi_index n, double mean, double std,
                   double *out);
/* a < b in standard deviations (-inf/+inf allowed, not both on one side). */
void fi_truncated_normal_f32(const fi_rng *g, uint64_t offset, fi_index n, double mean,
                             double std, double a, double b, float *out);
void fi_truncated_normal_f64(const fi_rng *g, uint64_t offset, fi_index n, double mean,
                             double std, double a, double b, double *out);
/* The float32 fills above rounded to a 16-bit format in the kernels' own
 * stores (fmt: fi_out_fmt of core/half.h, FI_OUT_F16 or FI_OUT_BF16; an
 * unknown fmt writes nothing): element i is the float32 fill's element i
 * rounded to nearest even, for any writable buffer of n 2-byte elements
 * (a PyTorch or JAX tensor's memory as well as a NumPy array).  FI_OUT_F32
 * gives the float32 fill itself. */
void fi_uniform_h16(const fi_rng *g, uint64_t offset, fi_index n, float low, float high,
                    int fmt, void *out);
void fi_normal_h16(const fi_rng *g, uint64_t offset, fi_index n, float mean, float std,
                   int fmt, void *out);
void fi_truncated_normal_h16(const fi_rng *g, uint64_t offset, fi_index n, double mean,
                             double std, double a, double b, int fmt, void *out);
/* How the active kernel set stores bfloat16: "vcvtneps2bf16" (AVX-512 BF16,
 * subnormal lanes fixed up) or "integer" (exact integer rounding). */
const char *fi_bf16_store_name(void);
/* in[0..n) rounded to fmt as the 16-bit fills round (core/half.h), on the
 * active kernel set: for tests of the rounding edges. */
void fi_round_f32_h16(fi_index n, const float *in, int fmt, uint16_t *out);
/* range = high - low as an unsigned count; 0 stands for 2^64. */
void fi_integers_i64(const fi_rng *g, uint64_t offset, fi_index n, int64_t low, uint64_t range,
                     int64_t *out);

/* Inverse of the standard normal CDF (Wichura's AS241, ~1e-16 relative);
 * -inf at 0, +inf at 1, NaN outside [0, 1]. */
double fi_ndtri(double p);
/* Phi(x), the standard normal CDF, the same bits on every platform
 * (normal_cdf.c: double-double, IEEE operations only, not libm's erfc). */
double fi_normal_cdf(double x);
extern const double fi_ndtri_coef[6][8];

#ifdef __cplusplus
}
#endif
#endif /* FASTINIT_DISTRIBUTIONS_H */
