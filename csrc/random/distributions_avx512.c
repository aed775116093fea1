/* AVX-512 random fills: the kernels of distributions_simd.h at 8 blocks per
 * vector, 16 Philox blocks per group, and the truncated normal (inverse CDF,
 * 8 lanes, the lanes in fi_ndtri's tail branch queued and run 8 at a time);
 * same bits as the generic path. */
#include "core/fastinit.h"
#if FI_X86

#include <float.h>
#include <immintrin.h>
#include <math.h>

#include "random/distributions.h"
#include "random/distributions_isa.h"
#include "core/cpu.h"
#include "vmath/vmath_log.h"

/* lo holds 128-bit items (0 | 2 | 4 | 6) and hi (1 | 3 | 5 | 7), one item
 * per lane: out0 = items 0-3, out1 = items 4-7 (one two-source permutation
 * each). */
static inline void fi_unzip128_avx512(__m512i lo, __m512i hi, __m512i *out0, __m512i *out1) {
    const __m512i i0 = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i i1 = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    *out0 = _mm512_permutex2var_epi64(lo, i0, hi);
    *out1 = _mm512_permutex2var_epi64(lo, i1, hi);
}

static inline void fi_unzip128_ps_avx512(__m512 lo, __m512 hi, __m512 *out0, __m512 *out1) {
    __m512i r0, r1;
    fi_unzip128_avx512(_mm512_castps_si512(lo), _mm512_castps_si512(hi), &r0, &r1);
    *out0 = _mm512_castsi512_ps(r0);
    *out1 = _mm512_castsi512_ps(r1);
}

static inline void fi_unzip128_pd_avx512(__m512d lo, __m512d hi, __m512d *out0,
                                         __m512d *out1) {
    __m512i r0, r1;
    fi_unzip128_avx512(_mm512_castpd_si512(lo), _mm512_castpd_si512(hi), &r0, &r1);
    *out0 = _mm512_castsi512_pd(r0);
    *out1 = _mm512_castsi512_pd(r1);
}

#define FI_ISA avx512
#define V(op) _mm512_##op
#define VI __m512i
#define VF __m512
#define VD __m512d
#define FI_LANES64 8
#define FI_GROUP FI_GROUP_AVX512
#define I_SET1_64(x) _mm512_set1_epi64(x)
#define I_IOTA64 _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7)
#define I_AND _mm512_and_si512
#define I_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define I_STORE(p, v) _mm512_storeu_si512((void *)(p), v)
#define I_PACK_LO(x, y) _mm512_mask_blend_epi32((__mmask16)0xAAAA, x, _mm512_slli_epi64(y, 32))
#define I_UNZIP128 fi_unzip128_avx512
#define F_UNZIP128 fi_unzip128_ps_avx512
#define D_UNZIP128 fi_unzip128_pd_avx512
#define F_SEL_ODD(q, x, y) _mm512_mask_blend_ps(_mm512_test_epi32_mask(q, _mm512_set1_epi32(1)), x, y)
#define D_SEL_ODD(q, x, y) _mm512_mask_blend_pd(_mm512_test_epi64_mask(q, _mm512_set1_epi64(1)), x, y)
#define F_XOR_I(f, i) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(f), i))
#define D_XOR_I(d, i) _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(d), i))
#define D_FROM_U52 _mm512_cvtepu64_pd
#define F_LOG fi_log_ps_avx512
#define F_SINCOS fi_sincos_ps_avx512
#define D_LOG fi_log_pd_avx512
#define D_SINCOS fi_sincos_pd_avx512
#define F_STORE16 fi_store16_ps_avx512
#define FI_NORMAL_F32_PIPELINED 0 /* 32 registers: whole groups fit */
#if defined(__AVX512BF16__)
/* bfloat16 by the CPU's own conversion where it has AVX-512 BF16 */
#define F_FMT_LOCAL(fmt) ((fmt) == FI_OUT_BF16 && fi_cpu_has_avx512bf16() ? FI_OUT_BF16_HW : (fmt))
#endif

/* Sixteen floats rounded as core/half.h rounds them: vcvtps2ph for float16;
 * for bfloat16 vcvtneps2bf16 (FI_OUT_BF16_HW) or integer rounding.
 * vcvtneps2bf16 flushes subnormal inputs to zero, which the contract keeps:
 * lanes holding one (rare: a tiny std or scale) take the integer result. */
static inline __m256i fi_bf16_int_avx512(__m512 v) {
    const __m512i x = _mm512_castps_si512(v);
    const __m512i hi = _mm512_srli_epi32(x, 16);
    __m512i r = _mm512_add_epi32(x, _mm512_add_epi32(_mm512_set1_epi32(0x7fff),
                                                     _mm512_and_si512(hi, _mm512_set1_epi32(1))));
    r = _mm512_srli_epi32(r, 16);
    const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    r = _mm512_mask_blend_epi32(nan, r, _mm512_or_si512(hi, _mm512_set1_epi32(0x40)));
    return _mm512_cvtepi32_epi16(r);
}

