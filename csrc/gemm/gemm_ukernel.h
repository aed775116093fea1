/* gemm_ukernel.h: one micro-kernel template, instantiated per ISA and dtype
 * by the gemm_kernels_*.c files (each compiled with its own target flags).
 *
 * FI_GEMM_UKERNEL(NAME, T, V, MR, NV, W, ...) defines NAME_packed and
 * NAME_strided, computing an MR x (NV * W) tile with MR * NV vector
 * accumulators of W lanes from rows of B `bs` values apart: nr for a packed
 * sliver (a kernel narrower than nr reads the first columns of one), ldb
 * for B read in place.  The accumulator arrays are fully unrolled, so the
 * compiler keeps them in registers.  Rounding follows gemm_isa.h:
 * FMA per p, then alpha * acc, then (beta != 0) + beta * C unfused. */
#ifndef FASTINIT_GEMM_UKERNEL_H
#define FASTINIT_GEMM_UKERNEL_H

#if defined(__GNUC__) && !defined(__clang__)
#define FI_UNROLL(n) _Pragma(FI_STR(GCC unroll n))
#elif defined(__clang__)
#define FI_UNROLL(n) _Pragma(FI_STR(unroll n))
#else
#define FI_UNROLL(n)
#endif
#define FI_STR(x) #x

/* C's tile is fetched toward L2 when the kernel starts and into L1 this
 * many steps of K before its end: fetched into L1 at the start, its rows
 * (a power-of-two row stride maps all of them to one or two L1 sets) were
 * evicted by the streams of A and B before the kernel read them. */
#define FI_GEMM_C_PREFETCH_STEPS 96
#define FI_GEMM_C_HINT_EARLY _MM_HINT_T1

/* Every cache line of the n values at p: NumPy aligns arrays to 16 bytes
 * only, so a 128-byte row of a tile usually spans three lines (the middle
 * one went unfetched when only the first and last value were prefetched). */
#define FI_GEMM_PREFETCH_ROW(p, T, n, hint)                                                 \
    do {                                                                                    \
        FI_UNROLL(4) for (int o_ = 0; o_ < (int)((n) * sizeof(T)); o_ += 64)                 \
            _mm_prefetch((const char *)(p) + o_, hint);                                     \
        _mm_prefetch((const char *)((p) + (n)-1), hint);                                    \
    } while (0)

#define FI_GEMM_UKERNEL_BODY(NAME, T, V, MR, NV, W, ZERO, SET1, BCAST, LOAD, STORE, FMADD,   \
                             MUL, ADD)                                                      \
    FI_INLINE void NAME##_body(fi_index k, const T *a, fi_index rsa, fi_index csa,           \
                               const T *b, fi_index bs, T *c, fi_index ldc, T alpha,          \
                               T beta) {                                                    \
        V acc[MR][NV];                                                                      \
        FI_UNROLL(16) for (int i = 0; i < MR; i++) {                                        \
            if (k > FI_GEMM_C_PREFETCH_STEPS) /* else the late fetch comes at once */        \
                FI_GEMM_PREFETCH_ROW(c + i * ldc, T, NV * W, FI_GEMM_C_HINT_EARLY);         \
            FI_UNROLL(4) for (int v = 0; v < NV; v++) acc[i][v] = ZERO();                   \
        }                                                                                   \
        fi_index p = 0;                                                                     \
        for (int late = 0; late < 2; late++) {                                              \
            const fi_index pend = late ? k : k - FI_GEMM_C_PREFETCH_STEPS;                  \
            FI_UNROLL(4) for (; p < pend; p++) {                                            \
                V bv[NV];                                                                   \
                FI_UNROLL(4) for (int v = 0; v < NV; v++) bv[v] = LOAD(b + v * W);          \
                FI_UNROLL(16) for (int i = 0; i < MR; i++) {                                \
                    V av = BCAST(a + i * rsa + p * csa);                                    \
                    FI_UNROLL(4) for (int v = 0; v < NV; v++) acc[i][v] =                  \
                        FMADD(av, bv[v], acc[i][v]);                                        \
                }                                                                           \
                b += bs;                                                                    \
            }                                                                               \
            if (!late)                                                                      \
                FI_UNROLL(16) for (int i = 0; i < MR; i++) {                                \
                    FI_GEMM_PREFETCH_ROW(c + i * ldc, T, NV * W, _MM_HINT_T0);              \
                }                                                                           \
        }                                                                                   \
        V va = SET1(alpha);                                                                 \
        if (beta == (T)0) {                                                                 \
            FI_UNROLL(16) for (int i = 0; i < MR; i++)                                      \
                FI_UNROLL(4) for (int v = 0; v < NV; v++)                                   \
                    STORE(c + i * ldc + v * W, MUL(va, acc[i][v]));                         \
        } else {                                                                            \
            V vb = SET1(beta);                                                              \
            FI_UNROLL(16) for (int i = 0; i < MR; i++)                                      \
                FI_UNROLL(4) for (int v = 0; v < NV; v++) {                                 \
                    T *ci = c + i * ldc + v * W;                                            \
                    STORE(ci, ADD(MUL(va, acc[i][v]), MUL(vb, LOAD(ci))));                  \
                }                                                                           \
        }                                                                                   \
    }

#define FI_GEMM_UKERNEL(NAME, T, V, MR, NV, W, ZERO, SET1, BCAST, LOAD, STORE, FMADD, MUL,    \
                        ADD)                                                                \
    FI_GEMM_UKERNEL_BODY(NAME, T, V, MR, NV, W, ZERO, SET1, BCAST, LOAD, STORE, FMADD, MUL,   \
                         ADD)                                                               \
    static void NAME##_packed(fi_index k, const T *a, fi_index rsa, fi_index csa,           \
                              const T *b, fi_index bs, T *c, fi_index ldc, T alpha, T beta) { \
        (void)rsa;                                                                          \
        (void)csa;                                                                          \
        NAME##_body(k, a, 1, MR, b, bs, c, ldc, alpha, beta);                                   \
    }                                                                                       \
    static void NAME##_strided(fi_index k, const T *a, fi_index rsa, fi_index csa,          \
                               const T *b, fi_index bs, T *c, fi_index ldc, T alpha,        \
                               T beta) {                                                    \
        NAME##_body(k, a, rsa, csa, b, bs, c, ldc, alpha, beta);                                \
    }

/* NAME: a short-tile kernel of R rows (gemm_isa.h's part[R]), the same
 * loop as the MR-row kernel with fewer accumulators. */
#define FI_GEMM_UKERNEL_PART(NAME, T, V, R, NV, W, ZERO, SET1, BCAST, LOAD, STORE, FMADD, MUL, \
                             ADD)                                                           \
    FI_GEMM_UKERNEL_BODY(NAME, T, V, R, NV, W, ZERO, SET1, BCAST, LOAD, STORE, FMADD, MUL,    \
                         ADD)                                                               \
    static void NAME(fi_index k, const T *a, fi_index rsa, fi_index csa, const T *b,        \
                     fi_index bs, T *c, fi_index ldc, T alpha, T beta) {                    \
        NAME##_body(k, a, rsa, csa, b, bs, c, ldc, alpha, beta);                            \
    }

#endif
