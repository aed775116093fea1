/* Runs the AVX-512 GEMM micro-kernels (built against the emulated
 * immintrin.h here) on random tiles and compares them bit for bit with the
 * rounding contract of csrc/gemm/gemm_isa.h written out in scalar C: one
 * FMA per p in increasing p, then alpha * acc, then + beta * C unfused.
 * B is read both packed (rows NR apart) and in place (rows LDB apart); the
 * short-tile kernels (part[R], R < MR rows) give the first R rows.
 * Exit status 0 when every bit agrees. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "gemm/gemm_isa.h"

#define CHECK(T, FMA, KT)                                                                    \
    static int check_##T(const KT *kt, unsigned seed) {                                      \
        enum { K = 37, LDA = 41, LDC = 70, LDB = 39 };                                       \
        static T a[64 * LDA], ap[K * 16], b[K * LDB], c0[16 * LDC], c[16 * LDC], r[16 * LDC]; \
        int MR = kt->mr, NR = kt->nr, bad = 0;                                               \
        srand(seed);                                                                         \
        for (int i = 0; i < 64 * LDA; i++) a[i] = (T)rand() / RAND_MAX - (T)0.5;             \
        for (int i = 0; i < K * LDB; i++) b[i] = (T)rand() / RAND_MAX - (T)0.5;               \
        for (int p = 0; p < K; p++)                                                          \
            for (int i = 0; i < MR; i++) ap[p * MR + i] = a[i * LDA + p];                    \
        for (int half = 0; half < 2; half++)                                                 \
            for (int strided = 0; strided < 4; strided++)                                    \
                for (int withbeta = 0; withbeta < 2; withbeta++) {                           \
                    T alpha = (T)0.7, beta = withbeta ? (T)0.3 : (T)0;                       \
                    int w = half ? NR / 2 : NR, bs = strided & 2 ? LDB : NR;                 \
                    for (int i = 0; i < 16 * LDC; i++) c0[i] = r[i] = (T)rand() / RAND_MAX;  \
                    for (int i = 0; i < MR; i++)                                             \
                        for (int j = 0; j < w; j++) {                                        \
                            T acc = 0;                                                       \
                            for (int p = 0; p < K; p++) acc = FMA(a[i * LDA + p], b[p * bs + j], acc); \
                            T t = alpha * acc;                                               \
                            r[i * LDC + j] = withbeta ? t + beta * r[i * LDC + j] : t;       \
                        }                                                                    \
                    /* R == MR: the full kernel; R < MR: the short-tile kernel part[R],     \
                     * A in place or packed (rows 1 apart, p steps MR).  Rows below R      \
                     * and columns past w stay untouched. */                                 \
                    for (int R = 1; R <= MR; R++) {                                          \
                        for (int i = 0; i < 16 * LDC; i++) c[i] = c0[i];                     \
                        const T *at = strided & 1 ? a : ap;                                  \
                        if (R == MR)                                                         \
                            (half ? kt->half : kt->full)[strided & 1](K, at, LDA, 1, b, bs, c, \
                                                                      LDC, alpha, beta);     \
                        else if (kt->part[R][half])                                          \
                            kt->part[R][half](K, at, strided & 1 ? LDA : 1,                  \
                                              strided & 1 ? 1 : MR, b, bs, c, LDC, alpha, beta); \
                        else {                                                               \
                            bad++;                                                           \
                            continue;                                                        \
                        }                                                                    \
                        for (int i = 0; i < 16; i++)                                         \
                            for (int j = 0; j < LDC; j++)                                    \
                                bad += c[i * LDC + j] !=                                     \
                                       (i < R && j < w ? r : c0)[i * LDC + j];               \
                    }                                                                        \
                }                                                                            \
        return bad;                                                                          \
    }

CHECK(float, fmaf, fi_gemm_kernels_f32)
CHECK(double, fma, fi_gemm_kernels_f64)

int main(void) {
    int bad = 0;
    for (unsigned s = 1; s < 4; s++)
        bad += check_float(&fi_gemm_avx512_f32, s) + check_double(&fi_gemm_avx512_f64, s);
    printf(bad ? "MISMATCH %d\n" : "avx512 gemm (emulated) == scalar contract\n", bad);
    return bad != 0;
}
