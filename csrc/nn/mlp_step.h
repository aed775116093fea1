/* mlp_step.h: the fused training step, instantiated for float and double
 * by mlp.c (#define T, SFX, then #include).  Not a public header. */

#define FI_CAT_(a, b) a##b
#define FI_CAT(a, b) FI_CAT_(a, b)
#define FI_F(name) FI_CAT(name, SFX)

typedef struct {
    const fi_mlp_spec *s;
    fi_index N;
    const T *x;
    const int64_t *labels;
    const T *onehot;
    /* a gathered batch: rows of src_* copied into the workspace's gx,
     * glabels / gonehot, which x, labels / onehot then point to */
    const int64_t *rows;
    const T *src_x;
    const int64_t *src_labels;
    const T *src_onehot;
    T *gx;
    int64_t *glabels;
    T *gonehot;
    T *const *params, *const *grads, *const *state1, *const *state2;
    const fi_optimizer *opt;
    T *H[64], *D[64]; /* Python caps the depth; see fastinit/net.py */
    double *row_loss;
    int grain;        /* rows at which parts cut the batch and W: fi_gemm_row_grain */
    int parts;        /* parts of each of the two pool runs */
    double sumsq;     /* sum of squared weights, written by part 0 */
} FI_F(fi_mlp_ctx_); /* defines fi_mlp_ctx_f32, fi_mlp_ctx_f64 */

/* defines fi_mlp_decay_f32, fi_mlp_decay_f64 */
static void FI_F(fi_mlp_decay_)(fi_index n, T lambda, const T *FI_RESTRICT w, T *FI_RESTRICT g) {
    for (fi_index i = 0; i < n; i++) g[i] += lambda * w[i];
}

/* defines fi_mlp_sumsq_f32, fi_mlp_sumsq_f64 */
static double FI_F(fi_mlp_sumsq_)(fi_index n, const T *w) {
    double s = 0;
    for (fi_index i = 0; i < n; i++) s += (double)w[i] * (double)w[i];
    return s;
}

/* Phase 1, pool part `part` of c->parts: its block of batch rows through
 * the forward pass, the loss and the backward chain of deltas. */
/* defines fi_mlp_rows_part_f32, fi_mlp_rows_part_f64 */
static void FI_F(fi_mlp_rows_part_)(void *ctx, fi_index part, int slot) {
    FI_F(fi_mlp_ctx_) *c = (FI_F(fi_mlp_ctx_) *)ctx;
    const fi_mlp_spec *s = c->s;
    const int L = s->n_layers;
    const fi_index *d = s->sizes;
    const fi_index N = c->N;
    const fi_index r0 = fi_balance_cut(N, c->grain, (double)part / c->parts);
    const fi_index r1 = fi_balance_cut(N, c->grain, (double)(part + 1) / c->parts);
    const fi_index rows = r1 - r0;
    T *P = c->H[L - 1];
    const fi_index nc = d[L];
    (void)slot;
    if (c->rows) { /* this block's rows of the batch */
        for (fi_index r = r0; r < r1; r++) {
            const fi_index i = (fi_index)c->rows[r];
            memcpy(c->gx + r * d[0], c->src_x + i * d[0], (size_t)d[0] * sizeof(T));
            if (c->src_labels)
                c->glabels[r] = c->src_labels[i];
            else
                memcpy(c->gonehot + r * nc, c->src_onehot + i * nc, (size_t)nc * sizeof(T));
        }
    }

    /* forward: the bias and activation run on each tile of the product */
    for (int l = 0; l < L && rows > 0; l++) {
        fi_epilogue ep = {c->params[2 * l + 1], l < L - 1 ? s->act : FI_ACT_IDENTITY, s->slope};
        const T *in = l ? c->H[l - 1] : c->x;
        FI_F(fi_gemm_ex_)(0, 0, rows, d[l + 1], d[l], (T)1, in + r0 * d[l], d[l],
                          c->params[2 * l], d[l + 1], (T)0, c->H[l] + r0 * d[l + 1], d[l + 1],
                          &ep);
    }
    FI_F(fi_softmax_xent_rows_)(r0, r1, nc, P, c->labels, c->onehot, P, c->row_loss);
    if (part == 0 && s->weight_decay != 0) {
        /* read before any weight is updated: that is phase 2 */
        double sq = 0;
        for (int l = 0; l < L; l++) sq += FI_F(fi_mlp_sumsq_)(d[l] * d[l + 1], c->params[2 * l]);
        c->sumsq = sq;
    }

    /* this block's rows of every delta, all the way down: rows are
     * independent, and every weight is read before any is updated. */
    if (rows > 0) {
        FI_F(fi_softmax_xent_backward_)(rows, nc, P + r0 * nc, c->labels ? c->labels + r0 : NULL,
                                        c->onehot ? c->onehot + r0 * nc : NULL,
                                        (T)(1.0 / (double)N), P + r0 * nc);
        for (int l = L - 1; l > 0; l--) {
            const T *delta = l == L - 1 ? P : c->D[l];
            T *next = c->D[l - 1] + r0 * d[l];
            FI_F(fi_gemm_)(0, 1, rows, d[l], d[l + 1], (T)1, delta + r0 * d[l + 1], d[l + 1],
                           c->params[2 * l], d[l + 1], (T)0, next, d[l]);
            FI_F(fi_act_backward_)(s->act, (T)s->slope, rows * d[l], next,
                                   c->H[l - 1] + r0 * d[l], next);
        }
    }
}

