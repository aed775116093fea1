/* PLACEHOLDER GEMM (correct, slow): the blocked/packed driver replaces it.
 * Kept deliberately simple so every caller has a working reference. */
#include "gemm.h"
#include "elementwise.h"

#define FI_GEMM_DEFINE(T, SFX)                                                               \
    void fi_gemm_ex_##SFX(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k,      \
                          T alpha, const T *a, fi_index lda, const T *b, fi_index ldb,       \
                          T beta, T *c, fi_index ldc, const fi_epilogue *ep) {               \
        int nt = fi_threads_for((double)m * n * (k + 1), 1 << 16);                           \
        (void)nt;                                                                           \
        _Pragma("omp parallel for num_threads(nt) schedule(static)")                        \
        for (fi_index i = 0; i < m; i++) {                                                   \
            T *ci = c + i * ldc;                                                             \
            for (fi_index j = 0; j < n; j++)                                                 \
                ci[j] = beta == 0 ? (T)0 : beta * ci[j];                                     \
            for (fi_index p = 0; p < k; p++) {                                               \
                T aip = alpha * (trans_a ? a[p * lda + i] : a[i * lda + p]);                 \
                if (trans_b) {                                                               \
                    for (fi_index j = 0; j < n; j++)                                         \
                        ci[j] += aip * b[j * ldb + p];                                       \
                } else {                                                                     \
                    const T *bp = b + p * ldb;                                               \
                    for (fi_index j = 0; j < n; j++)                                         \
                        ci[j] += aip * bp[j];                                                \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
        if (ep && (ep->bias || ep->act != FI_ACT_IDENTITY))                                  \
            fi_bias_act_##SFX(ep->act, (T)ep->slope, m, n, (const T *)ep->bias, c, ldc);     \
    }                                                                                        \
    void fi_gemm_##SFX(int trans_a, int trans_b, fi_index m, fi_index n, fi_index k,         \
                       T alpha, const T *a, fi_index lda, const T *b, fi_index ldb, T beta,  \
                       T *c, fi_index ldc) {                                                 \
        fi_gemm_ex_##SFX(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,     \
                         NULL);                                                              \
    }

FI_GEMM_DEFINE(float, f32)
FI_GEMM_DEFINE(double, f64)
