/* vmath_log.h: log and sin/cos for Box-Muller, as scalar C and as AVX2 /
 * AVX-512 vectors that give the SAME bits.
 *
 * Why bit-identical: every random fill in fastinit is meant to be a pure
 * function of (seed, element index) on any machine.  The vector versions
 * therefore perform exactly the scalar operations, in the same order, with
 * no fused multiply-add (an FMA rounds once where mul+add rounds twice).
 * Every step is an IEEE-754 operation (add, mul, div, sqrt, exact integer
 * bit manipulations), so the result does not depend on the ISA.  The cost is
 * a few extra instructions per polynomial; the accuracy (Cephes' logf/sinf/
 * cosf and log/sin/cos polynomials) stays within 2 ulp.
 *
 * Domain: the log functions take positive normal finite numbers (Box-Muller
 * feeds u in (0, 1]); the sin/cos functions take x in [-pi/4, pi/4] (the
 * caller reduces the angle exactly in integer arithmetic).
 *
 * The including file must not contract a*b+c into an FMA: GCC does not with
 * -std=c11 (fp-contract=off); clang is told so by the pragma below. */
#ifndef FASTINIT_VMATH_LOG_H
#define FASTINIT_VMATH_LOG_H

#include <stdint.h>
#include <string.h>

#include "core/fastinit.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ---- constants (Cephes) ---------------------------------------------------- */
#define FI_SQRTHF 0.707106781186547524f
#define FI_LOGF_P0 7.0376836292E-2f
#define FI_LOGF_P1 -1.1514610310E-1f
#define FI_LOGF_P2 1.1676998740E-1f
#define FI_LOGF_P3 -1.2420140846E-1f
#define FI_LOGF_P4 1.4249322787E-1f
#define FI_LOGF_P5 -1.6668057665E-1f
#define FI_LOGF_P6 2.0000714765E-1f
#define FI_LOGF_P7 -2.4999993993E-1f
#define FI_LOGF_P8 3.3333331174E-1f
#define FI_LOG_C1F 0.693359375f
#define FI_LOG_C2F -2.12194440e-4f

#define FI_SINF_S0 -1.9515295891E-4f
#define FI_SINF_S1 8.3321608736E-3f
#define FI_SINF_S2 -1.6666654611E-1f
#define FI_COSF_C0 2.443315711809948E-5f
#define FI_COSF_C1 -1.388731625493765E-3f
#define FI_COSF_C2 4.166664568298827E-2f
#define FI_PIO2F 1.57079632679489661923f

#define FI_SQRTH 0.70710678118654752440
#define FI_LOG_P0 1.01875663804580931796E-4
#define FI_LOG_P1 4.97494994976747001425E-1
#define FI_LOG_P2 4.70579119878881725854E0
#define FI_LOG_P3 1.44989225341610930846E1
#define FI_LOG_P4 1.79368678507819816313E1
#define FI_LOG_P5 7.70838733755885391666E0
#define FI_LOG_Q0 1.12873587189167450590E1
#define FI_LOG_Q1 4.52279145837532221105E1
#define FI_LOG_Q2 8.29875266912776603211E1
#define FI_LOG_Q3 7.11544750618563894466E1
#define FI_LOG_Q4 2.31251620126765340583E1
#define FI_LOG_C1 0.693359375
#define FI_LOG_C2 -2.121944400546905827679e-4

#define FI_SIN_S0 1.58962301576546568060E-10
#define FI_SIN_S1 -2.50507477628578072866E-8
#define FI_SIN_S2 2.75573136213857245213E-6
#define FI_SIN_S3 -1.98412698295895385996E-4
#define FI_SIN_S4 8.33333333332211858878E-3
#define FI_SIN_S5 -1.66666666666666307295E-1
#define FI_COS_C0 -1.13585365213876817300E-11
#define FI_COS_C1 2.08757008419747316778E-9
#define FI_COS_C2 -2.75573141792967388112E-7
#define FI_COS_C3 2.48015872888517045348E-5
#define FI_COS_C4 -1.38888888888730564116E-3
#define FI_COS_C5 4.16666666666665929218E-2
#define FI_PIO2 1.57079632679489661923

/* ---- scalar reference -------------------------------------------------------
 * One multiply and one add per statement: no contraction is possible. */
FI_INLINE float fi_madd_f32(float a, float b, float c) {
    float t = a * b;
    return t + c;
}
FI_INLINE double fi_madd_f64(double a, double b, double c) {
    double t = a * b;
    return t + c;
}

