/* vmath_exp_simd.h (internal): exp, sigmoid and tanh written once over the
 * vector-op layer (vmath_isa.h); vmath_exp.h instantiates it per ISA and
 * type.
 *
 * No include guard.  The includer defines FI_VM_SET and FI_VM_DOUBLE; the
 * layer is defined here and removed again at the end.  Every function below
 * is defined once per instantiation as VFN(name): fi_<name>_ps_avx2,
 * fi_<name>_pd_avx2, fi_<name>_ps_avx512, fi_<name>_pd_avx512. */

#include "vmath/vmath_isa.h"

#if FI_VM_DOUBLE
#define K_(f, d) d
#else
#define K_(f, d) f
#endif

#define FI_VM_STEP_(c) p = VFMA(p, z_, V1(c));

/* defines fi_pow2i_ps_avx2, fi_pow2i_pd_avx2, fi_pow2i_ps_avx512, fi_pow2i_pd_avx512 */
/* 2^k for an integral k whose biased exponent is in the normal range: add
 * 1.5 * 2^mant + bias (exact), subtract the magic's bits to get k + bias as
 * an integer, shift it into the exponent field. */
FI_INLINE VF VFN(pow2i)(VF k) {
    VI e = VISUB(VBITS(VADD(k, V1(K_(FI_EXPF_MAGIC + 127.0f, FI_EXP_MAGIC + 1023.0)))),
                 VBITS(V1(K_(FI_EXPF_MAGIC, FI_EXP_MAGIC))));
    return VFROMBITS(VISLLI(e));
}

/* defines fi_exp_inrange_ps_avx2, fi_exp_inrange_pd_avx2, fi_exp_inrange_ps_avx512,
 * fi_exp_inrange_pd_avx512 */
/* exp(x) for x already inside [FI_EXP*_LO, FI_EXP*_HI] (or NaN). */
FI_INLINE VF VFN(exp_inrange)(VF x) {
    VF n = VROUND(VMUL(x, V1(K_(FI_EXPF_LOG2E, FI_EXP_LOG2E))));
    VF z_ = VFNMA(n, V1(K_(FI_EXPF_C1, FI_EXP_C1)), x); /* r = x - n ln2, in two parts */
    z_ = VFNMA(n, V1(K_(FI_EXPF_C2, FI_EXP_C2)), z_);
    VF p = V1(K_(FI_EXPF_P_FIRST, FI_EXP_P_FIRST));
#if FI_VM_DOUBLE
    FI_EXP_P_REST(FI_VM_STEP_)
#else
    FI_EXPF_P_REST(FI_VM_STEP_)
#endif
    p = VADD(VFMA(p, VMUL(z_, z_), z_), V1(K_(1.0f, 1.0)));
#ifdef VSCALE
    return VSCALE(p, n);
#else
    /* 2^n = 2^n1 * 2^n2, both normal over the clamped range, so a denormal
     * result is rounded once, by the last product */
    VF n1 = VFLOOR(VMUL(n, V1(K_(0.5f, 0.5))));
    return VMUL(VMUL(p, VFN(pow2i)(n1)), VFN(pow2i)(VSUB(n, n1)));
#endif
}

/* defines fi_exp_ps_avx2, fi_exp_pd_avx2, fi_exp_ps_avx512, fi_exp_pd_avx512 */
FI_INLINE VF VFN(exp)(VF x) {
    x = VMIN(V1(K_(FI_EXPF_HI, FI_EXP_HI)), x);
    x = VMAX(V1(K_(FI_EXPF_LO, FI_EXP_LO)), x);
    return VFN(exp_inrange)(x);
}

/* defines fi_sigmoid_ps_avx2, fi_sigmoid_pd_avx2, fi_sigmoid_ps_avx512, fi_sigmoid_pd_avx512 */
/* e = exp(-|x|); 1/(1+e) for x >= 0, e * (1/(1+e)) otherwise (NaN: e*r = NaN) */
FI_INLINE VF VFN(sigmoid)(VF x) {
    const VF one = V1(K_(1.0f, 1.0));
    VF e = VFN(exp)(VOR(x, V1(K_(-0.0f, -0.0))));
    VF r = VRCP(VADD(one, e));
    return VBLEND(VCMPGE(x, V1(K_(0.0f, 0.0))), VMUL(e, r), r);
}

