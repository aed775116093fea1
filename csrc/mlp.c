/* The fused MLP training step (see mlp.h).
 *
 * One parallel region runs the whole step.  Each thread owns a block of
 * batch rows (whole register tiles of the GEMM kernels) and carries it
 * through the forward pass, the loss and the backward chain of dLoss/dH
 * with no synchronisation: row i of every layer depends only on row i of
 * the layer before, and no weight changes until every delta is written.
 * Only the weight gradients mix rows (they sum over the batch), so the step
 * has a single barrier, after which every thread updates its own block of
 * rows of each W (and of columns of each b).  Every element is computed by
 * the same operations whatever the split, so the result does not depend
 * on the thread count.  The blocks are sized by each thread's speed on the
 * previous steps (fi_mlp_balance), not equal.
 *
 * Workspace layout, each buffer 64-byte aligned:
 *   balance                     fi_mlp_balance, the speeds, kept between steps
 *   H[l]   (batch, sizes[l+1])  output of layer l: act(in W + b); H[L-1] holds
 *                               the logits -> probabilities -> dLoss/dlogits
 *   D[l]   (batch, sizes[l+1])  dLoss/d(pre-activation) of layer l < L-1: one
 *                               buffer per layer, since every delta is kept
 *                               until the weight gradients after the barrier
 *   row_loss (batch doubles)    the per-row losses
 * and, for a gathered batch (rows != NULL):
 *   X      (batch, sizes[0])    the batch's rows of x
 *   labels (batch int64) or onehot (batch, classes): its targets
 * dLoss/dx of the input is never formed: nothing consumes it. */
#include "mlp.h"

#include <math.h>
#include <string.h>

#include "elementwise.h"
#include "gemm.h"
#include "loss.h"

/* Below this many multiply-adds per thread the step stays on one thread. */
#define FI_MLP_MIN_WORK_PER_THREAD (double)(1 << 19)

#ifdef FI_HAVE_OPENMP
#define FI_MLP_BARRIER _Pragma("omp barrier")
#else
#define FI_MLP_BARRIER
#endif

static size_t fi_mlp_round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

/* How the step splits rows among a team: each thread's speed (rows per
 * second, as shares summing to 1), measured on the steps before and kept in
 * the workspace.  On a shared VM one core is often slowed for seconds at a
 * time by a neighbour; equal halves then leave the other thread waiting at
 * the barrier and at the end for tens of microseconds per step.  Any split
 * gives the same bits: every row and every row of W is computed by the
 * same operations whichever thread computes it. */
#define FI_MLP_BALANCED_MAX 16 /* larger teams split evenly */
#define FI_MLP_MAX_TEAM 64
typedef struct {
    int nt; /* the team the speeds belong to */
    double speed[FI_MLP_BALANCED_MAX];
} fi_mlp_balance;

/* Byte offsets of the workspace's buffers (the layout above): one place for
 * fi_mlp_workspace_bytes, which sizes it, and the step, which carves it. */
typedef struct {
    size_t balance;              /* fi_mlp_balance, kept between steps */
    size_t row_loss, x, targets; /* x, targets: the gathered batch, if any */
    size_t H[64], D[64];         /* Python caps the depth; see fastinit/net.py */
    size_t total;
} fi_mlp_layout;

static void fi_mlp_layout_of(const fi_mlp_spec *s, fi_index batch, size_t elem, int gather,
                             fi_mlp_layout *o) {
    const int L = s->n_layers;
    size_t at = 0;
    o->balance = at; /* first: see fi_mlp_set_speeds */
    at += fi_mlp_round64(sizeof(fi_mlp_balance));
    o->row_loss = at;
    at += fi_mlp_round64((size_t)batch * sizeof(double));
    o->x = o->targets = 0;
    if (gather) {
        o->x = at;
        at += fi_mlp_round64((size_t)batch * (size_t)s->sizes[0] * elem);
        size_t t = (size_t)batch * (size_t)s->sizes[L] * elem;
        size_t l = (size_t)batch * sizeof(int64_t);
        o->targets = at;
        at += fi_mlp_round64(t > l ? t : l);
    }
    for (int l = 0; l < L; l++) {
        o->H[l] = at;
        at += fi_mlp_round64((size_t)batch * (size_t)s->sizes[l + 1] * elem);
    }
    for (int l = 0; l < L - 1; l++) {
        o->D[l] = at;
        at += fi_mlp_round64((size_t)batch * (size_t)s->sizes[l + 1] * elem);
    }
    o->total = at;
}