FI_INLINE float fi_log_f32(float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    int32_t e = (int32_t)(bits >> 23) - 126; /* x = m * 2^e, m in [0.5, 1) */
    uint32_t mb = (bits & 0x007fffffu) | 0x3f000000u;
    float m;
    memcpy(&m, &mb, 4);
    if (m < FI_SQRTHF) {
        e -= 1;
        m = m + m; /* exact */
    }
    float xr = m - 1.0f; /* exact (Sterbenz) */
    float z = xr * xr;
    /* Estrin's scheme: 4 dependent steps instead of Horner's 9 (the vector
     * versions are latency-bound on this polynomial). */
    float e0 = fi_madd_f32(FI_LOGF_P7, xr, FI_LOGF_P8);
    float e1 = fi_madd_f32(FI_LOGF_P5, xr, FI_LOGF_P6);
    float e2 = fi_madd_f32(FI_LOGF_P3, xr, FI_LOGF_P4);
    float e3 = fi_madd_f32(FI_LOGF_P1, xr, FI_LOGF_P2);
    float f0 = fi_madd_f32(e1, z, e0);
    float f1 = fi_madd_f32(e3, z, e2);
    float z2 = z * z;
    float y = fi_madd_f32(f1, z2, f0);
    y = fi_madd_f32(FI_LOGF_P0, z2 * z2, y);
    y = y * (xr * z);
    float fe = (float)e;
    y = fi_madd_f32(fe, FI_LOG_C2F, y);
    y = fi_madd_f32(z, -0.5f, y);
    float r = xr + y;
    return fi_madd_f32(fe, FI_LOG_C1F, r);
}

/* sin and cos of x in [-pi/4, pi/4]. */
FI_INLINE void fi_sincos_f32(float x, float *s, float *c) {
    float z = x * x;
    float ps = FI_SINF_S0;
    ps = fi_madd_f32(ps, z, FI_SINF_S1);
    ps = fi_madd_f32(ps, z, FI_SINF_S2);
    ps = ps * z;
    ps = ps * x;
    *s = ps + x;
    float pc = FI_COSF_C0;
    pc = fi_madd_f32(pc, z, FI_COSF_C1);
    pc = fi_madd_f32(pc, z, FI_COSF_C2);
    pc = pc * z;
    pc = pc * z;
    pc = fi_madd_f32(z, -0.5f, pc);
    *c = pc + 1.0f;
}

FI_INLINE double fi_log_f64(double x) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    double e = (double)(int32_t)((int32_t)(bits >> 52) - 1022);
    uint64_t mb = (bits & 0x000fffffffffffffull) | 0x3fe0000000000000ull;
    double m;
    memcpy(&m, &mb, 8);
    if (m < FI_SQRTH) {
        e = e - 1.0;
        m = m + m;
    }
    double xr = m - 1.0;
    double z = xr * xr;
    /* Estrin's scheme for P and Q (see fi_log_f32). */
    double p = fi_madd_f64(fi_madd_f64(FI_LOG_P0, xr, FI_LOG_P1), z,
                           fi_madd_f64(FI_LOG_P2, xr, FI_LOG_P3));
    p = fi_madd_f64(p, z, fi_madd_f64(FI_LOG_P4, xr, FI_LOG_P5));
    double q = fi_madd_f64(xr + FI_LOG_Q0, z, fi_madd_f64(FI_LOG_Q1, xr, FI_LOG_Q2));
    q = fi_madd_f64(q, z, fi_madd_f64(FI_LOG_Q3, xr, FI_LOG_Q4));
    double y = z * p;
    y = y / q;
    y = xr * y;
    y = fi_madd_f64(e, FI_LOG_C2, y);
    y = fi_madd_f64(z, -0.5, y);
    double r = xr + y;
    return fi_madd_f64(e, FI_LOG_C1, r);
}

FI_INLINE void fi_sincos_f64(double x, double *s, double *c) {
    double z = x * x;
    double ps = FI_SIN_S0;
    ps = fi_madd_f64(ps, z, FI_SIN_S1);
    ps = fi_madd_f64(ps, z, FI_SIN_S2);
    ps = fi_madd_f64(ps, z, FI_SIN_S3);
    ps = fi_madd_f64(ps, z, FI_SIN_S4);
    ps = fi_madd_f64(ps, z, FI_SIN_S5);
    double xz = x * z;
    *s = fi_madd_f64(xz, ps, x);
    double pc = FI_COS_C0;
    pc = fi_madd_f64(pc, z, FI_COS_C1);
    pc = fi_madd_f64(pc, z, FI_COS_C2);
    pc = fi_madd_f64(pc, z, FI_COS_C3);
    pc = fi_madd_f64(pc, z, FI_COS_C4);
    pc = fi_madd_f64(pc, z, FI_COS_C5);
    double zz = z * z;
    double one_half = fi_madd_f64(z, -0.5, 1.0);
    *c = fi_madd_f64(zz, pc, one_half);
}

