/* distributions_simd.h (internal): the vector random fills of
 * distributions.h -- raw words, uniform and normal, float and double --
 * written once over the vector macros below and included once by
 * distributions_avx2.c and distributions_avx512.c.  Every kernel gives the
 * bits of the generic path (see distributions.h for the element -> word
 * map, vmath_log.h for why no FMA).
 *
 * Philox layout: one integer vector holds one counter word of FI_LANES64
 * blocks in the low halves of its 64-bit lanes.  mul_epu32 then yields the
 * full 32x32 -> 64-bit products of Philox's two multiplications directly
 * (low half = lo, high half = hi), and the garbage left in the high halves
 * is never read: it only flows into the next multiplication's ignored half
 * or into XORs whose high halves are ignored too.  Element order is
 * restored by *_UNZIP128: the 32-bit word packing and the pair interleave
 * both leave 128-bit lane L holding items (2L | 2L+1) of two halves.
 *
 * No include guard: included once per ISA file, which defines
 *   FI_ISA                  name suffix (avx2, avx512)
 *   V(op)                   the ISA's intrinsic of that name (_mm256_##op)
 *   VI VF VD                integer, float and double vector types
 *   FI_LANES64              64-bit lanes per vector = blocks per set
 *   FI_GROUP                blocks per group (FI_GROUP_* of distributions.h)
 *   I_SET1_64(x) I_IOTA64   broadcast a 64-bit integer; lanes 0, 1, 2, ...
 *   I_AND I_XOR3(a, b, c)   and, three-way xor of whole vectors
 *   I_STORE(p, v)           unaligned store of an integer vector
 *   I_PACK_LO(x, y)         low halves of x's 64-bit lanes in the even
 *                           32-bit slots, y's in the odd ones
 *   I_UNZIP128 F_UNZIP128 D_UNZIP128 (lo, hi, o0, o1)
 *                           lo holds 128-bit items 0 | 2 | 4 .., hi items
 *                           1 | 3 | 5 ..: *o0, *o1 = the items in order
 *   F_SEL_ODD(q, x, y) D_SEL_ODD(q, x, y)   (q & 1) ? y : x per lane
 *   F_XOR_I(f, i) D_XOR_I(d, i)             bits of f XOR integer vector i
 *   D_FROM_U52(k)           exact 64-bit integers below 2^52 to double
 *   F_LOG F_SINCOS D_LOG D_SINCOS           vmath_log.h
 *   F_STORE16(fmt, p, v)    v rounded to fmt (FI_OUT_F16 or FI_OUT_BF16,
 *                           core/half.h) stored as 16-bit values at p
 *   FI_NORMAL_F32_PIPELINED 1: normal float32 overlaps the next half
 *                           group's Philox with this one's Box-Muller
 * The names it defines (FN(fi_px), FN(fi_pkeys), FI_FOR_EACH_SET, ...) stay
 * defined for the includer's own kernels. */

#define FI_DCAT_(a, b) a##_##b
#define FI_DCAT(a, b) FI_DCAT_(a, b)
#define FN(name) FI_DCAT(name, FI_ISA)
#define FI_SETS (FI_GROUP / FI_LANES64)

typedef struct {
    VI c0, c1, c2, c3;
} FN(fi_px); /* defines fi_px_avx2, fi_px_avx512 */

typedef struct {
    VI k0[FI_PHILOX_ROUNDS], k1[FI_PHILOX_ROUNDS];
    VI s0, s1; /* stream words */
} FN(fi_pkeys); /* defines fi_pkeys_avx2, fi_pkeys_avx512 */

/* defines fi_pkeys_init_avx2, fi_pkeys_init_avx512 */
static inline void FN(fi_pkeys_init)(const fi_rng *g, FN(fi_pkeys) *K) {
    uint32_t rk[FI_PHILOX_ROUNDS][2];
    fi_philox_round_keys(g->key, rk);
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        K->k0[r] = V(set1_epi32)((int)rk[r][0]);
        K->k1[r] = V(set1_epi32)((int)rk[r][1]);
    }
    K->s0 = I_SET1_64((long long)(uint32_t)g->stream);
    K->s1 = I_SET1_64((long long)(uint32_t)(g->stream >> 32));
}

