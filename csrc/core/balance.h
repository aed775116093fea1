/* balance.h (internal): cutting work into blocks at a fraction.
 *
 * The fused step (mlp.c) cuts the batch and each W into pool parts with
 * it.  Any cut gives the same bits there, since every row is computed by
 * the same operations whichever part computes it. */
#ifndef FASTINIT_BALANCE_H
#define FASTINIT_BALANCE_H

#include "core/fastinit.h"

/* Boundary of [0, total) at fraction frac (0 -> 0, 1 -> total), at a
 * multiple of grain. */
static inline fi_index fi_balance_cut(fi_index total, fi_index grain, double frac) {
    fi_index units = (total + grain - 1) / grain;
    fi_index b = (fi_index)((double)units * frac + 0.5) * grain;
    return b < total ? b : total;
}

#endif
