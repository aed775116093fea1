/* Softmax and softmax cross-entropy, one row at a time. */
#include "loss.h"

#include <math.h>

#define FI_LOSS_DEFINE(T, SFX, EXP, LOG)                                                      \
    /* writes y = softmax(x) for one row and returns logsumexp(x) */                          \
    static double fi_softmax_row_##SFX(fi_index n, const T *x, T *y) {                        \
        T mx = x[0];                                                                          \
        for (fi_index j = 1; j < n; j++)                                                      \
            if (x[j] > mx || x[j] != x[j]) mx = x[j];                                         \
        double s = 0;                                                                         \
        for (fi_index j = 0; j < n; j++) {                                                    \
            T e = EXP(x[j] - mx);                                                             \
            y[j] = e;                                                                         \
            s += e;                                                                           \
        }                                                                                     \
        T inv = (T)(1.0 / s);                                                                 \
        for (fi_index j = 0; j < n; j++) y[j] *= inv;                                         \
        return (double)mx + log(s);                                                           \
    }                                                                                         \
    void fi_softmax_##SFX(fi_index m, fi_index n, const T *x, T *y) {                         \
        if (n <= 0) return;                                                                   \
        int nt = fi_threads_for((double)m * n, 32768.0);                                      \
        (void)nt;                                                                             \
        _Pragma("omp parallel for num_threads(nt) schedule(static)")                          \
        for (fi_index i = 0; i < m; i++) fi_softmax_row_##SFX(n, x + i * n, y + i * n);       \
    }                                                                                         \
    double fi_softmax_xent_##SFX(fi_index m, fi_index n, const T *logits,                     \
                                 const int64_t *labels, const T *onehot, T *probs) {          \
        if (m <= 0 || n <= 0) return 0.0;                                                     \
        double total = 0;                                                                     \
        for (fi_index i = 0; i < m; i++) {                                                    \
            const T *xi = logits + i * n;                                                     \
            double xt;                                                                        \
            double lse;                                                                       \
            if (labels) {                                                                     \
                xt = (double)xi[labels[i]];                                                   \
                lse = fi_softmax_row_##SFX(n, xi, probs + i * n);                             \
                total += lse - xt;                                                            \
            } else {                                                                          \
                const T *ti = onehot + i * n;                                                 \
                double tx = 0, ts = 0;                                                        \
                for (fi_index j = 0; j < n; j++) {                                            \
                    tx += (double)ti[j] * (double)xi[j];                                      \
                    ts += (double)ti[j];                                                      \
                }                                                                             \
                lse = fi_softmax_row_##SFX(n, xi, probs + i * n);                             \
                total += lse * ts - tx;                                                       \
            }                                                                                 \
        }                                                                                     \
        return total / (double)m;                                                             \
    }                                                                                         \
    void fi_softmax_xent_backward_##SFX(fi_index m, fi_index n, const T *probs,               \
                                        const int64_t *labels, const T *onehot, T scale,      \
                                        T *dx) {                                              \
        for (fi_index i = 0; i < m; i++) {                                                    \
            const T *pi = probs + i * n;                                                      \
            T *di = dx + i * n;                                                               \
            if (labels) {                                                                     \
                T pt = pi[labels[i]]; /* read before dx (maybe == probs) is written */        \
                for (fi_index j = 0; j < n; j++) di[j] = pi[j] * scale;                       \
                di[labels[i]] = (pt - (T)1) * scale;                                          \
            } else {                                                                          \
                const T *ti = onehot + i * n;                                                 \
                for (fi_index j = 0; j < n; j++) di[j] = (pi[j] - ti[j]) * scale;             \
            }                                                                                 \
        }                                                                                     \
    }

FI_LOSS_DEFINE(float, f32, expf, logf)
FI_LOSS_DEFINE(double, f64, exp, log)