static inline void fi_store16_ps_avx512(int fmt, uint16_t *p, __m512 v) {
    __m256i h;
    if (fmt == FI_OUT_F16) {
        h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
#if defined(__AVX512BF16__)
    } else if (fmt == FI_OUT_BF16_HW) {
        h = (__m256i)_mm512_cvtneps_pbh(v);
        const __m512i x = _mm512_castps_si512(v);
        const __mmask16 sub = _mm512_testn_epi32_mask(x, _mm512_set1_epi32(0x7f800000)) &
                              _mm512_test_epi32_mask(x, _mm512_set1_epi32(0x7fffffff));
        if (sub) /* 16-bit lanes: blend with a 16-lane mask */
            h = _mm256_mask_blend_epi16(sub, h, fi_bf16_int_avx512(v));
#endif
    } else {
        h = fi_bf16_int_avx512(v);
    }
    _mm256_storeu_si256((__m256i *)p, h);
}
#include "random/distributions_simd.h"

/* ---- truncated normal (inverse CDF) ------------------------------------------------- */

/* fi_ndtri (distributions.c) lane by lane: the same operations in the same
 * order, multiply and add rounded separately (never fused).  The fills run
 * in chunks of FI_TRUNC_CHUNK elements, in three passes:
 *   1. p = Phi(lo) + u (Phi(hi) - Phi(lo)) and fi_ndtri's central rational
 *      for every lane; the p of lanes outside the central region
 *      (|p - 1/2| > 0.425) are compressed into a queue with their places;
 *   2. the queue's tail branch 8 lanes at a time (log, sqrt, rational),
 *      scattered back over the central results of those lanes;
 *   3. clamp to [lo, hi], flip, mean + std z, store.
 * A vector of 8 holds a tail lane about 60% of the time for the default
 * interval [-2, 2] (11% of the lanes): branching per vector would run the
 * tail branch for most vectors, the queue runs it for 11% of the lanes
 * (+ one partial batch per chunk).  Each lane's arithmetic is unchanged. */
enum { FI_TRUNC_CHUNK = 512 };

typedef struct {
    double z[FI_TRUNC_CHUNK];        /* fi_ndtri(p) of the chunk's elements */
    double tp[FI_TRUNC_CHUNK + 8];   /* p of the queued (tail) lanes */
    int64_t ti[FI_TRUNC_CHUNK + 8];  /* their places in z */
} fi_trunc_buf;

static inline int fi_popcnt8(unsigned m) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcount(m);
#else
    int c = 0;
    for (; m; m &= m - 1)
        c++;
    return c;
#endif
}

static inline __m512d fi_poly7_pd_avx512(const double *c, __m512d x) {
    __m512d r = _mm512_set1_pd(c[7]);
    for (int i = 6; i >= 0; i--)
        r = _mm512_add_pd(_mm512_mul_pd(r, x), _mm512_set1_pd(c[i]));
    return r;
}

static inline __m512d fi_abs_pd_avx512(__m512d x) {
    return _mm512_castsi512_pd(
        _mm512_and_si512(_mm512_castpd_si512(x), _mm512_set1_epi64(0x7fffffffffffffffll)));
}

/* Pass 1 for elements k .. k+7 of the chunk (u: their uniforms), nt lanes
 * queued so far; returns the new count (a local: it stays in a register). */
static inline int fi_trunc_central_avx512(fi_trunc_buf *B, int nt, int k, __m512d u,
                                          __m512d plo, __m512d span) {
    const double(*K)[8] = fi_ndtri_coef;
    __m512d p = _mm512_add_pd(plo, _mm512_mul_pd(u, span));
    __m512d q = _mm512_sub_pd(p, _mm512_set1_pd(0.5));
    __mmask8 central = _mm512_cmp_pd_mask(fi_abs_pd_avx512(q), _mm512_set1_pd(0.425), _CMP_LE_OQ);
    __mmask8 tail = (__mmask8)~central;
    /* queue the tail lanes (branch-free: the queue has 8 spare slots) */
    _mm512_storeu_pd(B->tp + nt, _mm512_maskz_compress_pd(tail, p));
    _mm512_storeu_si512((void *)(B->ti + nt),
                        _mm512_maskz_compress_epi64(tail, _mm512_add_epi64(
                            _mm512_set1_epi64(k), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7))));
    nt += fi_popcnt8(tail);
    if (!central)
        return nt; /* every lane is queued: pass 2 writes them all */
    __m512d r = _mm512_sub_pd(_mm512_set1_pd(0.180625), _mm512_mul_pd(q, q));
    __m512d z = _mm512_div_pd(_mm512_mul_pd(q, fi_poly7_pd_avx512(K[0], r)),
                              fi_poly7_pd_avx512(K[1], r));
    _mm512_storeu_pd(B->z + k, z);
    return nt;
}