#define FI_PHILOX_ROUND(X, r)                                                                  \
    do {                                                                                       \
        VI p0_ = V(mul_epu32)((X).c0, m0);                                                     \
        VI p1_ = V(mul_epu32)((X).c2, m1);                                                     \
        (X).c0 = I_XOR3(V(srli_epi64)(p1_, 32), (X).c1, K->k0[r]);                             \
        (X).c1 = p1_;                                                                          \
        (X).c2 = I_XOR3(V(srli_epi64)(p0_, 32), (X).c3, K->k1[r]);                             \
        (X).c3 = p0_;                                                                          \
    } while (0)

/* Blocks block + L*s .. block + L*s + L-1 into X[s] (L = FI_LANES64),
 * s < nsets (a constant once inlined): several independent sets hide the
 * multiply latencies. */
/* defines fi_philox_avx2, fi_philox_avx512 */
static inline void FN(fi_philox)(const FN(fi_pkeys) *K, uint64_t block, FN(fi_px) *X,
                                 int nsets) {
    const VI m0 = I_SET1_64(FI_PHILOX_M0);
    const VI m1 = I_SET1_64(FI_PHILOX_M1);
    VI base = V(add_epi64)(I_SET1_64((long long)block), I_IOTA64);
    for (int j = 0; j < nsets; j++) {
        VI b = V(add_epi64)(base, I_SET1_64(FI_LANES64 * j));
        X[j].c0 = b;
        X[j].c1 = V(srli_epi64)(b, 32);
        X[j].c2 = K->s0;
        X[j].c3 = K->s1;
    }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 10
#endif
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
        for (int j = 0; j < nsets; j++)
            FI_PHILOX_ROUND(X[j], r);
    }
}

/* Runs the body for each set S (const FN(fi_px) *, FI_LANES64 blocks) of
 * the ngroups groups from `block` on, in block order, advancing out by STEP
 * after each set.  Variadic so that the body may contain commas. */
#define FI_FOR_EACH_SET(K, block, ngroups, S, out, STEP, ...)                                  \
    for (fi_index i_ = 0; i_ < (ngroups); i_++, (block) += FI_GROUP) {                         \
        FN(fi_px) X_[FI_SETS];                                                                 \
        FN(fi_philox)((K), (block), X_, FI_SETS);                                              \
        for (int j_ = 0; j_ < FI_SETS; j_++, (out) += (STEP)) {                                \
            const FN(fi_px) *S = &X_[j_];                                                      \
            __VA_ARGS__;                                                                       \
        }                                                                                      \
    }

/* The 4L words of a set's L blocks in block order: out0 = the first L/2
 * blocks, out1 = the rest. */
/* defines fi_words_avx2, fi_words_avx512 */
static inline void FN(fi_words)(const FN(fi_px) *X, VI *out0, VI *out1) {
    VI p01 = I_PACK_LO(X->c0, X->c1);
    VI p23 = I_PACK_LO(X->c2, X->c3);
    I_UNZIP128(V(unpacklo_epi64)(p01, p23), V(unpackhi_epi64)(p01, p23), out0, out1);
}

/* defines fi_philox_words_avx2, fi_philox_words_avx512 */
void FN(fi_philox_words)(const fi_rng *g, uint64_t block, fi_index ngroups, uint32_t *out) {
    FN(fi_pkeys) K;
    FN(fi_pkeys_init)(g, &K);
    FI_FOR_EACH_SET(&K, block, ngroups, S, out, 4 * FI_LANES64, {
        VI w0, w1;
        FN(fi_words)(S, &w0, &w1);
        I_STORE(out, w0);
        I_STORE(out + 2 * FI_LANES64, w1);
    });
}

#ifndef F_FMT_LOCAL
#define F_FMT_LOCAL(fmt) (fmt) /* the format the stores of this set use for fmt */
#endif

