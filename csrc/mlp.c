/* The fused MLP training step (see mlp.h).
 *
 * One parallel region runs the whole step.  Each thread owns a block of
 * batch rows (whole register tiles of the GEMM kernels) and carries it
 * through the forward pass, the loss and the backward chain of dLoss/dH
 * with no synchronisation: row i of every layer depends only on row i of
 * the layer before.  Only the weight gradient of a layer mixes rows (it sums
 * over the batch), so each layer of the backward pass has one barrier, after
 * which every thread updates its own block of rows of W (and of columns of
 * b).  Every element is computed by the same operations whatever the split,
 * so the result does not depend on the thread count.
 *
 * Workspace layout, each buffer 64-byte aligned:
 *   H[l]   (batch, sizes[l+1])  output of layer l: act(in W + b); H[L-1] holds
 *                               the logits -> probabilities -> dLoss/dlogits
 *   D[l]   (batch, sizes[l+1])  dLoss/d(pre-activation) of layer l < L-1: one
 *                               buffer per layer, since a thread may start
 *                               writing D[l-1] while another still reads D[l]
 *   row_loss (batch doubles)    the per-row losses
 * and, for a gathered batch (rows != NULL):
 *   X      (batch, sizes[0])    the batch's rows of x
 *   labels (batch int64) or onehot (batch, classes): its targets
 * dLoss/dx of the input is never formed: nothing consumes it. */
#include "mlp.h"

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

size_t fi_mlp_workspace_bytes(const fi_mlp_spec *s, fi_index batch, size_t elem, int gather) {
    size_t total = fi_mlp_round64((size_t)batch * sizeof(double));
    if (gather) {
        total += fi_mlp_round64((size_t)batch * (size_t)s->sizes[0] * elem);
        size_t t = (size_t)batch * (size_t)s->sizes[s->n_layers] * elem;
        size_t l = (size_t)batch * sizeof(int64_t);
        total += fi_mlp_round64(t > l ? t : l);
    }
    for (int l = 1; l <= s->n_layers; l++) /* H */
        total += fi_mlp_round64((size_t)batch * (size_t)s->sizes[l] * elem);
    for (int l = 1; l < s->n_layers; l++) /* D */
        total += fi_mlp_round64((size_t)batch * (size_t)s->sizes[l] * elem);
    return total;
}

/* Boundary of part t of nt nearly equal parts of `total` rows, cut at
 * multiples of `grain`. */
static fi_index fi_mlp_part(fi_index total, fi_index grain, int t, int nt) {
    fi_index units = (total + grain - 1) / grain;
    fi_index b = (fi_index)(((long long)units * t) / nt) * grain;
    return b < total ? b : total;
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
