/* Random fills: the generic (reference) kernels, the SIMD dispatch and the
 * OpenMP driver.  distributions.h documents which Philox words each element
 * uses; every function here follows that map exactly. */
#include "random/distributions.h"
#include "random/distributions_isa.h"

#include <float.h>
#include <math.h>

#include "core/cpu.h"
#include "core/half.h"
#include "core/pool.h"
#include "vmath/vmath_log.h"

/* Elements per thread below which a fill stays on one thread (cheap
 * transforms need more work to pay for waking a thread). */
#define FI_MIN_UNIFORM 65536.0
#define FI_MIN_NORMAL 32768.0
#define FI_MIN_TRUNC 8192.0

/* ---- element transforms (shared with the SIMD kernels' tails) --------------- */

static inline float fi_u24_f32(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

/* 53 random bits from two words, as an exact double integer in [0, 2^53). */
static inline double fi_u53_int(uint32_t x, uint32_t y) {
    return (double)(x >> 6) * 134217728.0 + (double)(y >> 5);
}

/* Multiply by the quadrant rotation: theta = q * pi/2 + angle. */
#define FI_ROTATE(T, q, s, c, zc, zs)                                                         \
    do {                                                                                      \
        T cc_ = ((q) & 1u) ? (s) : (c);                                                       \
        T ss_ = ((q) & 1u) ? (c) : (s);                                                       \
        if (((q) + 1u) & 2u) cc_ = -cc_;                                                      \
        if ((q) & 2u) ss_ = -ss_;                                                             \
        (zc) = cc_;                                                                           \
        (zs) = ss_;                                                                           \
    } while (0)

/* One Box-Muller pair from a radius word and an angle word (float). */
static inline void fi_box_muller_f32(uint32_t wr, uint32_t wa, float *z0, float *z1) {
    float u1 = (float)((wr >> 8) + 1u) * 0x1p-24f; /* (0, 1] */
    float r = sqrtf(fi_log_f32(u1) * -2.0f);
    uint32_t k = wa >> 8;
    uint32_t qf = (k + (1u << 21)) >> 22; /* nearest quarter turn, 0..4 */
    float t = (float)((int32_t)k - (int32_t)(qf << 22)) * 0x1p-22f;
    float s, c, zc, zs;
    fi_sincos_f32(t * FI_PIO2F, &s, &c);
    FI_ROTATE(float, qf & 3u, s, c, zc, zs);
    *z0 = r * zc;
    *z1 = r * zs;
}

/* One Box-Muller pair from a whole block (double). */
static inline void fi_box_muller_f64(const uint32_t w[4], double *z0, double *z1) {
    double u1 = (fi_u53_int(w[0], w[1]) + 1.0) * 0x1p-53; /* (0, 1] */
    double r = sqrt(fi_log_f64(u1) * -2.0);
    uint32_t a2 = w[2] >> 6;
    uint32_t qf = (a2 + (1u << 23)) >> 24;
    double t = ((double)((int32_t)a2 - (int32_t)(qf << 24)) * 134217728.0 + (double)(w[3] >> 5)) *
               0x1p-51;
    double s, c, zc, zs;
    fi_sincos_f64(t * FI_PIO2, &s, &c);
    FI_ROTATE(double, qf & 3u, s, c, zc, zs);
    *z0 = r * zc;
    *z1 = r * zs;
}

/* ---- generic kernels over an arbitrary element range [e0, e0 + n) -------------- */

typedef struct {
    const fi_rng *g;
    fi_isa isa;
    double p[6];  /* distribution parameters (see each fill function) */
    float pf[2];  /* the same, rounded to float for the f32 kernels */
    int fmt;      /* what the f32 kernels write (core/half.h: fi_out_fmt) */
    size_t elsize; /* bytes per element written */
} fi_job;

/* Calls BODY(j, k) for each element e in [e0, e0 + n) with w = the words of
 * its block, j = its slot in the block, k = e - e0 (its place in out).
 * Variadic so that the body may contain commas. */
#define FI_FOR_BLOCKS(g, e0, n, EPB, w, ...)                                                \
    do {                                                                                      \
        uint64_t e_ = (e0), end_ = (e0) + (uint64_t)(n);                                      \
        while (e_ < end_) {                                                                   \
            uint32_t w[4];                                                                    \
            fi_philox_block((g), (g)->start + e_ / (EPB), w);                                \
            for (unsigned j = (unsigned)(e_ % (EPB)); j < (EPB) && e_ < end_; j++, e_++) {    \
                fi_index k = (fi_index)(e_ - (e0));                                           \
                __VA_ARGS__;                                                                  \
            }                                                                                 \
        }                                                                                     \
    } while (0)

static void uniform_f32_generic(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    FI_FOR_BLOCKS(J->g, e0, n, 4u, w,
                  fi_store_f32(J->fmt, vout, k, fi_madd_f32(fi_u24_f32(w[j]), J->pf[1], J->pf[0])));
}

static void uniform_f64_generic(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    double *out = (double *)vout;
    FI_FOR_BLOCKS(J->g, e0, n, 2u, w,
                  out[k] = fi_madd_f64(fi_u53_int(w[2 * j], w[2 * j + 1]) * 0x1p-53, J->p[1],
                                       J->p[0]));
}

static void normal_f32_generic(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    float z[4];
    FI_FOR_BLOCKS(J->g, e0, n, 4u, w, {
        if (j == 0 || k == 0) { /* a fresh block: both pairs (cheap to redo at edges) */
            fi_box_muller_f32(w[0], w[1], &z[0], &z[1]);
            fi_box_muller_f32(w[2], w[3], &z[2], &z[3]);
        }
        fi_store_f32(J->fmt, vout, k, fi_madd_f32(z[j], J->pf[1], J->pf[0]));
    });
}

static void normal_f64_generic(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    double *out = (double *)vout;
    double z[2];
    FI_FOR_BLOCKS(J->g, e0, n, 2u, w, {
        if (j == 0 || k == 0)
            fi_box_muller_f64(w, &z[0], &z[1]);
        out[k] = fi_madd_f64(z[j], J->p[1], J->p[0]);
    });
}

/* Truncated normal parameters in J->p: mean, std, lo, hi (the sampled
 * interval, mirrored when flip), Phi(lo), Phi(hi) - Phi(lo); pf[0] = flip. */
static inline double fi_truncated1(const fi_job *J, double u) {
    double z = fi_ndtri(J->p[4] + u * J->p[5]);
    z = z < J->p[2] ? J->p[2] : (z > J->p[3] ? J->p[3] : z);
    if (J->pf[0] != 0.0f)
        z = -z;
    return J->p[0] + J->p[1] * z;
}

static void truncated_f32_generic(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    FI_FOR_BLOCKS(J->g, e0, n, 4u, w,
                  fi_store_f32(J->fmt, vout, k,
                               (float)fi_truncated1(J, ((double)w[j] + 0.5) * 0x1p-32)));
}

static void truncated_f64_generic(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    double *out = (double *)vout;
    FI_FOR_BLOCKS(J->g, e0, n, 2u, w,
                  out[k] = fi_truncated1(J, (fi_u53_int(w[2 * j], w[2 * j + 1]) + 0.5) * 0x1p-53));
}

static inline uint64_t fi_mulhi64(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    uint64_t mid = (p0 >> 32) + (uint32_t)p1 + (uint32_t)p2;
    return p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
#endif
}

/* Integer bounds do not fit the job's doubles exactly: extend the job. */
typedef struct {
    fi_job base;
    int64_t low;
    uint64_t range;
} fi_int_job;

/* The words come from fi_philox_words (SIMD when available, same bits) in
 * batches; the 64-bit scaling stays scalar. */
static void integers_range(const fi_job *J, uint64_t e0, fi_index n, void *vout) {
    enum { BATCH = 256 }; /* blocks per batch: 4 KiB of words on the stack */
    const fi_int_job *I = (const fi_int_job *)J;
    int64_t *out = (int64_t *)vout;
    uint32_t w[4 * BATCH];
    uint64_t e = e0, end = e0 + (uint64_t)n;
    while (e < end) {
        uint64_t b0 = e / 2, b1 = (end - 1) / 2 + 1;
        if (b1 - b0 > BATCH)
            b1 = b0 + BATCH;
        fi_philox_words(J->g, J->g->start + b0, (fi_index)(b1 - b0), w);
        for (; e < end && e / 2 < b1; e++) {
            const uint32_t *x2 = w + 4 * (e / 2 - b0) + 2 * (e % 2);
            uint64_t x = (uint64_t)x2[0] | ((uint64_t)x2[1] << 32);
            uint64_t v = I->range ? fi_mulhi64(x, I->range) : x;
            out[e - e0] = (int64_t)((uint64_t)I->low + v);
        }
    }
}

/* ---- SIMD body + generic edges -------------------------------------------------- */

typedef void (*fi_range_fn)(const fi_job *J, uint64_t e0, fi_index n, void *out);

/* The SIMD kernels for one distribution, by ISA (NULL: generic only). */
typedef struct {
    fi_range_fn generic;
    unsigned epb;   /* elements per block */
    void (*avx2)(const fi_job *J, uint64_t block, fi_index ngroups, void *out);
    void (*avx512)(const fi_job *J, uint64_t block, fi_index ngroups, void *out);
} fi_dist;

/* Adapters from the typed SIMD entry points to the fi_dist signature. */
#if FI_X86
#define FI_SIMD_ADAPTER(NAME, ISA, T, P0, P1)                                                 \
    static void NAME##_##ISA##_adapt(const fi_job *J, uint64_t block, fi_index ng, void *o) { \
        fi_##NAME##_##ISA(J->g, block, ng, P0, P1, (T *)o);                                   \
    }
