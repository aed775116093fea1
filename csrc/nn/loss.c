/* Softmax and softmax cross-entropy, row by row.
 *
 * The row kernel (max, exp, sum in double, scale) comes from the active
 * SIMD set (elementwise_isa.h); rows are spread over threads.  The loss is
 * reduced in a fixed tree, independent of the thread count: rows are summed
 * in blocks of FI_XENT_BLOCK, and block sums are added in order. */
#include "nn/loss.h"

#include <math.h>

#include "core/cpu.h"
#include "core/pool.h"
#include "elementwise/elementwise_isa.h"

#define FI_XENT_BLOCK 64
#define FI_XENT_BLOCKS (FI_XENT_CHUNK_ROWS / FI_XENT_BLOCK)

#if FI_X86
#define FI_PICK_ROW(SFX)                                                                       \
    (fi_active_isa() == FI_ISA_AVX512 ? fi_softmax_row_##SFX##_avx512                          \
     : fi_active_isa() == FI_ISA_AVX2 ? fi_softmax_row_##SFX##_avx2                            \
                                      : fi_softmax_row_##SFX##_generic)
#else
#define FI_PICK_ROW(SFX) fi_softmax_row_##SFX##_generic
#endif

#define FI_LOSS_DEFINE(T, SFX, EXP)                                                            \
    double fi_softmax_row_##SFX##_generic(fi_index n, const T *x, T *y) {                      \
        T mx = x[0];                                                                           \
        for (fi_index j = 1; j < n; j++)                                                       \
            if (x[j] > mx || x[j] != x[j]) mx = x[j];                                          \
        double s = 0;                                                                          \
        for (fi_index j = 0; j < n; j++) {                                                     \
            T e = EXP(x[j] - mx);                                                              \
            y[j] = e;                                                                          \
            s += e;                                                                            \
        }                                                                                      \
        T inv = (T)(1.0 / s);                                                                  \
        for (fi_index j = 0; j < n; j++) y[j] *= inv;                                          \
        return (double)mx + log(s);                                                            \
    }                                                                                          \
    typedef struct {                                                                           \
        double (*row)(fi_index, const T *, T *);                                               \
        fi_index n, c0, end;                                                                   \
        const T *x, *onehot, *probs;                                                           \
        const int64_t *labels;                                                                 \
        T *y, scale;                                                                           \
        double *part;                                                                          \
    } fi_loss_ctx_##SFX;                                                                       \
    static void fi_softmax_range_##SFX(void *ctx, fi_index lo, fi_index hi) {                  \
        const fi_loss_ctx_##SFX *c = (const fi_loss_ctx_##SFX *)ctx;                           \
        for (fi_index i = lo; i < hi; i++) c->row(c->n, c->x + i * c->n, c->y + i * c->n);     \
    }                                                                                          \
    void fi_softmax_##SFX(fi_index m, fi_index n, const T *x, T *y) {                          \
        if (m <= 0 || n <= 0) return;                                                          \
        fi_loss_ctx_##SFX c = {.row = FI_PICK_ROW(SFX), .n = n, .x = x, .y = y};               \
        int nt = fi_threads_for((double)m * n, 32768.0);                                       \
        fi_pool_for(nt, m, 1, fi_softmax_range_##SFX, &c);                                     \
    }                                                                                          \
    /* The loss of row i; writes its probabilities. */                                      \
    static double fi_xent_row_##SFX(double (*row)(fi_index, const T *, T *), fi_index i,       \
                                    fi_index n, const T *logits, const int64_t *labels,        \
                                    const T *onehot, T *probs) {                               \
        const T *xi = logits + i * n;                                                          \
        /* read the logits needed before probs (maybe == logits) is written */                 \
        double tx = 0, ts = 1;                                                                 \
        if (labels) {                                                                          \
            tx = (double)xi[labels[i]];                                                        \
        } else {                                                                               \
            const T *ti = onehot + i * n;                                                      \
            ts = 0;                                                                            \
            for (fi_index j = 0; j < n; j++) {                                                 \
                tx += (double)ti[j] * (double)xi[j];                                           \
                ts += (double)ti[j];                                                           \
            }                                                                                  \
        }                                                                                      \
        return row(n, xi, probs + i * n) * ts - tx;                                            \
    }                                                                                          \
    /* sum over rows [i0, i1) of the per-row loss, in row order */                             \
    static double fi_xent_rows_##SFX(double (*row)(fi_index, const T *, T *), fi_index i0,     \
                                     fi_index i1, fi_index n, const T *logits,                 \
                                     const int64_t *labels, const T *onehot, T *probs) {       \
        double total = 0;                                                                      \
        for (fi_index i = i0; i < i1; i++)                                                     \
            total += fi_xent_row_##SFX(row, i, n, logits, labels, onehot, probs);              \
        return total;                                                                          \
    }                                                                                          \
    /* blocks [lo, hi) of FI_XENT_BLOCK rows of the chunk at c0, sums to part[] */             \
    static void fi_xent_blocks_##SFX(void *ctx, fi_index lo, fi_index hi) {                    \
        const fi_loss_ctx_##SFX *c = (const fi_loss_ctx_##SFX *)ctx;                           \
        for (fi_index b = lo; b < hi; b++) {                                                   \
            fi_index i0 = c->c0 + b * FI_XENT_BLOCK;                                           \
            fi_index i1 = i0 + FI_XENT_BLOCK < c->end ? i0 + FI_XENT_BLOCK : c->end;           \
            c->part[b] = fi_xent_rows_##SFX(c->row, i0, i1, c->n, c->x, c->labels, c->onehot,  \
                                            c->y);                                             \
        }                                                                                      \
    }                                                                                          \
    void fi_softmax_xent_rows_##SFX(fi_index i0, fi_index i1, fi_index n, const T *logits,     \
                                    const int64_t *labels, const T *onehot, T *probs,          \
                                    double *row_loss) {                                        \
        if (n <= 0) return;                                                                    \
        double (*row)(fi_index, const T *, T *) = FI_PICK_ROW(SFX);                            \
        for (fi_index i = i0; i < i1; i++)                                                     \
            row_loss[i] = fi_xent_row_##SFX(row, i, n, logits, labels, onehot, probs);         \
    }                                                                                          \
    double fi_softmax_xent_acc_##SFX(fi_index m, fi_index n, const T *logits,                  \
                                     const int64_t *labels, const T *onehot, T *probs,         \
                                     double acc) {                                             \
        if (m <= 0 || n <= 0) return acc;                                                      \
        int nt = fi_threads_for((double)m * n, 32768.0);                                       \
        double part[FI_XENT_BLOCKS];                                                           \
        fi_loss_ctx_##SFX c = {.row = FI_PICK_ROW(SFX), .n = n, .x = logits, .labels = labels, \
                               .onehot = onehot, .y = probs, .part = part};                    \
        for (fi_index c0 = 0; c0 < m; c0 += FI_XENT_CHUNK_ROWS) {                              \
            fi_index rows = m - c0 < FI_XENT_CHUNK_ROWS ? m - c0 : FI_XENT_CHUNK_ROWS;         \
            fi_index nb = (rows + FI_XENT_BLOCK - 1) / FI_XENT_BLOCK;                          \
            c.c0 = c0;                                                                         \
            c.end = c0 + rows;                                                                 \
            fi_pool_for(nt, nb, 1, fi_xent_blocks_##SFX, &c);                                  \
            for (fi_index b = 0; b < nb; b++) acc += part[b];                                  \
        }                                                                                      \
        return acc;                                                                            \
    }                                                                                          \
    double fi_softmax_xent_##SFX(fi_index m, fi_index n, const T *logits,                      \
                                 const int64_t *labels, const T *onehot, T *probs) {           \
        if (m <= 0 || n <= 0) return 0.0;                                                      \
        return fi_softmax_xent_acc_##SFX(m, n, logits, labels, onehot, probs, 0.0) / (double)m; \
    }                                                                                          \
    static void fi_xent_backward_row_##SFX(fi_index n, const T *pi, int64_t label,           \
                                           const T *ti, T scale, T *di) {                      \
        if (ti == NULL) {                                                                      \
            T pt = pi[label]; /* read before dx (maybe == probs) is written */                 \
            for (fi_index j = 0; j < n; j++) di[j] = pi[j] * scale;                            \
            di[label] = (pt - (T)1) * scale;                                                   \
        } else {                                                                               \
            for (fi_index j = 0; j < n; j++) di[j] = (pi[j] - ti[j]) * scale;                  \
        }                                                                                      \
    }                                                                                          \
    static void fi_xent_backward_range_##SFX(void *ctx, fi_index lo, fi_index hi) {            \
        const fi_loss_ctx_##SFX *c = (const fi_loss_ctx_##SFX *)ctx;                           \
        const fi_index n = c->n;                                                               \
        for (fi_index i = lo; i < hi; i++)                                                     \
            fi_xent_backward_row_##SFX(n, c->probs + i * n, c->labels ? c->labels[i] : -1,     \
                                       c->onehot ? c->onehot + i * n : NULL, c->scale,         \
                                       c->y + i * n);                                          \
    }                                                                                          \
    void fi_softmax_xent_backward_##SFX(fi_index m, fi_index n, const T *probs,                \
                                        const int64_t *labels, const T *onehot, T scale,       \
                                        T *dx) {                                               \
        int nt = fi_threads_for((double)m * n, 65536.0);                                       \
        fi_loss_ctx_##SFX c = {.n = n, .probs = probs, .labels = labels, .onehot = onehot,     \
                               .scale = scale, .y = dx};                                       \
        fi_pool_for(nt, m, 1, fi_xent_backward_range_##SFX, &c);                               \
    }