/* fi_ndtri's non-central branch for 8 values of p (NaN and p outside
 * [0, 1] included, as the scalar code treats them). */
static inline __m512d fi_ndtri_tail_pd_avx512(__m512d p) {
    const double(*K)[8] = fi_ndtri_coef;
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    __m512d q = _mm512_sub_pd(p, _mm512_set1_pd(0.5));
    __mmask8 neg = _mm512_cmp_pd_mask(q, _mm512_setzero_pd(), _CMP_LT_OQ);
    __m512d r = _mm512_mask_blend_pd(neg, _mm512_sub_pd(_mm512_set1_pd(1.0), p), p);
    __mmask8 zero = _mm512_cmp_pd_mask(r, _mm512_setzero_pd(), _CMP_EQ_OQ);
    r = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(r, _mm512_set1_pd(DBL_MIN), _CMP_LT_OQ), r,
                             _mm512_set1_pd(DBL_MIN));
    __m512d t = _mm512_sqrt_pd(D_XOR_I(fi_log_pd_avx512(r), sign));
    __mmask8 near = _mm512_cmp_pd_mask(t, _mm512_set1_pd(5.0), _CMP_LE_OQ);
    __m512d val = _mm512_setzero_pd();
    if (near) {
        __m512d tn = _mm512_sub_pd(t, _mm512_set1_pd(1.6));
        val = _mm512_div_pd(fi_poly7_pd_avx512(K[2], tn), fi_poly7_pd_avx512(K[3], tn));
    }
    if (near != 0xFF) {
        __m512d tf = _mm512_sub_pd(t, _mm512_set1_pd(5.0));
        __m512d far = _mm512_div_pd(fi_poly7_pd_avx512(K[4], tf), fi_poly7_pd_avx512(K[5], tf));
        val = _mm512_mask_blend_pd(near, far, val);
    }
    val = _mm512_mask_blend_pd(zero, val, _mm512_set1_pd(INFINITY)); /* r == 0: +-inf */
    val = _mm512_castsi512_pd(_mm512_mask_xor_epi64(_mm512_castpd_si512(val), neg,
                                                    _mm512_castpd_si512(val), sign));
    __mmask8 ok = _mm512_cmp_pd_mask(p, _mm512_setzero_pd(), _CMP_GE_OQ) &
                  _mm512_cmp_pd_mask(p, _mm512_set1_pd(1.0), _CMP_LE_OQ);
    return _mm512_mask_blend_pd(ok, _mm512_set1_pd(NAN), val);
}

/* Pass 2: the queued lanes, 8 at a time, into their places in z. */
static inline void fi_trunc_tails_avx512(fi_trunc_buf *B, int nt) {
    _mm512_storeu_pd(B->tp + nt, _mm512_set1_pd(0.25)); /* harmless filler lanes */
    for (int j = 0; j < nt; j += 8) {
        int left = nt - j;
        __mmask8 m = left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1u);
        __m512d v = fi_ndtri_tail_pd_avx512(_mm512_loadu_pd(B->tp + j));
        _mm512_mask_i64scatter_pd(B->z, m, _mm512_loadu_si512((const void *)(B->ti + j)), v, 8);
    }
}

/* Pass 3 for z[k .. k+7]: mean + std * +-clamp(z, lo, hi), as fi_truncated1. */
static inline __m512d fi_trunc_finish_avx512(const double *z, const double prm[6],
                                             __m512i flip) {
    __m512d v = _mm512_loadu_pd(z);
    __m512d lo = _mm512_set1_pd(prm[2]), hi = _mm512_set1_pd(prm[3]);
    __mmask8 below = _mm512_cmp_pd_mask(v, lo, _CMP_LT_OQ);
    __mmask8 above = (__mmask8)(_mm512_cmp_pd_mask(v, hi, _CMP_GT_OQ) & ~below);
    v = _mm512_mask_blend_pd(below, v, lo);
    v = _mm512_mask_blend_pd(above, v, hi);
    v = D_XOR_I(v, flip);
    return _mm512_add_pd(_mm512_set1_pd(prm[0]), _mm512_mul_pd(_mm512_set1_pd(prm[1]), v));
}

/* Groups per chunk: 64 floats or 32 doubles per group. */
#define FI_TRUNC_GROUPS_F32 (FI_TRUNC_CHUNK / (4 * FI_GROUP))
#define FI_TRUNC_GROUPS_F64 (FI_TRUNC_CHUNK / (2 * FI_GROUP))

