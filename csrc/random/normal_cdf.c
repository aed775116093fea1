/* normal_cdf.c: Phi(x), the standard normal CDF, for the truncated normal's
 * bounds (fi_normal_cdf, declared in distributions.h).
 *
 * Why not libm: the truncated normal draws ndtri(Phi(a) + u (Phi(b) -
 * Phi(a))), so Phi(a) and Phi(b) enter every element's bits, and libm's
 * erfc differs between platforms (glibc, musl, Apple, MSVC) in the last
 * bits.  This function uses only IEEE-754 double +, -, *, / (and an exact
 * ldexp), in a fixed order, with no fused multiply-adds (the build passes
 * -ffp-contract=off), so it gives the same bits on every platform.
 *
 * Accuracy: the value is computed in double-double arithmetic (about 106
 * bits) and rounded once, so it is the correctly rounded Phi(x) except where
 * Phi(x) lies within ~2^-100 relative of a rounding boundary; the tests
 * compare it with a 300-bit reference and require at most 1 ulp everywhere.
 *
 *   t = |x| <  5:  Q(t) = 1/2 - phi0 * sum_n (-1)^n t^(2n+1) / (2^n n! (2n+1))
 *                  (the alternating series loses < 12 of the 32 digits here)
 *   t = |x| >= 5:  Q(t) = exp(-t^2/2) phi0 / K(t), K(t) = t + 1/(t + 2/(t +
 *                  3/(t + ...))) (Laplace's continued fraction for the Mills
 *                  ratio, FI_CDF_CF_TERMS terms, evaluated from the bottom)
 *   Phi(x) = Q(-x) for x <= 0, 1 - Q(x) for x > 0; phi0 = 1/sqrt(2 pi).
 * Special values: Phi(NaN) = NaN, Phi(-inf) = 0, Phi(+inf) = 1; Phi(x) = 0
 * below -38.5 (where it is below the smallest subnormal). */
#include <math.h>

#include "distributions.h"

/* The truncated fraction's relative error at t = 5, its worst case, is
 * 2^-110 with 80 terms and 2^-138 with 120 (against a 400-bit reference). */
#define FI_CDF_CF_TERMS 120
#define FI_CDF_SERIES_MAX 400 /* the series stops earlier, when a term is negligible */

typedef struct {
    double hi, lo; /* value = hi + lo, |lo| <= ulp(hi)/2 */
} fi_dd;

static const fi_dd FI_DD_INV_SQRT_2PI = {0x1.9884533d43651p-2, -0x1.cbc0d30ebfd15p-56};
static const fi_dd FI_DD_LN2 = {0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};

static fi_dd fi_dd_quick_two_sum(double a, double b) { /* needs |a| >= |b| */
    double s = a + b;
    fi_dd r = {s, b - (s - a)};
    return r;
}

static fi_dd fi_dd_two_sum(double a, double b) {
    double s = a + b;
    double bb = s - a;
    fi_dd r = {s, (a - (s - bb)) + (b - bb)};
    return r;
}

/* Veltkamp's split and Dekker's product: exact without an FMA instruction,
 * so every platform computes the same error term. */
static void fi_dd_split(double a, double *hi, double *lo) {
    double t = 134217729.0 * a; /* 2^27 + 1 */
    *hi = t - (t - a);
    *lo = a - *hi;
}