/* A float vector to element `at` of out in format fmt (core/half.h): the
 * 16-bit roundings happen in registers, so a 16-bit fill writes only its
 * 16-bit results.  fmt is loop-invariant: the branch predicts perfectly. */
/* defines fi_store_ps_avx2, fi_store_ps_avx512 */
static inline void FN(fi_store_ps)(int fmt, void *out, fi_index at, VF v) {
    if (fmt == FI_OUT_F32)
        V(storeu_ps)((float *)out + at, v);
    else
        F_STORE16(fmt, (uint16_t *)out + at, v);
}

/* in[0..n) rounded to fmt by the stores the 16-bit fills use (tests). */
/* defines fi_round_h16_avx2, fi_round_h16_avx512 */
void FN(fi_round_h16)(fi_index n, const float *in, int fmt, uint16_t *out) {
    enum { W = 2 * FI_LANES64 };
    const int vfmt = F_FMT_LOCAL(fmt);
    fi_index i = 0;
    for (; i + W <= n; i += W)
        F_STORE16(vfmt, out + i, V(loadu_ps)(in + i));
    for (; i < n; i++)
        fi_store_f32(fmt, out, i, in[i]);
}

/* ---- uniform ------------------------------------------------------------------------ */

/* defines fi_uniform_ps_avx2, fi_uniform_ps_avx512 */
static inline VF FN(fi_uniform_ps)(VI w, VF low, VF span) {
    VF u = V(mul_ps)(V(cvtepi32_ps)(V(srli_epi32)(w, 8)), V(set1_ps)(0x1p-24f));
    return V(add_ps)(V(mul_ps)(u, span), low);
}

/* defines fi_uniform_f32_avx2, fi_uniform_f32_avx512 */
void FN(fi_uniform_f32)(const fi_rng *g, uint64_t block, fi_index ngroups, float low,
                        float span, int fmt, void *out) {
    FN(fi_pkeys) K;
    FN(fi_pkeys_init)(g, &K);
    const VF vlow = V(set1_ps)(low), vspan = V(set1_ps)(span);
    fmt = F_FMT_LOCAL(fmt);
    fi_index at = 0;
    FI_FOR_EACH_SET(&K, block, ngroups, S, at, 4 * FI_LANES64, {
        VI w0, w1;
        FN(fi_words)(S, &w0, &w1);
        FN(fi_store_ps)(fmt, out, at, FN(fi_uniform_ps)(w0, vlow, vspan));
        FN(fi_store_ps)(fmt, out, at + 2 * FI_LANES64, FN(fi_uniform_ps)(w1, vlow, vspan));
    });
}

/* The exact integer (x >> 6) * 2^27 + (y >> 5) from the low halves of the
 * 64-bit lanes of x and y, as doubles. */
/* defines fi_u53_pd_avx2, fi_u53_pd_avx512 */
static inline VD FN(fi_u53_pd)(VI x, VI y) {
    VD a = D_FROM_U52(V(srli_epi64)(V(slli_epi64)(x, 32), 38));
    VD b = D_FROM_U52(V(srli_epi64)(V(slli_epi64)(y, 32), 37));
    return V(add_pd)(V(mul_pd)(a, V(set1_pd)(134217728.0)), b);
}

/* Interleave even elements e (lanes = blocks) and odd elements o into
 * element order: out0 = e0 o0 e1 o1 .., out1 = the second half. */
/* defines fi_zip_pd_avx2, fi_zip_pd_avx512 */
static inline void FN(fi_zip_pd)(VD e, VD o, VD *out0, VD *out1) {
    D_UNZIP128(V(unpacklo_pd)(e, o), V(unpackhi_pd)(e, o), out0, out1);
}