#define FI_SIMD_ADAPTER_FMT(NAME, ISA, P0, P1)                                                \
    static void NAME##_##ISA##_adapt(const fi_job *J, uint64_t block, fi_index ng, void *o) { \
        fi_##NAME##_##ISA(J->g, block, ng, P0, P1, J->fmt, o);                               \
    }
/* defines uniform_f32_avx2_adapt, uniform_f64_avx2_adapt, normal_f32_avx2_adapt,
 * normal_f64_avx2_adapt, uniform_f32_avx512_adapt, uniform_f64_avx512_adapt,
 * normal_f32_avx512_adapt, normal_f64_avx512_adapt */
FI_SIMD_ADAPTER_FMT(uniform_f32, avx2, J->pf[0], J->pf[1])
FI_SIMD_ADAPTER(uniform_f64, avx2, double, J->p[0], J->p[1])
FI_SIMD_ADAPTER_FMT(normal_f32, avx2, J->pf[0], J->pf[1])
FI_SIMD_ADAPTER(normal_f64, avx2, double, J->p[0], J->p[1])
FI_SIMD_ADAPTER_FMT(uniform_f32, avx512, J->pf[0], J->pf[1])
FI_SIMD_ADAPTER(uniform_f64, avx512, double, J->p[0], J->p[1])
FI_SIMD_ADAPTER_FMT(normal_f32, avx512, J->pf[0], J->pf[1])
FI_SIMD_ADAPTER(normal_f64, avx512, double, J->p[0], J->p[1])
#define FI_SIMD_PAIR(NAME) .avx2 = NAME##_avx2_adapt, .avx512 = NAME##_avx512_adapt
#define FI_TRUNC_ADAPTERS(ISA)                                                                \
    static void truncated_f32_##ISA##_adapt(const fi_job *J, uint64_t block, fi_index ng,     \
                                            void *o) {                                        \
        fi_truncated_f32_##ISA(J->g, block, ng, J->p, J->pf[0] != 0.0f, J->fmt, o);           \
    }                                                                                         \
    static void truncated_f64_##ISA##_adapt(const fi_job *J, uint64_t block, fi_index ng,     \
                                            void *o) {                                        \
        fi_truncated_f64_##ISA(J->g, block, ng, J->p, J->pf[0] != 0.0f, (double *)o);         \
    }