static fi_dd fi_dd_two_prod(double a, double b) {
    double p = a * b, ah, al, bh, bl;
    fi_dd_split(a, &ah, &al);
    fi_dd_split(b, &bh, &bl);
    fi_dd r = {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
    return r;
}

static fi_dd fi_dd_add(fi_dd x, fi_dd y) {
    fi_dd s = fi_dd_two_sum(x.hi, y.hi);
    fi_dd t = fi_dd_two_sum(x.lo, y.lo);
    s.lo += t.hi;
    s = fi_dd_quick_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return fi_dd_quick_two_sum(s.hi, s.lo);
}

static fi_dd fi_dd_neg(fi_dd x) {
    fi_dd r = {-x.hi, -x.lo};
    return r;
}

static fi_dd fi_dd_mul(fi_dd x, fi_dd y) {
    fi_dd p = fi_dd_two_prod(x.hi, y.hi);
    p.lo += x.hi * y.lo + x.lo * y.hi;
    return fi_dd_quick_two_sum(p.hi, p.lo);
}

static fi_dd fi_dd_mul_d(fi_dd x, double b) {
    fi_dd p = fi_dd_two_prod(x.hi, b);
    p.lo += x.lo * b;
    return fi_dd_quick_two_sum(p.hi, p.lo);
}

/* x / y by long division: three double quotients, each correcting the last. */
static fi_dd fi_dd_div(fi_dd x, fi_dd y) {
    double q1 = x.hi / y.hi;
    fi_dd r = fi_dd_add(x, fi_dd_neg(fi_dd_mul_d(y, q1)));
    double q2 = r.hi / y.hi;
    r = fi_dd_add(r, fi_dd_neg(fi_dd_mul_d(y, q2)));
    double q3 = r.hi / y.hi;
    fi_dd q = fi_dd_quick_two_sum(q1, q2);
    fi_dd d3 = {q3, 0.0};
    return fi_dd_add(q, d3);
}

static fi_dd fi_dd_from(double a) {
    fi_dd r = {a, 0.0};
    return r;
}

/* exp(y) = 2^k * m for y <= 0 in double-double: y = k ln2 + r, |r| <= ln2/2;
 * exp(r) = (exp(r / 1024))^1024 with a Taylor series for the small argument. */
static fi_dd fi_dd_exp_split(fi_dd y, int *k) {
    double kd = floor(y.hi / FI_DD_LN2.hi + 0.5);
    fi_dd r = fi_dd_add(y, fi_dd_neg(fi_dd_mul_d(FI_DD_LN2, kd)));
    r.hi *= 0x1p-10; /* exact */
    r.lo *= 0x1p-10;
    fi_dd sum = fi_dd_from(1.0), term = fi_dd_from(1.0);
    for (int n = 1; n <= 12; n++) { /* |r| < 3.4e-4: r^13/13! < 2^-170 */
        term = fi_dd_mul(term, r);
        term = fi_dd_div(term, fi_dd_from((double)n));
        sum = fi_dd_add(sum, term);
    }
    for (int i = 0; i < 10; i++)
        sum = fi_dd_mul(sum, sum);
    *k = (int)kd;
    return sum;
}

/* Q(t) = Phi(-t) for t >= 0, as a double-double times 2^*k. */
static fi_dd fi_normal_tail(double t, int *k) {
    fi_dd t2 = fi_dd_two_prod(t, t); /* exact */
    *k = 0;
    if (t < 5.0) {
        fi_dd half_t2 = {t2.hi * 0.5, t2.lo * 0.5};
        fi_dd p = fi_dd_from(t), sum = fi_dd_from(t);
        for (int n = 1; n <= FI_CDF_SERIES_MAX; n++) {
            p = fi_dd_div(fi_dd_mul(p, half_t2), fi_dd_from((double)n));
            fi_dd term = fi_dd_div(p, fi_dd_from((double)(2 * n + 1)));
            sum = fi_dd_add(sum, n % 2 ? fi_dd_neg(term) : term);
            if (fabs(term.hi) < 0x1p-120 * fabs(sum.hi))
                break;
        }
        return fi_dd_add(fi_dd_from(0.5), fi_dd_neg(fi_dd_mul(sum, FI_DD_INV_SQRT_2PI)));
    }
    fi_dd tt = fi_dd_from(t), f = tt;
    for (int n = FI_CDF_CF_TERMS; n >= 1; n--)
        f = fi_dd_add(tt, fi_dd_div(fi_dd_from((double)n), f));
    fi_dd y = {t2.hi * -0.5, t2.lo * -0.5};
    fi_dd e = fi_dd_exp_split(y, k);
    return fi_dd_div(fi_dd_mul(e, FI_DD_INV_SQRT_2PI), f);
}

double fi_normal_cdf(double x) {
    if (isnan(x))
        return x;
    if (x == 0.0)
        return 0.5;
    if (x < -38.5)
        return 0.0;
    if (x > 9.0) /* 1 - Phi(9) < 2^-54: rounds to 1 */
        return 1.0;
    int k;
    fi_dd q = fi_normal_tail(fabs(x), &k);
    if (x < 0)
        return ldexp(q.hi + q.lo, k); /* exact scaling, except into subnormals */
    q.hi = ldexp(q.hi, k);
    q.lo = ldexp(q.lo, k);
    fi_dd p = fi_dd_add(fi_dd_from(1.0), fi_dd_neg(q));
    return p.hi + p.lo;
}