#if FI_VM_DOUBLE
/* tanh on |x| with the sign put back last, so tanh(-x) = -tanh(x) exactly.
 * The exp branch is skipped when no lane needs it (same result per lane). */
/* defines fi_tanh_pd_avx2, fi_tanh_pd_avx512 */
FI_INLINE VF VFN(tanh)(VF x) {
    const VF sgn = V1(-0.0), one = V1(1.0);
    VF ax = VANDNOT(sgn, x);
    VF z_ = VMUL(ax, ax);
    VF p = V1(FI_TANH_P_FIRST);
    FI_TANH_P_REST(FI_VM_STEP_)
    VF q = VADD(z_, V1(FI_TANH_Q0)); /* Q is monic */
    q = VFMA(q, z_, V1(FI_TANH_Q1));
    q = VFMA(q, z_, V1(FI_TANH_Q2));
    p = VDIV(p, q);
    VF y = VFMA(VMUL(p, z_), ax, ax);
    VM big = VCMPGE(ax, V1(FI_TANH_SMALL));
    if (VANY(big)) {
        /* tanh(20) rounds to 1; the clamp keeps e finite */
        VF c = VMIN(V1(20.0), ax);
        VF e = VFN(exp_inrange)(VADD(c, c));
        VF t = VSUB(one, VMUL(V1(2.0), VRCP(VADD(e, one)))); /* 2r = 2/(e+1) exactly */
        y = VBLEND(big, y, t);
    }
    return VOR(y, VAND(sgn, x));
}
#else
/* float: tanh|x| = m / (m + 2), m = expm1(2|x|), one formula for every x:
 * expm1 keeps the relative accuracy of small arguments that 1 - 2/(e + 1)
 * loses, so there is no second polynomial and no blend (about 24 vector
 * operations instead of 35; the sign goes back last, so tanh(-x) = -tanh(x)
 * exactly).  With 2|x| = n ln2 + r, expm1 = 2^n expm1(r) + (2^n - 1): an
 * exact scaling plus an exact integer, one rounding in the FMA.  expm1(r)
 * is Taylor's to r^7 (error < 0.3 ulp for |r| <= ln2/2); tanh(10) rounds to
 * 1, and min(10, NaN) keeps the NaN. */
/* defines fi_tanh_ps_avx2, fi_tanh_ps_avx512 */
FI_INLINE VF VFN(tanh)(VF x) {
    const VF sgn = V1(-0.0f), one = V1(1.0f);
    VF y = VMIN(V1(10.0f), VANDNOT(sgn, x));
    y = VADD(y, y);
    VF n = VROUND(VMUL(y, V1(FI_EXPF_LOG2E)));
    VF r = VFNMA(n, V1(FI_EXPF_C1), y);
    r = VFNMA(n, V1(FI_EXPF_C2), r);
    VF q = VFMA(V1(1.0f / 5040.0f), r, V1(1.0f / 720.0f));
    q = VFMA(q, r, V1(1.0f / 120.0f));
    q = VFMA(q, r, V1(1.0f / 24.0f));
    q = VFMA(q, r, V1(1.0f / 6.0f));
    q = VFMA(q, r, V1(0.5f));
    VF m = VFMA(VMUL(r, r), q, r);
#ifdef VSCALE
    VF p2 = VSCALE(one, n);
#else
    VF p2 = VFN(pow2i)(n);
#endif
    m = VFMA(m, p2, VSUB(p2, one));
    VF t = VMUL(m, VRCP(VADD(m, V1(2.0f))));
    return VOR(t, VAND(sgn, x));
}
#endif

#undef K_
#undef FI_VM_STEP_
#undef FI_VM_SET
#include "vmath/vmath_isa.h"