/* Phase 2, pool part `part`: its block of rows of each W (and columns of
 * each b): the weight gradients, which need every row of delta, and the
 * updates, which must not run while a part still reads W -- so after phase
 * 1 has finished (two runs where a team would use one barrier). */
/* defines fi_mlp_weights_part_f32, fi_mlp_weights_part_f64 */
static void FI_F(fi_mlp_weights_part_)(void *ctx, fi_index part, int slot) {
    FI_F(fi_mlp_ctx_) *c = (FI_F(fi_mlp_ctx_) *)ctx;
    const fi_mlp_spec *s = c->s;
    const int L = s->n_layers;
    const fi_index *d = s->sizes;
    const fi_index N = c->N;
    const fi_optimizer *opt = c->opt;
    T *P = c->H[L - 1];
    const double f0 = (double)part / c->parts, f1 = (double)(part + 1) / c->parts;
    (void)slot;
    const T lambda = (T)s->weight_decay;
    /* SGD folds its update into the weight-gradient GEMM:
     * W = (1 - lr*lambda) W - lr * in^T delta, one pass over W instead of
     * writing dW and reading it back (grads then holds only the biases). */
    const int sgd_in_gemm = opt->kind == FI_OPT_SGD;
    for (int l = L - 1; l >= 0; l--) {
        const T *delta = l == L - 1 ? P : c->D[l]; /* dLoss/d(pre-activation), (N, d[l+1]) */
        const T *in = l ? c->H[l - 1] : c->x;
        T *W = c->params[2 * l], *b = c->params[2 * l + 1];
        T *gW = c->grads[2 * l], *gb = c->grads[2 * l + 1];
        T *s1W = c->state1 ? c->state1[2 * l] : NULL, *s2W = c->state2 ? c->state2[2 * l] : NULL;
        T *s1b = c->state1 ? c->state1[2 * l + 1] : NULL;
        T *s2b = c->state2 ? c->state2[2 * l + 1] : NULL;
        const fi_index w0 = fi_balance_cut(d[l], c->grain, f0);
        const fi_index w1 = fi_balance_cut(d[l], c->grain, f1);
        const fi_index b0 = fi_balance_cut(d[l + 1], 1, f0);
        const fi_index b1 = fi_balance_cut(d[l + 1], 1, f1);
        const fi_index off = w0 * d[l + 1], nw = (w1 - w0) * d[l + 1];
        if (b1 > b0)
            FI_F(fi_sum_rows_)(N, b1 - b0, delta + b0, d[l + 1], gb + b0);
        if (w1 > w0) {
            if (sgd_in_gemm) {
                FI_F(fi_gemm_)(1, 0, w1 - w0, d[l + 1], N, (T)(-opt->lr), in + w0, d[l], delta,
                               d[l + 1], (T)(1.0 - opt->lr * s->weight_decay), W + off, d[l + 1]);
            } else {
                FI_F(fi_gemm_)(1, 0, w1 - w0, d[l + 1], N, (T)1, in + w0, d[l], delta, d[l + 1],
                               (T)0, gW + off, d[l + 1]);
                if (lambda != 0)
                    FI_F(fi_mlp_decay_)(nw, lambda, W + off, gW + off);
                if (opt->kind != FI_OPT_NONE)
                    FI_F(fi_optim_update_)(opt, nw, W + off, gW + off, s1W ? s1W + off : NULL,
                                           s2W ? s2W + off : NULL);
            }
        }
        if (opt->kind != FI_OPT_NONE && b1 > b0)
            FI_F(fi_optim_update_)(opt, b1 - b0, b + b0, gb + b0, s1b ? s1b + b0 : NULL,
                                   s2b ? s2b + b0 : NULL);
    }
}

