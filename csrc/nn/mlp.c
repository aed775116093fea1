/* The fused MLP training step (see mlp.h).
 *
 * Two pool runs (core/pool.h) make the whole step.  In the first, each part
 * owns a block of batch rows (whole register tiles of the GEMM kernels) and
 * carries it through the forward pass, the loss and the backward chain of
 * dLoss/dH with no synchronisation: row i of every layer depends only on
 * row i of the layer before, and no weight changes until every delta is
 * written.  Only the weight gradients mix rows (they sum over the batch),
 * so in the second run each part computes and applies the update of its
 * own block of rows of each W (and of columns of each b).  Every element is
 * computed by the same operations whatever the split, so the result does
 * not depend on the thread count or on which thread ran a part.
 *
 * Workspace layout, each buffer 64-byte aligned:
 *   H[l]   (batch, sizes[l+1])  output of layer l: act(in W + b); H[L-1] holds
 *                               the logits -> probabilities -> dLoss/dlogits
 *   D[l]   (batch, sizes[l+1])  dLoss/d(pre-activation) of layer l < L-1: one
 *                               buffer per layer, since every delta is kept
 *                               until the weight gradients of the second run
 *   row_loss (batch doubles)    the per-row losses
 * and, for a gathered batch (rows != NULL):
 *   X      (batch, sizes[0])    the batch's rows of x
 *   labels (batch int64) or onehot (batch, classes): its targets
 * dLoss/dx of the input is never formed: nothing consumes it. */
#include "nn/mlp.h"

#include <math.h>
#include <string.h>

#include "elementwise/elementwise.h"
#include "gemm/gemm.h"
#include "nn/loss.h"
#include "core/balance.h"
#include "core/pool.h"

/* Below this many multiply-adds per thread the step stays on one thread. */
#define FI_MLP_MIN_WORK_PER_THREAD (double)(1 << 19)

static size_t fi_mlp_round64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

/* Byte offsets of the workspace's buffers (the layout above): one place for
 * fi_mlp_workspace_bytes, which sizes it, and the step, which carves it. */
typedef struct {
    size_t row_loss, x, targets; /* x, targets: the gathered batch, if any */
    size_t H[64], D[64];         /* Python caps the depth; see fastinit/net.py */
    size_t total;
} fi_mlp_layout;

static void fi_mlp_layout_of(const fi_mlp_spec *s, fi_index batch, size_t elem, int gather,
                             fi_mlp_layout *o) {
    const int L = s->n_layers;
    size_t at = 0;
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


#define T float
#define SFX f32
#include "nn/mlp_step.h"
#undef T
#undef SFX

#define T double
#define SFX f64
#include "nn/mlp_step.h"
#undef T
#undef SFX