size_t fi_mlp_workspace_bytes(const fi_mlp_spec *s, fi_index batch, size_t elem, int gather) {
    if (s->n_layers < 1 || s->n_layers > 64)
        return 0;
    fi_mlp_layout o;
    fi_mlp_layout_of(s, batch, elem, gather, &o);
    return o.total;
}

/* Boundary of part t of nt nearly equal parts of `total` rows, cut at
 * multiples of `grain`. */
static fi_index fi_mlp_part(fi_index total, fi_index grain, int t, int nt) {
    fi_index units = (total + grain - 1) / grain;
    fi_index b = (fi_index)(((long long)units * t) / nt) * grain;
    return b < total ? b : total;
}

/* Boundary of rows [0, total) at fraction `frac` of them, at a multiple of
 * `grain` (frac 0 -> 0, frac 1 -> total). */
static fi_index fi_mlp_cut(fi_index total, fi_index grain, double frac) {
    fi_index units = (total + grain - 1) / grain;
    fi_index b = (fi_index)((double)units * frac + 0.5) * grain;
    return b < total ? b : total;
}

/* The team's cumulative shares (cum[0] = 0, cum[nt] = 1) from the balance
 * (reset when it belongs to another team or holds garbage: the workspace
 * is not zeroed), each share kept within [1/(2nt), 3/(2nt)] so that one
 * bad step cannot starve a thread. */
static void fi_mlp_shares(fi_mlp_balance *b, int nt, double *cum) {
    int ok = nt <= FI_MLP_BALANCED_MAX && b->nt == nt;
    for (int t = 0; ok && t < nt; t++)
        ok = b->speed[t] >= 0 && b->speed[t] <= 1; /* also false for NaN */
    if (!ok && nt <= FI_MLP_BALANCED_MAX) {
        b->nt = nt;
        for (int t = 0; t < nt; t++)
            b->speed[t] = 1.0 / nt;
    }
    double sh[FI_MLP_BALANCED_MAX], sum = 0;
    for (int t = 0; t < nt && nt <= FI_MLP_BALANCED_MAX; t++) {
        double v = b->speed[t];
        v = v < 0.5 / nt ? 0.5 / nt : v > 1.5 / nt ? 1.5 / nt : v;
        sh[t] = v;
        sum += v;
    }
    cum[0] = 0;
    for (int t = 0; t < nt; t++)
        cum[t + 1] = nt <= FI_MLP_BALANCED_MAX ? cum[t] + sh[t] / sum : (double)(t + 1) / nt;
    cum[nt] = 1.0;
}

/* Fold one step's busy seconds per thread into the speeds. */
static void fi_mlp_learn(fi_mlp_balance *b, int nt, const double *cum, const double *busy) {
    if (nt > FI_MLP_BALANCED_MAX)
        return;
    double v[FI_MLP_BALANCED_MAX], sum = 0;
    for (int t = 0; t < nt; t++) {
        if (!(busy[t] > 0))
            return;
        v[t] = (cum[t + 1] - cum[t]) / busy[t];
        sum += v[t];
    }
    const double alpha = 0.25; /* a few steps' memory: slow spells last far longer */
    for (int t = 0; t < nt; t++)
        b->speed[t] = (1 - alpha) * b->speed[t] + alpha * v[t] / sum;
}

/* The balance is the workspace's first buffer, whatever the batch. */
void fi_mlp_set_speeds(void *work, int nt, const double *speeds) {
    if (nt < 1 || nt > FI_MLP_BALANCED_MAX)
        return;
    double sum = 0;
    for (int t = 0; t < nt; t++)
        sum += speeds[t] > 0 ? speeds[t] : 0; /* NaN counts as 0 */
    fi_mlp_balance *b = (fi_mlp_balance *)work;
    b->nt = nt;
    for (int t = 0; t < nt; t++) /* invalid shares are reset by the next step */
        b->speed[t] = sum > 0 && sum < INFINITY ? speeds[t] / sum : NAN;
}

int fi_mlp_get_speeds(const void *work, int nt, double *speeds) {
    const fi_mlp_balance *b = (const fi_mlp_balance *)work;
    if (nt < 1 || nt > FI_MLP_BALANCED_MAX || b->nt != nt)
        return 0;
    for (int t = 0; t < nt; t++)
        speeds[t] = b->speed[t];
    return 1;
}

#define T float
#define SFX f32
#include "mlp_step.h"
#undef T
#undef SFX

#define T double
#define SFX f64
#include "mlp_step.h"
#undef T
#undef SFX
