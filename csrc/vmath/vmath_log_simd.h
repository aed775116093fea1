/* vmath_log_simd.h (internal): log and sin/cos of vmath_log.h written once
 * over the vector-op layer (vmath_isa.h), for scalar C and each vector ISA.
 *
 * No include guard.  The includer defines FI_VM_SET and FI_VM_DOUBLE and
 * VFN(log_split) (the exact exponent/mantissa split); the layer is defined
 * here and removed again at the end.  Only VMADD (multiply, then add: two
 * roundings), VADD, VSUB, VMUL and VDIV, so every set performs the scalar
 * operations in the same order and gives the same bits. */

#include "vmath/vmath_isa.h"

#if FI_VM_DOUBLE
#define K_(f, d) d
#else
#define K_(f, d) f
#endif

/* defines fi_log_f32, fi_log_f64, fi_log_ps_avx2, fi_log_pd_avx2, fi_log_ps_avx512,
 * fi_log_pd_avx512: x positive, normal, finite.  log x = e ln2 + log m, ln2
 * in two parts (C1 exact in a few bits), log m = xr - xr^2/2 + y. */
FI_INLINE VF VFN(log)(VF x) {
    VF e;
    VF xr = VSUB(VFN(log_split)(x, &e), V1(K_(1.0f, 1.0))); /* exact (Sterbenz) */
    VF z = VMUL(xr, xr);
    /* Estrin's scheme: 4 dependent steps instead of Horner's 9 for float
     * (the vector versions are latency-bound on this polynomial), and the
     * same for double's P and Q. */
#if FI_VM_DOUBLE
    VF p = VMADD(VMADD(V1(FI_LOG_P0), xr, V1(FI_LOG_P1)), z,
                 VMADD(V1(FI_LOG_P2), xr, V1(FI_LOG_P3)));
    p = VMADD(p, z, VMADD(V1(FI_LOG_P4), xr, V1(FI_LOG_P5)));
    VF q = VMADD(VADD(xr, V1(FI_LOG_Q0)), z, VMADD(V1(FI_LOG_Q1), xr, V1(FI_LOG_Q2)));
    q = VMADD(q, z, VMADD(V1(FI_LOG_Q3), xr, V1(FI_LOG_Q4)));
    VF y = VMUL(z, p);
    y = VDIV(y, q);
    y = VMUL(xr, y);
#else
    VF e0 = VMADD(V1(FI_LOGF_P7), xr, V1(FI_LOGF_P8));
    VF e1 = VMADD(V1(FI_LOGF_P5), xr, V1(FI_LOGF_P6));
    VF e2 = VMADD(V1(FI_LOGF_P3), xr, V1(FI_LOGF_P4));
    VF e3 = VMADD(V1(FI_LOGF_P1), xr, V1(FI_LOGF_P2));
    VF f0 = VMADD(e1, z, e0);
    VF f1 = VMADD(e3, z, e2);
    VF z2 = VMUL(z, z);
    VF y = VMADD(f1, z2, f0);
    y = VMADD(V1(FI_LOGF_P0), VMUL(z2, z2), y);
    y = VMUL(y, VMUL(xr, z));
#endif
    y = VMADD(e, V1(K_(FI_LOG_C2F, FI_LOG_C2)), y);
    y = VMADD(z, V1(K_(-0.5f, -0.5)), y);
    VF r = VADD(xr, y);
    return VMADD(e, V1(K_(FI_LOG_C1F, FI_LOG_C1)), r);
}

/* defines fi_sincos_f32, fi_sincos_f64, fi_sincos_ps_avx2, fi_sincos_pd_avx2,
 * fi_sincos_ps_avx512, fi_sincos_pd_avx512: sin and cos of x in
 * [-pi/4, pi/4]. */
FI_INLINE void VFN(sincos)(VF x, VF *s, VF *c) {
    VF z = VMUL(x, x);
#if FI_VM_DOUBLE
    VF ps = V1(FI_SIN_S0);
    ps = VMADD(ps, z, V1(FI_SIN_S1));
    ps = VMADD(ps, z, V1(FI_SIN_S2));
    ps = VMADD(ps, z, V1(FI_SIN_S3));
    ps = VMADD(ps, z, V1(FI_SIN_S4));
    ps = VMADD(ps, z, V1(FI_SIN_S5));
    VF xz = VMUL(x, z);
    *s = VMADD(xz, ps, x);
    VF pc = V1(FI_COS_C0);
    pc = VMADD(pc, z, V1(FI_COS_C1));
    pc = VMADD(pc, z, V1(FI_COS_C2));
    pc = VMADD(pc, z, V1(FI_COS_C3));
    pc = VMADD(pc, z, V1(FI_COS_C4));
    pc = VMADD(pc, z, V1(FI_COS_C5));
    VF zz = VMUL(z, z);
    VF one_half = VMADD(z, V1(-0.5), V1(1.0));
    *c = VMADD(zz, pc, one_half);
#else
    VF ps = V1(FI_SINF_S0);
    ps = VMADD(ps, z, V1(FI_SINF_S1));
    ps = VMADD(ps, z, V1(FI_SINF_S2));
    ps = VMUL(ps, z);
    ps = VMUL(ps, x);
    *s = VADD(ps, x);
    VF pc = V1(FI_COSF_C0);
    pc = VMADD(pc, z, V1(FI_COSF_C1));
    pc = VMADD(pc, z, V1(FI_COSF_C2));
    pc = VMUL(pc, z);
    pc = VMUL(pc, z);
    pc = VMADD(z, V1(-0.5f), pc);
    *c = VADD(pc, V1(1.0f));
#endif
}

#undef K_
#undef FI_VM_SET
#include "vmath/vmath_isa.h"