/* defines fi_uniform_pd_avx2, fi_uniform_pd_avx512 */
static inline void FN(fi_uniform_pd)(const FN(fi_px) *X, VD low, VD span, double *out) {
    const VD scale = V(set1_pd)(0x1p-53);
    VD e = V(mul_pd)(FN(fi_u53_pd)(X->c0, X->c1), scale);
    VD o = V(mul_pd)(FN(fi_u53_pd)(X->c2, X->c3), scale);
    e = V(add_pd)(V(mul_pd)(e, span), low);
    o = V(add_pd)(V(mul_pd)(o, span), low);
    VD r0, r1;
    FN(fi_zip_pd)(e, o, &r0, &r1);
    V(storeu_pd)(out, r0);
    V(storeu_pd)(out + FI_LANES64, r1);
}

/* defines fi_uniform_f64_avx2, fi_uniform_f64_avx512 */
void FN(fi_uniform_f64)(const fi_rng *g, uint64_t block, fi_index ngroups, double low,
                        double span, double *out) {
    FN(fi_pkeys) K;
    FN(fi_pkeys_init)(g, &K);
    const VD vlow = V(set1_pd)(low), vspan = V(set1_pd)(span);
    FI_FOR_EACH_SET(&K, block, ngroups, S, out, 2 * FI_LANES64, {
        FN(fi_uniform_pd)(S, vlow, vspan, out);
    });
}

/* ---- normal (Box-Muller) ----------------------------------------------------------- */

/* 2L pairs from L blocks: radius words w0, w2 and angle words w1, w3; lane
 * l is pair l (block l/2, words 2(l%2), 2(l%2)+1).  Writes 4L floats. */
/* defines fi_normal_ps_avx2, fi_normal_ps_avx512 */
static inline void FN(fi_normal_ps)(const FN(fi_px) *X, VF mean, VF std, int fmt, void *out,
                                    fi_index at) {
    VI wr = I_PACK_LO(X->c0, X->c2);
    VI wa = I_PACK_LO(X->c1, X->c3);
    VF u1 = V(mul_ps)(V(cvtepi32_ps)(V(add_epi32)(V(srli_epi32)(wr, 8), V(set1_epi32)(1))),
                      V(set1_ps)(0x1p-24f));
    VF r = V(sqrt_ps)(V(mul_ps)(F_LOG(u1), V(set1_ps)(-2.0f)));
    VI k = V(srli_epi32)(wa, 8);
    VI qf = V(srli_epi32)(V(add_epi32)(k, V(set1_epi32)(1 << 21)), 22);
    VF t = V(mul_ps)(V(cvtepi32_ps)(V(sub_epi32)(k, V(slli_epi32)(qf, 22))),
                     V(set1_ps)(0x1p-22f));
    VF s, c;
    F_SINCOS(V(mul_ps)(t, V(set1_ps)(FI_PIO2F)), &s, &c);
    VI q = I_AND(qf, V(set1_epi32)(3));
    VF cc = F_SEL_ODD(q, c, s);
    VF ss = F_SEL_ODD(q, s, c);
    VI two = V(set1_epi32)(2);
    cc = F_XOR_I(cc, V(slli_epi32)(I_AND(V(add_epi32)(q, V(set1_epi32)(1)), two), 30));
    ss = F_XOR_I(ss, V(slli_epi32)(I_AND(q, two), 30));
    VF zc = V(add_ps)(V(mul_ps)(V(mul_ps)(r, cc), std), mean);
    VF zs = V(add_ps)(V(mul_ps)(V(mul_ps)(r, ss), std), mean);
    VF o0, o1;
    F_UNZIP128(V(unpacklo_ps)(zc, zs), V(unpackhi_ps)(zc, zs), &o0, &o1);
    FN(fi_store_ps)(fmt, out, at, o0);
    FN(fi_store_ps)(fmt, out, at + 2 * FI_LANES64, o1);
}