/* ---- AVX2 ------------------------------------------------------------------- */
#if FI_X86 && defined(__AVX2__)
#include <immintrin.h>

#define FI_MADD_PS_AVX2(a, b, c) _mm256_add_ps(_mm256_mul_ps((a), (b)), (c))
#define FI_MADD_PD_AVX2(a, b, c) _mm256_add_pd(_mm256_mul_pd((a), (b)), (c))

static inline __m256 fi_log_ps_avx2(__m256 x) {
    __m256i bits = _mm256_castps_si256(x);
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f000000)));
    __m256 small = _mm256_cmp_ps(m, _mm256_set1_ps(FI_SQRTHF), _CMP_LT_OQ);
    e = _mm256_add_epi32(e, _mm256_castps_si256(small)); /* mask is -1 */
    m = _mm256_add_ps(m, _mm256_and_ps(small, m));        /* m + m, or m + 0 */
    __m256 xr = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
    __m256 z = _mm256_mul_ps(xr, xr);
    __m256 y;
    __m256 e0 = FI_MADD_PS_AVX2(_mm256_set1_ps(FI_LOGF_P7), xr, _mm256_set1_ps(FI_LOGF_P8));
    __m256 e1 = FI_MADD_PS_AVX2(_mm256_set1_ps(FI_LOGF_P5), xr, _mm256_set1_ps(FI_LOGF_P6));
    __m256 e2 = FI_MADD_PS_AVX2(_mm256_set1_ps(FI_LOGF_P3), xr, _mm256_set1_ps(FI_LOGF_P4));
    __m256 e3 = FI_MADD_PS_AVX2(_mm256_set1_ps(FI_LOGF_P1), xr, _mm256_set1_ps(FI_LOGF_P2));
    __m256 f0 = FI_MADD_PS_AVX2(e1, z, e0);
    __m256 f1 = FI_MADD_PS_AVX2(e3, z, e2);
    __m256 z2 = _mm256_mul_ps(z, z);
    y = FI_MADD_PS_AVX2(f1, z2, f0);
    y = FI_MADD_PS_AVX2(_mm256_set1_ps(FI_LOGF_P0), _mm256_mul_ps(z2, z2), y);
    y = _mm256_mul_ps(y, _mm256_mul_ps(xr, z));
    __m256 fe = _mm256_cvtepi32_ps(e);
    y = FI_MADD_PS_AVX2(fe, _mm256_set1_ps(FI_LOG_C2F), y);
    y = FI_MADD_PS_AVX2(z, _mm256_set1_ps(-0.5f), y);
    __m256 r = _mm256_add_ps(xr, y);
    return FI_MADD_PS_AVX2(fe, _mm256_set1_ps(FI_LOG_C1F), r);
}

static inline void fi_sincos_ps_avx2(__m256 x, __m256 *s, __m256 *c) {
    __m256 z = _mm256_mul_ps(x, x);
    __m256 ps = _mm256_set1_ps(FI_SINF_S0);
    ps = FI_MADD_PS_AVX2(ps, z, _mm256_set1_ps(FI_SINF_S1));
    ps = FI_MADD_PS_AVX2(ps, z, _mm256_set1_ps(FI_SINF_S2));
    ps = _mm256_mul_ps(ps, z);
    ps = _mm256_mul_ps(ps, x);
    *s = _mm256_add_ps(ps, x);
    __m256 pc = _mm256_set1_ps(FI_COSF_C0);
    pc = FI_MADD_PS_AVX2(pc, z, _mm256_set1_ps(FI_COSF_C1));
    pc = FI_MADD_PS_AVX2(pc, z, _mm256_set1_ps(FI_COSF_C2));
    pc = _mm256_mul_ps(pc, z);
    pc = _mm256_mul_ps(pc, z);
    pc = FI_MADD_PS_AVX2(z, _mm256_set1_ps(-0.5f), pc);
    *c = _mm256_add_ps(pc, _mm256_set1_ps(1.0f));
}