void fi_truncated_f32_avx512(const fi_rng *g, uint64_t block, fi_index ngroups,
                             const double prm[6], int flip, int fmt, void *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    fi_trunc_buf B;
    fmt = F_FMT_LOCAL(fmt);
    const __m512i vflip = _mm512_set1_epi64(flip ? (long long)0x8000000000000000ull : 0);
    const __m512d plo = _mm512_set1_pd(prm[4]), span = _mm512_set1_pd(prm[5]);
    const __m512d half = _mm512_set1_pd(0.5), scale = _mm512_set1_pd(0x1p-32);
    fi_index at = 0;
    while (ngroups > 0) {
        fi_index ng = ngroups < FI_TRUNC_GROUPS_F32 ? ngroups : FI_TRUNC_GROUPS_F32;
        int k = 0, nt = 0;
        for (fi_index i = 0; i < ng; i++, block += FI_GROUP) {
            fi_px_avx512 X[FI_SETS];
            fi_philox_avx512(&K, block, X, FI_SETS);
            for (int s = 0; s < FI_SETS; s++) {
                __m512i w[2]; /* the set's words in element order */
                fi_words_avx512(&X[s], &w[0], &w[1]);
                for (int h = 0; h < 2; h++, k += 16) {
                    __m512d u0 = _mm512_cvtepu32_pd(_mm512_castsi512_si256(w[h]));
                    __m512d u1 = _mm512_cvtepu32_pd(_mm512_extracti64x4_epi64(w[h], 1));
                    u0 = _mm512_mul_pd(_mm512_add_pd(u0, half), scale);
                    u1 = _mm512_mul_pd(_mm512_add_pd(u1, half), scale);
                    nt = fi_trunc_central_avx512(&B, nt, k, u0, plo, span);
                    nt = fi_trunc_central_avx512(&B, nt, k + 8, u1, plo, span);
                }
            }
        }
        if (nt)
            fi_trunc_tails_avx512(&B, nt);
        for (int j = 0; j < k; j += 16) {
            __m256 f0 = _mm512_cvtpd_ps(fi_trunc_finish_avx512(B.z + j, prm, vflip));
            __m256 f1 = _mm512_cvtpd_ps(fi_trunc_finish_avx512(B.z + j + 8, prm, vflip));
            fi_store_ps_avx512(fmt, out, at + j,
                               _mm512_insertf32x8(_mm512_castps256_ps512(f0), f1, 1));
        }
        at += k;
        ngroups -= ng;
    }
}

void fi_truncated_f64_avx512(const fi_rng *g, uint64_t block, fi_index ngroups,
                             const double prm[6], int flip, double *out) {
    fi_pkeys_avx512 K;
    fi_pkeys_init_avx512(g, &K);
    fi_trunc_buf B;
    const __m512i vflip = _mm512_set1_epi64(flip ? (long long)0x8000000000000000ull : 0);
    const __m512d plo = _mm512_set1_pd(prm[4]), span = _mm512_set1_pd(prm[5]);
    const __m512d half = _mm512_set1_pd(0.5), scale = _mm512_set1_pd(0x1p-53);
    while (ngroups > 0) {
        fi_index ng = ngroups < FI_TRUNC_GROUPS_F64 ? ngroups : FI_TRUNC_GROUPS_F64;
        int k = 0, nt = 0;
        for (fi_index i = 0; i < ng; i++, block += FI_GROUP) {
            fi_px_avx512 X[FI_SETS];
            fi_philox_avx512(&K, block, X, FI_SETS);
            for (int s = 0; s < FI_SETS; s++, k += 16) {
                __m512d u0, u1; /* elements 2b (words 0-1), 2b+1 (words 2-3) in order */
                fi_zip_pd_avx512(fi_u53_pd_avx512(X[s].c0, X[s].c1),
                                 fi_u53_pd_avx512(X[s].c2, X[s].c3), &u0, &u1);
                u0 = _mm512_mul_pd(_mm512_add_pd(u0, half), scale);
                u1 = _mm512_mul_pd(_mm512_add_pd(u1, half), scale);
                nt = fi_trunc_central_avx512(&B, nt, k, u0, plo, span);
                nt = fi_trunc_central_avx512(&B, nt, k + 8, u1, plo, span);
            }
        }
        if (nt)
            fi_trunc_tails_avx512(&B, nt);
        for (int j = 0; j < k; j += 8)
            _mm512_storeu_pd(out + j, fi_trunc_finish_avx512(B.z + j, prm, vflip));
        out += k;
        ngroups -= ng;
    }
}

int fi_bf16_store_hw_avx512(void) {
#if defined(__AVX512BF16__)
    return fi_cpu_has_avx512bf16();
#else
    return 0;
#endif
}

#endif /* FI_X86 */