/* defines fi_normal_f32_avx2, fi_normal_f32_avx512 */
void FN(fi_normal_f32)(const fi_rng *g, uint64_t block, fi_index ngroups, float mean,
                       float std, int fmt, void *out) {
    FN(fi_pkeys) K;
    FN(fi_pkeys_init)(g, &K);
    const VF vmean = V(set1_ps)(mean), vstd = V(set1_ps)(std);
    fmt = F_FMT_LOCAL(fmt);
#if FI_NORMAL_F32_PIPELINED
    /* Software-pipelined in half groups: the next half group's Philox
     * rounds are independent of this one's Box-Muller, so the two long
     * chains overlap (a whole group at a time runs out of registers). */
    enum { HALF = FI_SETS / 2 };
    FN(fi_px) X[HALF], Y[HALF];
    FN(fi_philox)(&K, block, X, HALF);
    fi_index at = 0;
    for (fi_index i = 0; i < 2 * ngroups; i++, at += 2 * FI_GROUP) {
        block += FI_GROUP / 2;
        FN(fi_philox)(&K, block, Y, HALF); /* one spare half group at the end */
        for (int j = 0; j < HALF; j++) {
            FN(fi_normal_ps)(&X[j], vmean, vstd, fmt, out, at + 4 * FI_LANES64 * j);
            X[j] = Y[j];
        }
    }
#else
    fi_index at = 0;
    FI_FOR_EACH_SET(&K, block, ngroups, S, at, 4 * FI_LANES64, {
        FN(fi_normal_ps)(S, vmean, vstd, fmt, out, at);
    });
#endif
}

/* L pairs from L blocks (lane = block = pair).  Writes 2L doubles. */
/* defines fi_normal_pd_avx2, fi_normal_pd_avx512 */
static inline void FN(fi_normal_pd)(const FN(fi_px) *X, VD mean, VD std, double *out) {
    VD u1 = V(mul_pd)(V(add_pd)(FN(fi_u53_pd)(X->c0, X->c1), V(set1_pd)(1.0)),
                      V(set1_pd)(0x1p-53));
    VD r = V(sqrt_pd)(V(mul_pd)(D_LOG(u1), V(set1_pd)(-2.0)));
    VI a2 = V(srli_epi64)(V(slli_epi64)(X->c2, 32), 38);
    VI b2 = V(srli_epi64)(V(slli_epi64)(X->c3, 32), 37);
    VI qf = V(srli_epi64)(V(add_epi64)(a2, I_SET1_64(1 << 23)), 24);
    VD d = V(sub_pd)(D_FROM_U52(a2), V(mul_pd)(D_FROM_U52(qf), V(set1_pd)(16777216.0)));
    VD t = V(mul_pd)(V(add_pd)(V(mul_pd)(d, V(set1_pd)(134217728.0)), D_FROM_U52(b2)),
                     V(set1_pd)(0x1p-51));
    VD s, c;
    D_SINCOS(V(mul_pd)(t, V(set1_pd)(FI_PIO2)), &s, &c);
    VI q = I_AND(qf, I_SET1_64(3));
    VD cc = D_SEL_ODD(q, c, s);
    VD ss = D_SEL_ODD(q, s, c);
    VI one = I_SET1_64(1), two = I_SET1_64(2);
    cc = D_XOR_I(cc, V(slli_epi64)(I_AND(V(add_epi64)(q, one), two), 62));
    ss = D_XOR_I(ss, V(slli_epi64)(I_AND(q, two), 62));
    VD zc = V(add_pd)(V(mul_pd)(V(mul_pd)(r, cc), std), mean);
    VD zs = V(add_pd)(V(mul_pd)(V(mul_pd)(r, ss), std), mean);
    VD r0, r1;
    FN(fi_zip_pd)(zc, zs, &r0, &r1);
    V(storeu_pd)(out, r0);
    V(storeu_pd)(out + FI_LANES64, r1);
}

/* defines fi_normal_f64_avx2, fi_normal_f64_avx512 */
void FN(fi_normal_f64)(const fi_rng *g, uint64_t block, fi_index ngroups, double mean,
                       double std, double *out) {
    FN(fi_pkeys) K;
    FN(fi_pkeys_init)(g, &K);
    const VD vmean = V(set1_pd)(mean), vstd = V(set1_pd)(std);
    FI_FOR_EACH_SET(&K, block, ngroups, S, out, 2 * FI_LANES64, {
        FN(fi_normal_pd)(S, vmean, vstd, out);
    });
}