/* double <-> small non-negative integers in 64-bit lanes (AVX2 has no
 * cvtepi64_pd): 2^52 + k has the bits 0x4330000000000000 | k. */
static inline __m256d fi_u52_to_pd_avx2(__m256i k) {
    const __m256d magic = _mm256_set1_pd(4503599627370496.0);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(k, _mm256_castpd_si256(magic))),
                         magic);
}

static inline __m256d fi_log_pd_avx2(__m256d x) {
    __m256i bits = _mm256_castpd_si256(x);
    __m256d e = _mm256_sub_pd(fi_u52_to_pd_avx2(_mm256_srli_epi64(bits, 52)),
                              _mm256_set1_pd(1022.0));
    __m256d m = _mm256_castsi256_pd(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffll)),
                        _mm256_set1_epi64x(0x3fe0000000000000ll)));
    __m256d small = _mm256_cmp_pd(m, _mm256_set1_pd(FI_SQRTH), _CMP_LT_OQ);
    e = _mm256_sub_pd(e, _mm256_and_pd(small, _mm256_set1_pd(1.0)));
    m = _mm256_add_pd(m, _mm256_and_pd(small, m));
    __m256d xr = _mm256_sub_pd(m, _mm256_set1_pd(1.0));
    __m256d z = _mm256_mul_pd(xr, xr);
    __m256d p = FI_MADD_PD_AVX2(FI_MADD_PD_AVX2(_mm256_set1_pd(FI_LOG_P0), xr, _mm256_set1_pd(FI_LOG_P1)), z,
                          FI_MADD_PD_AVX2(_mm256_set1_pd(FI_LOG_P2), xr, _mm256_set1_pd(FI_LOG_P3)));
    p = FI_MADD_PD_AVX2(p, z, FI_MADD_PD_AVX2(_mm256_set1_pd(FI_LOG_P4), xr, _mm256_set1_pd(FI_LOG_P5)));
    __m256d q = FI_MADD_PD_AVX2(_mm256_add_pd(xr, _mm256_set1_pd(FI_LOG_Q0)), z,
                          FI_MADD_PD_AVX2(_mm256_set1_pd(FI_LOG_Q1), xr, _mm256_set1_pd(FI_LOG_Q2)));
    q = FI_MADD_PD_AVX2(q, z, FI_MADD_PD_AVX2(_mm256_set1_pd(FI_LOG_Q3), xr, _mm256_set1_pd(FI_LOG_Q4)));
    __m256d y = _mm256_mul_pd(z, p);
    y = _mm256_div_pd(y, q);
    y = _mm256_mul_pd(xr, y);
    y = FI_MADD_PD_AVX2(e, _mm256_set1_pd(FI_LOG_C2), y);
    y = FI_MADD_PD_AVX2(z, _mm256_set1_pd(-0.5), y);
    __m256d r = _mm256_add_pd(xr, y);
    return FI_MADD_PD_AVX2(e, _mm256_set1_pd(FI_LOG_C1), r);
}

static inline void fi_sincos_pd_avx2(__m256d x, __m256d *s, __m256d *c) {
    __m256d z = _mm256_mul_pd(x, x);
    __m256d ps = _mm256_set1_pd(FI_SIN_S0);
    ps = FI_MADD_PD_AVX2(ps, z, _mm256_set1_pd(FI_SIN_S1));
    ps = FI_MADD_PD_AVX2(ps, z, _mm256_set1_pd(FI_SIN_S2));
    ps = FI_MADD_PD_AVX2(ps, z, _mm256_set1_pd(FI_SIN_S3));
    ps = FI_MADD_PD_AVX2(ps, z, _mm256_set1_pd(FI_SIN_S4));
    ps = FI_MADD_PD_AVX2(ps, z, _mm256_set1_pd(FI_SIN_S5));
    __m256d xz = _mm256_mul_pd(x, z);
    *s = FI_MADD_PD_AVX2(xz, ps, x);
    __m256d pc = _mm256_set1_pd(FI_COS_C0);
    pc = FI_MADD_PD_AVX2(pc, z, _mm256_set1_pd(FI_COS_C1));
    pc = FI_MADD_PD_AVX2(pc, z, _mm256_set1_pd(FI_COS_C2));
    pc = FI_MADD_PD_AVX2(pc, z, _mm256_set1_pd(FI_COS_C3));
    pc = FI_MADD_PD_AVX2(pc, z, _mm256_set1_pd(FI_COS_C4));
    pc = FI_MADD_PD_AVX2(pc, z, _mm256_set1_pd(FI_COS_C5));
    __m256d zz = _mm256_mul_pd(z, z);
    __m256d one_half = FI_MADD_PD_AVX2(z, _mm256_set1_pd(-0.5), _mm256_set1_pd(1.0));
    *c = FI_MADD_PD_AVX2(zz, pc, one_half);
}
#endif /* AVX2 */