/* defines truncated_f32_avx2_adapt, truncated_f64_avx2_adapt,
 * truncated_f32_avx512_adapt, truncated_f64_avx512_adapt */
FI_TRUNC_ADAPTERS(avx2)
FI_TRUNC_ADAPTERS(avx512)
#else
#define FI_SIMD_PAIR(NAME)
#endif

static const fi_dist FI_UNIFORM_F32 = {
    .generic = uniform_f32_generic, .epb = 4, FI_SIMD_PAIR(uniform_f32),
};
static const fi_dist FI_UNIFORM_F64 = {
    .generic = uniform_f64_generic, .epb = 2, FI_SIMD_PAIR(uniform_f64),
};
static const fi_dist FI_NORMAL_F32 = {
    .generic = normal_f32_generic, .epb = 4, FI_SIMD_PAIR(normal_f32),
};
static const fi_dist FI_NORMAL_F64 = {
    .generic = normal_f64_generic, .epb = 2, FI_SIMD_PAIR(normal_f64),
};
static const fi_dist FI_TRUNC_F32 = {
    .generic = truncated_f32_generic, .epb = 4, FI_SIMD_PAIR(truncated_f32),
};
static const fi_dist FI_TRUNC_F64 = {
    .generic = truncated_f64_generic, .epb = 2, FI_SIMD_PAIR(truncated_f64),
};
static const fi_dist FI_INTEGERS = {
    .generic = integers_range, .epb = 2,
};