/* defines fi_softmax_row_f32_generic, fi_softmax_row_f64_generic, fi_softmax_f32,
 * fi_softmax_f64, fi_softmax_xent_rows_f32, fi_softmax_xent_rows_f64, fi_softmax_xent_acc_f32,
 * fi_softmax_xent_acc_f64, fi_softmax_xent_f32, fi_softmax_xent_f64,
 * fi_softmax_xent_backward_f32, fi_softmax_xent_backward_f64, fi_xent_row_f32,
 * fi_xent_row_f64, fi_xent_rows_f32, fi_xent_rows_f64, fi_xent_backward_row_f32,
 * fi_xent_backward_row_f64 */
FI_LOSS_DEFINE(float, f32, expf)
FI_LOSS_DEFINE(double, f64, exp)

double fi_xent_mean(fi_index m, const double *row_loss) {
    if (m <= 0) return 0.0;
    double acc = 0;
    for (fi_index b0 = 0; b0 < m; b0 += FI_XENT_BLOCK) {
        fi_index b1 = b0 + FI_XENT_BLOCK < m ? b0 + FI_XENT_BLOCK : m;
        double part = 0;
        for (fi_index i = b0; i < b1; i++) part += row_loss[i];
        acc += part;
    }
    return acc / (double)m;
}