/* ---- AVX-512 ----------------------------------------------------------------- */
#if FI_X86 && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

#define FI_MADD_PS_AVX512(a, b, c) _mm512_add_ps(_mm512_mul_ps((a), (b)), (c))
#define FI_MADD_PD_AVX512(a, b, c) _mm512_add_pd(_mm512_mul_pd((a), (b)), (c))

static inline __m512 fi_log_ps_avx512(__m512 x) {
    __m512i bits = _mm512_castps_si512(x);
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(126));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x3f000000)));
    __mmask16 small = _mm512_cmp_ps_mask(m, _mm512_set1_ps(FI_SQRTHF), _CMP_LT_OQ);
    e = _mm512_mask_sub_epi32(e, small, e, _mm512_set1_epi32(1));
    m = _mm512_mask_add_ps(m, small, m, m);
    __m512 xr = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
    __m512 z = _mm512_mul_ps(xr, xr);
    __m512 y;
    __m512 e0 = FI_MADD_PS_AVX512(_mm512_set1_ps(FI_LOGF_P7), xr, _mm512_set1_ps(FI_LOGF_P8));
    __m512 e1 = FI_MADD_PS_AVX512(_mm512_set1_ps(FI_LOGF_P5), xr, _mm512_set1_ps(FI_LOGF_P6));
    __m512 e2 = FI_MADD_PS_AVX512(_mm512_set1_ps(FI_LOGF_P3), xr, _mm512_set1_ps(FI_LOGF_P4));
    __m512 e3 = FI_MADD_PS_AVX512(_mm512_set1_ps(FI_LOGF_P1), xr, _mm512_set1_ps(FI_LOGF_P2));
    __m512 f0 = FI_MADD_PS_AVX512(e1, z, e0);
    __m512 f1 = FI_MADD_PS_AVX512(e3, z, e2);
    __m512 z2 = _mm512_mul_ps(z, z);
    y = FI_MADD_PS_AVX512(f1, z2, f0);
    y = FI_MADD_PS_AVX512(_mm512_set1_ps(FI_LOGF_P0), _mm512_mul_ps(z2, z2), y);
    y = _mm512_mul_ps(y, _mm512_mul_ps(xr, z));
    __m512 fe = _mm512_cvtepi32_ps(e);
    y = FI_MADD_PS_AVX512(fe, _mm512_set1_ps(FI_LOG_C2F), y);
    y = FI_MADD_PS_AVX512(z, _mm512_set1_ps(-0.5f), y);
    __m512 r = _mm512_add_ps(xr, y);
    return FI_MADD_PS_AVX512(fe, _mm512_set1_ps(FI_LOG_C1F), r);
}

static inline void fi_sincos_ps_avx512(__m512 x, __m512 *s, __m512 *c) {
    __m512 z = _mm512_mul_ps(x, x);
    __m512 ps = _mm512_set1_ps(FI_SINF_S0);
    ps = FI_MADD_PS_AVX512(ps, z, _mm512_set1_ps(FI_SINF_S1));
    ps = FI_MADD_PS_AVX512(ps, z, _mm512_set1_ps(FI_SINF_S2));
    ps = _mm512_mul_ps(ps, z);
    ps = _mm512_mul_ps(ps, x);
    *s = _mm512_add_ps(ps, x);
    __m512 pc = _mm512_set1_ps(FI_COSF_C0);
    pc = FI_MADD_PS_AVX512(pc, z, _mm512_set1_ps(FI_COSF_C1));
    pc = FI_MADD_PS_AVX512(pc, z, _mm512_set1_ps(FI_COSF_C2));
    pc = _mm512_mul_ps(pc, z);
    pc = _mm512_mul_ps(pc, z);
    pc = FI_MADD_PS_AVX512(z, _mm512_set1_ps(-0.5f), pc);
    *c = _mm512_add_ps(pc, _mm512_set1_ps(1.0f));
}