/* Elements [e0, e0 + n): generic head up to a block boundary, SIMD groups,
 * generic tail. */
static void fi_fill_range(const fi_dist *D, const fi_job *J, uint64_t e0, fi_index n, char *out) {
    void (*simd)(const fi_job *, uint64_t, fi_index, void *) = NULL;
    uint64_t group = 0;
    if (J->isa == FI_ISA_AVX512 && D->avx512) {
        simd = D->avx512;
        group = FI_GROUP_AVX512;
    } else if (J->isa >= FI_ISA_AVX2 && D->avx2) {
        simd = D->avx2;
        group = FI_GROUP_AVX2;
    }
    if (!simd) {
        D->generic(J, e0, n, out);
        return;
    }
    uint64_t head = (D->epb - e0 % D->epb) % D->epb;
    if (head > (uint64_t)n)
        head = (uint64_t)n;
    D->generic(J, e0, (fi_index)head, out);
    uint64_t e = e0 + head, rest = (uint64_t)n - head;
    uint64_t per_group = group * D->epb;
    uint64_t ngroups = rest / per_group;
    if (ngroups) {
        simd(J, J->g->start + e / D->epb, (fi_index)ngroups,
             out + (size_t)head * J->elsize);
    }
    uint64_t done = ngroups * per_group;
    D->generic(J, e + done, (fi_index)(rest - done), out + (size_t)(head + done) * J->elsize);
}

/* Split [offset, offset + n) into pieces of FI_PIECE elements starting at
 * multiples of FI_PIECE (absolute index) and hand them out dynamically: the
 * bits cannot depend on who computes a piece (every element is pure), and a
 * thread that loses its core to another process no longer holds up the fill
 * as it would with one static range per thread. */
#define FI_PIECE 32768u
typedef struct {
    const fi_dist *D;
    const fi_job *J;
    uint64_t offset, first, end;
    char *out;
} fi_fill_ctx;

/* Pool part: piece `part` of the fill, clipped to [offset, end). */
static void fi_fill_part(void *ctx, fi_index part, int slot) {
    const fi_fill_ctx *f = (const fi_fill_ctx *)ctx;
    uint64_t lo = (f->first + (uint64_t)part) * FI_PIECE, hi = lo + FI_PIECE;
    (void)slot;
    if (lo < f->offset) lo = f->offset;
    if (hi > f->end) hi = f->end;
    fi_fill_range(f->D, f->J, lo, (fi_index)(hi - lo),
                  f->out + (size_t)(lo - f->offset) * f->J->elsize);
}

static void fi_fill(const fi_dist *D, const fi_job *J, uint64_t offset, fi_index n, void *out,
                    double min_per_thread) {
    if (n <= 0)
        return;
    int nt = fi_threads_for((double)n, min_per_thread);
    if (nt <= 1) {
        fi_fill_range(D, J, offset, n, (char *)out);
        return;
    }
    fi_fill_ctx f = {D, J, offset, offset / FI_PIECE, offset + (uint64_t)n, (char *)out};
    uint64_t last = (f.end - 1) / FI_PIECE;
    fi_pool_run(nt, (fi_index)(last - f.first + 1), fi_fill_part, &f);
}

/* elsize: bytes per element of the fill's own type (4 or 8; 2 for a 16-bit
 * format, set by the _h16 fills). */
static fi_job fi_make_job(const fi_rng *g, size_t elsize) {
    fi_job J = {g, fi_active_isa(), {0, 0, 0, 0, 0, 0}, {0, 0}, FI_OUT_F32, elsize};
    return J;
}