/* defines fi_mlp_step_f32, fi_mlp_step_f64 */
double FI_F(fi_mlp_step_)(const fi_mlp_spec *s, fi_index batch, const T *x,
                          const int64_t *labels, const T *onehot, const int64_t *rows,
                          T *const *params, T *const *grads, T *const *state1,
                          T *const *state2, const fi_optimizer *opt, void *work) {
    const int L = s->n_layers;
    const fi_index *d = s->sizes;
    if (L < 1 || L > 64 || batch <= 0)
        return 0.0;
    FI_F(fi_mlp_ctx_) c = {.s = s, .N = batch, .x = x, .labels = labels, .onehot = onehot,
                           .rows = rows, .src_x = x, .src_labels = labels,
                           .src_onehot = onehot, .params = params, .grads = grads,
                           .state1 = state1, .state2 = state2, .opt = opt};
    fi_mlp_layout o;
    fi_mlp_layout_of(s, batch, sizeof(T), rows != NULL, &o);
    char *w = (char *)work;
    c.row_loss = (double *)(w + o.row_loss);
    if (rows) {
        c.x = c.gx = (T *)(w + o.x);
        if (labels)
            c.labels = c.glabels = (int64_t *)(w + o.targets);
        else
            c.onehot = c.gonehot = (T *)(w + o.targets);
    }
    for (int l = 0; l < L; l++)
        c.H[l] = (T *)(w + o.H[l]);
    for (int l = 0; l < L - 1; l++)
        c.D[l] = (T *)(w + o.D[l]);
    c.grain = FI_F(fi_gemm_row_grain_)();

    double macs = 0;
    for (int l = 0; l < L; l++)
        macs += 3.0 * (double)batch * (double)d[l] * (double)d[l + 1];
    int nt = fi_threads_for(macs, FI_MLP_MIN_WORK_PER_THREAD);
    fi_index tiles = (batch + c.grain - 1) / c.grain;
    if ((fi_index)nt > tiles)
        nt = (int)tiles;
    c.parts = nt;
    fi_pool_run(nt, nt, FI_F(fi_mlp_rows_part_), &c);
    fi_pool_run(nt, nt, FI_F(fi_mlp_weights_part_), &c);

    double loss = fi_xent_mean(batch, c.row_loss);
    if (s->weight_decay != 0)
        loss += 0.5 * s->weight_decay * c.sumsq;
    return loss;
}

#undef FI_F
#undef FI_CAT
#undef FI_CAT_