static inline __m512d fi_log_pd_avx512(__m512d x) {
    __m512i bits = _mm512_castpd_si512(x);
    __m512d e = _mm512_sub_pd(_mm512_cvtepi64_pd(_mm512_srli_epi64(bits, 52)),
                              _mm512_set1_pd(1022.0));
    __m512d m = _mm512_castsi512_pd(
        _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi64(0x000fffffffffffffll)),
                        _mm512_set1_epi64(0x3fe0000000000000ll)));
    __mmask8 small = _mm512_cmp_pd_mask(m, _mm512_set1_pd(FI_SQRTH), _CMP_LT_OQ);
    e = _mm512_mask_sub_pd(e, small, e, _mm512_set1_pd(1.0));
    m = _mm512_mask_add_pd(m, small, m, m);
    __m512d xr = _mm512_sub_pd(m, _mm512_set1_pd(1.0));
    __m512d z = _mm512_mul_pd(xr, xr);
    __m512d p = FI_MADD_PD_AVX512(FI_MADD_PD_AVX512(_mm512_set1_pd(FI_LOG_P0), xr, _mm512_set1_pd(FI_LOG_P1)), z,
                          FI_MADD_PD_AVX512(_mm512_set1_pd(FI_LOG_P2), xr, _mm512_set1_pd(FI_LOG_P3)));
    p = FI_MADD_PD_AVX512(p, z, FI_MADD_PD_AVX512(_mm512_set1_pd(FI_LOG_P4), xr, _mm512_set1_pd(FI_LOG_P5)));
    __m512d q = FI_MADD_PD_AVX512(_mm512_add_pd(xr, _mm512_set1_pd(FI_LOG_Q0)), z,
                          FI_MADD_PD_AVX512(_mm512_set1_pd(FI_LOG_Q1), xr, _mm512_set1_pd(FI_LOG_Q2)));
    q = FI_MADD_PD_AVX512(q, z, FI_MADD_PD_AVX512(_mm512_set1_pd(FI_LOG_Q3), xr, _mm512_set1_pd(FI_LOG_Q4)));
    __m512d y = _mm512_mul_pd(z, p);
    y = _mm512_div_pd(y, q);
    y = _mm512_mul_pd(xr, y);
    y = FI_MADD_PD_AVX512(e, _mm512_set1_pd(FI_LOG_C2), y);
    y = FI_MADD_PD_AVX512(z, _mm512_set1_pd(-0.5), y);
    __m512d r = _mm512_add_pd(xr, y);
    return FI_MADD_PD_AVX512(e, _mm512_set1_pd(FI_LOG_C1), r);
}

static inline void fi_sincos_pd_avx512(__m512d x, __m512d *s, __m512d *c) {
    __m512d z = _mm512_mul_pd(x, x);
    __m512d ps = _mm512_set1_pd(FI_SIN_S0);
    ps = FI_MADD_PD_AVX512(ps, z, _mm512_set1_pd(FI_SIN_S1));
    ps = FI_MADD_PD_AVX512(ps, z, _mm512_set1_pd(FI_SIN_S2));
    ps = FI_MADD_PD_AVX512(ps, z, _mm512_set1_pd(FI_SIN_S3));
    ps = FI_MADD_PD_AVX512(ps, z, _mm512_set1_pd(FI_SIN_S4));
    ps = FI_MADD_PD_AVX512(ps, z, _mm512_set1_pd(FI_SIN_S5));
    __m512d xz = _mm512_mul_pd(x, z);
    *s = FI_MADD_PD_AVX512(xz, ps, x);
    __m512d pc = _mm512_set1_pd(FI_COS_C0);
    pc = FI_MADD_PD_AVX512(pc, z, _mm512_set1_pd(FI_COS_C1));
    pc = FI_MADD_PD_AVX512(pc, z, _mm512_set1_pd(FI_COS_C2));
    pc = FI_MADD_PD_AVX512(pc, z, _mm512_set1_pd(FI_COS_C3));
    pc = FI_MADD_PD_AVX512(pc, z, _mm512_set1_pd(FI_COS_C4));
    pc = FI_MADD_PD_AVX512(pc, z, _mm512_set1_pd(FI_COS_C5));
    __m512d zz = _mm512_mul_pd(z, z);
    __m512d one_half = FI_MADD_PD_AVX512(z, _mm512_set1_pd(-0.5), _mm512_set1_pd(1.0));
    *c = FI_MADD_PD_AVX512(zz, pc, one_half);
}
#endif /* AVX-512 */

#endif /* FASTINIT_VMATH_LOG_H */