static fi_job fi_make_job_fmt(const fi_rng *g, int fmt) {
    fi_job J = fi_make_job(g, fi_out_size(fmt));
    J.fmt = fmt;
    return J;
}

/* ---- public fills ---------------------------------------------------------------- */

static void fi_truncated_params(fi_job *J, double mean, double std, double a, double b) {
    int flip = a + b > 0; /* sample the lower-tail mirror image: small, precise CDFs */
    double lo = flip ? -b : a, hi = flip ? -a : b;
    double plo = fi_normal_cdf(lo), phi = fi_normal_cdf(hi);
    J->p[0] = mean;
    J->p[1] = std;
    J->p[2] = lo;
    J->p[3] = hi;
    J->p[4] = plo;
    J->p[5] = phi - plo;
    J->pf[0] = (float)flip;
}

void fi_uniform_f32(const fi_rng *g, uint64_t offset, fi_index n, float low, float high,
                    float *out) {
    fi_uniform_h16(g, offset, n, low, high, FI_OUT_F32, out);
}

void fi_uniform_f64(const fi_rng *g, uint64_t offset, fi_index n, double low, double high,
                    double *out) {
    fi_job J = fi_make_job(g, sizeof(double));
    J.p[0] = low;
    J.p[1] = high - low;
    fi_fill(&FI_UNIFORM_F64, &J, offset, n, out, FI_MIN_UNIFORM);
}

void fi_normal_f32(const fi_rng *g, uint64_t offset, fi_index n, float mean, float std,
                   float *out) {
    fi_normal_h16(g, offset, n, mean, std, FI_OUT_F32, out);
}

void fi_normal_f64(const fi_rng *g, uint64_t offset, fi_index n, double mean, double std,
                   double *out) {
    fi_job J = fi_make_job(g, sizeof(double));
    J.p[0] = mean;
    J.p[1] = std;
    fi_fill(&FI_NORMAL_F64, &J, offset, n, out, FI_MIN_NORMAL);
}

void fi_truncated_normal_f32(const fi_rng *g, uint64_t offset, fi_index n, double mean,
                             double std, double a, double b, float *out) {
    fi_truncated_normal_h16(g, offset, n, mean, std, a, b, FI_OUT_F32, out);
}

void fi_truncated_normal_f64(const fi_rng *g, uint64_t offset, fi_index n, double mean,
                             double std, double a, double b, double *out) {
    fi_job J = fi_make_job(g, sizeof(double));
    fi_truncated_params(&J, mean, std, a, b);
    fi_fill(&FI_TRUNC_F64, &J, offset, n, out, FI_MIN_TRUNC);
}

/* The 16-bit fills: the float32 kernels with their stores rounding (fmt
 * FI_OUT_F32 gives the float32 fill itself). */
static int fi_fmt_ok(int fmt) { return fmt >= FI_OUT_F32 && fmt < FI_OUT_FMT_COUNT; }

void fi_uniform_h16(const fi_rng *g, uint64_t offset, fi_index n, float low, float high,
                    int fmt, void *out) {
    if (!fi_fmt_ok(fmt))
        return;
    fi_job J = fi_make_job_fmt(g, fmt);
    J.pf[0] = low;
    J.pf[1] = high - low;
    fi_fill(&FI_UNIFORM_F32, &J, offset, n, out, FI_MIN_UNIFORM);
}

void fi_normal_h16(const fi_rng *g, uint64_t offset, fi_index n, float mean, float std,
                   int fmt, void *out) {
    if (!fi_fmt_ok(fmt))
        return;
    fi_job J = fi_make_job_fmt(g, fmt);
    J.pf[0] = mean;
    J.pf[1] = std;
    fi_fill(&FI_NORMAL_F32, &J, offset, n, out, FI_MIN_NORMAL);
}

void fi_truncated_normal_h16(const fi_rng *g, uint64_t offset, fi_index n, double mean,
                             double std, double a, double b, int fmt, void *out) {
    if (!fi_fmt_ok(fmt))
        return;
    fi_job J = fi_make_job_fmt(g, fmt);
    fi_truncated_params(&J, mean, std, a, b);
    fi_fill(&FI_TRUNC_F32, &J, offset, n, out, FI_MIN_TRUNC);
}

