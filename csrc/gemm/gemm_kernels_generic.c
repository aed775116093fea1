/* Portable C GEMM micro-kernels: 4x8 float and double (gemm_isa.h).
 * Plain loops the compiler can vectorize for the baseline ISA (SSE2, NEON);
 * used where no SIMD set is available or FASTINIT_SIMD=generic. */
#include "gemm/gemm_isa.h"

#ifdef __clang__
/* Rounding must match fi_gemm_merge_tile: no contraction into FMA. */
#pragma STDC FP_CONTRACT OFF
#endif

#define FI_GENERIC_MR 4
#define FI_GENERIC_NR 8

#define FI_GEMM_GENERIC(T, SFX, NR, NAME)                                                    \
    static inline void fi_ukr_generic_body_##NAME(fi_index k, const T *a, fi_index rsa,      \
                                                  fi_index csa, const T *b, fi_index bs,      \
                                                  T *c, fi_index ldc, T alpha, T beta) {           \
        T acc[FI_GENERIC_MR][NR] = {{0}};                                                    \
        for (fi_index p = 0; p < k; p++) {                                                   \
            const T *bp = b + p * bs;                                             \
            for (int i = 0; i < FI_GENERIC_MR; i++) {                                        \
                T ai = a[i * rsa + p * csa];                                                 \
                for (int j = 0; j < NR; j++)                                                 \
                    acc[i][j] += ai * bp[j];                                                 \
            }                                                                                \
        }                                                                                    \
        for (int i = 0; i < FI_GENERIC_MR; i++) {                                            \
            T *ci = c + i * ldc;                                                             \
            if (beta == (T)0)                                                                \
                for (int j = 0; j < NR; j++)                                                 \
                    ci[j] = alpha * acc[i][j];                                               \
            else                                                                             \
                for (int j = 0; j < NR; j++)                                                 \
                    ci[j] = alpha * acc[i][j] + beta * ci[j];                                \
        }                                                                                    \
    }                                                                                        \
    static void fi_ukr_generic_packed_##NAME(fi_index k, const T *a, fi_index rsa,           \
                                             fi_index csa, const T *b, fi_index bs, T *c,    \
                                             fi_index ldc, T alpha, T beta) {                              \
        (void)rsa;                                                                           \
        (void)csa;                                                                           \
        fi_ukr_generic_body_##NAME(k, a, 1, FI_GENERIC_MR, b, bs, c, ldc, alpha, beta);          \
    }                                                                                        \
    static void fi_ukr_generic_strided_##NAME(fi_index k, const T *a, fi_index rsa,          \
                                              fi_index csa, const T *b, fi_index bs, T *c,   \
                                              fi_index ldc, T alpha, T beta) {                             \
        fi_ukr_generic_body_##NAME(k, a, rsa, csa, b, bs, c, ldc, alpha, beta);                  \
    }

/* defines fi_ukr_generic_packed_f32, fi_ukr_generic_strided_f32,
 * fi_ukr_generic_packed_f32_half, fi_ukr_generic_strided_f32_half, fi_ukr_generic_packed_f64,
 * fi_ukr_generic_strided_f64, fi_ukr_generic_packed_f64_half, fi_ukr_generic_strided_f64_half */
FI_GEMM_GENERIC(float, f32, FI_GENERIC_NR, f32)
FI_GEMM_GENERIC(float, f32, FI_GENERIC_NR / 2, f32_half)
FI_GEMM_GENERIC(double, f64, FI_GENERIC_NR, f64)
FI_GEMM_GENERIC(double, f64, FI_GENERIC_NR / 2, f64_half)

/* Block sizes, the same for both types.  No pack_t: the portable packer;
 * no part: short tiles are padded. */
#define FI_GENERIC_BLOCKS                                                                    \
    .mr = FI_GENERIC_MR, .nr = FI_GENERIC_NR, .mc = 128, .kc = 256, .nc = 4096,              \
    .strided_b_max_m = 512

const fi_gemm_kernels_f32 fi_gemm_generic_f32 = {
    FI_GENERIC_BLOCKS,
    .full = {fi_ukr_generic_packed_f32, fi_ukr_generic_strided_f32},
    .half = {fi_ukr_generic_packed_f32_half, fi_ukr_generic_strided_f32_half},
};
const fi_gemm_kernels_f64 fi_gemm_generic_f64 = {
    FI_GENERIC_BLOCKS,
    .full = {fi_ukr_generic_packed_f64, fi_ukr_generic_strided_f64},
    .half = {fi_ukr_generic_packed_f64_half, fi_ukr_generic_strided_f64_half},
};