void fi_integers_i64(const fi_rng *g, uint64_t offset, fi_index n, int64_t low, uint64_t range,
                     int64_t *out) {
    fi_int_job I;
    I.base = fi_make_job(g, sizeof(int64_t));
    I.low = low;
    I.range = range;
    fi_fill(&FI_INTEGERS, &I.base, offset, n, out, FI_MIN_NORMAL);
}

const char *fi_bf16_store_name(void) {
#if FI_X86
    if (fi_active_isa() == FI_ISA_AVX512 && fi_bf16_store_hw_avx512())
        return "vcvtneps2bf16";
#endif
    return "integer";
}

void fi_round_f32_h16(fi_index n, const float *in, int fmt, uint16_t *out) {
    if (fmt != FI_OUT_F16 && fmt != FI_OUT_BF16)
        return;
#if FI_X86
    fi_isa isa = fi_active_isa();
    if (isa == FI_ISA_AVX512) {
        fi_round_h16_avx512(n, in, fmt, out);
        return;
    }
    if (isa >= FI_ISA_AVX2) {
        fi_round_h16_avx2(n, in, fmt, out);
        return;
    }
#endif
    for (fi_index i = 0; i < n; i++)
        fi_store_f32(fmt, out, i, in[i]);
}

void fi_philox_words(const fi_rng *g, uint64_t block, fi_index nblocks, uint32_t *out) {
    fi_index i = 0;
#if FI_X86
    fi_isa isa = fi_active_isa();
    if (isa == FI_ISA_AVX512 && nblocks >= FI_GROUP_AVX512) {
        fi_index ng = nblocks / FI_GROUP_AVX512;
        fi_philox_words_avx512(g, block, ng, out);
        i = ng * FI_GROUP_AVX512;
    } else if (isa >= FI_ISA_AVX2 && nblocks >= FI_GROUP_AVX2) {
        fi_index ng = nblocks / FI_GROUP_AVX2;
        fi_philox_words_avx2(g, block, ng, out);
        i = ng * FI_GROUP_AVX2;
    }
#endif
    for (; i < nblocks; i++) {
        uint32_t ctr[4] = {(uint32_t)(block + i), (uint32_t)((block + i) >> 32),
                           (uint32_t)g->stream, (uint32_t)(g->stream >> 32)};
        fi_philox4x32_10(ctr, g->key, out + 4 * i);
    }
}

/* ---- ndtri: Wichura, "Algorithm AS 241", Applied Statistics 37 (1988) ------------ */

/* Rows: the numerators and denominators A, B (central), C, D (tail,
 * r <= 5), E, F (far tail), lowest degree first. */
const double fi_ndtri_coef[6][8] = {
    {3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
     45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727},
    {1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
     21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852545925},
    {1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
     3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
     0.0227238449892691845833, 7.7454501427834140764e-4},
    {1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
     0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
     1.05075007164441684324e-9},
    {6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
     0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
     2.71155556874348757815e-5, 2.01033439929228813265e-7},
    {1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
     7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
     2.04426310338993978564e-15},
};

static inline double fi_poly7(const double *c, double x) {
    double r = c[7];
    for (int i = 6; i >= 0; i--)
        r = fi_madd_f64(r, x, c[i]);
    return r;
}

/* The operations (and their order) are those of the SIMD kernels
 * fi_ndtri_pd_avx2 and fi_trunc_central_avx512 / fi_ndtri_tail_pd_avx512,
 * which must give the same bits: fi_log_f64, not libm. */
double fi_ndtri(double p) {
    const double(*K)[8] = fi_ndtri_coef;
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * fi_poly7(K[0], r) / fi_poly7(K[1], r);
    }
    double r = q < 0 ? p : 1.0 - p;
    if (r == 0.0)
        return q < 0 ? -INFINITY : INFINITY;
    if (r < DBL_MIN) /* subnormal: fi_log_f64 takes normal numbers */
        r = DBL_MIN;
    r = sqrt(-fi_log_f64(r));
    double val;
    if (r <= 5.0) {
        r -= 1.6;
        val = fi_poly7(K[2], r) / fi_poly7(K[3], r);
    } else {
        r -= 5.0;
        val = fi_poly7(K[4], r) / fi_poly7(K[5], r);
    }
    return q < 0 ? -val : val;
}
