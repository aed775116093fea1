/* balance.h (internal): splitting work among a team by measured speed.
 *
 * On a shared VM one core is often slowed for seconds at a time by a
 * neighbour; equal halves then leave the other thread waiting at every
 * barrier and at the end.  The fused step (mlp.c) and the GEMM driver
 * (gemm.c) therefore cut rows by each thread's share of the team's speed on
 * the calls before: speeds are shares summing to 1, smoothed over calls.
 * Any cut gives the same bits there, since every row is computed by the
 * same operations whichever thread computes it. */
#ifndef FASTINIT_BALANCE_H
#define FASTINIT_BALANCE_H

#include "core/fastinit.h"

#define FI_BALANCED_MAX 16 /* larger teams split evenly */

/* Boundary of [0, total) at fraction frac (0 -> 0, 1 -> total), at a
 * multiple of grain. */
static inline fi_index fi_balance_cut(fi_index total, fi_index grain, double frac) {
    fi_index units = (total + grain - 1) / grain;
    fi_index b = (fi_index)((double)units * frac + 0.5) * grain;
    return b < total ? b : total;
}

/* Even cuts of [0, 1] for n threads: cum[t] = t / n, t = 0 .. n. */
static inline void fi_balance_even(int n, double *cum) {
    for (int t = 0; t <= n; t++)
        cum[t] = (double)t / n;
}

/* The cuts for the team that actually runs: cum when the runtime granted
 * all nt threads asked for, else even cuts for the `got` it granted
 * (nested regions, limits), written to even[0 .. got]. */
static inline const double *fi_balance_team_cuts(const double *cum, int nt, int got,
                                                 double *even) {
    if (got == nt)
        return cum;
    fi_balance_even(got, even);
    return even;
}

/* cum[0] = 0 .. cum[nt] = 1: thread t takes [cum[t], cum[t+1]).  Speeds
 * that do not describe a team of nt (valid is 0, a value outside [0, 1],
 * NaN: garbage) are reset to even first; each share is kept within
 * [1/(2nt), 3/(2nt)] so that one bad measurement cannot starve a thread. */
static inline void fi_balance_shares(double *speed, int valid, int nt, double *cum) {
    if (nt > FI_BALANCED_MAX) {
        fi_balance_even(nt, cum);
        return;
    }
    for (int t = 0; valid && t < nt; t++)
        valid = speed[t] >= 0 && speed[t] <= 1; /* false for NaN */
    double sum = 0;
    for (int t = 0; t < nt; t++) {
        if (!valid)
            speed[t] = 1.0 / nt;
        double v = speed[t];
        cum[t + 1] = v < 0.5 / nt ? 0.5 / nt : v > 1.5 / nt ? 1.5 / nt : v;
        sum += cum[t + 1];
    }
    cum[0] = 0;
    for (int t = 0; t < nt; t++)
        cum[t + 1] = cum[t] + cum[t + 1] / sum;
    cum[nt] = 1.0;
}

/* Folds one call's busy seconds per thread (work done, waits excluded)
 * into the speeds; a call with an idle or unmeasured thread teaches
 * nothing. */
static inline void fi_balance_learn(double *speed, int nt, const double *cum, const double *busy) {
    if (nt > FI_BALANCED_MAX)
        return;
    double v[FI_BALANCED_MAX], sum = 0;
    for (int t = 0; t < nt; t++) {
        if (!(busy[t] > 0) || !(cum[t + 1] > cum[t]))
            return;
        v[t] = (cum[t + 1] - cum[t]) / busy[t];
        sum += v[t];
    }
    const double alpha = 0.25; /* a few calls' memory: slow spells last far longer */
    for (int t = 0; t < nt; t++)
        speed[t] = (1 - alpha) * speed[t] + alpha * v[t] / sum;
}

#endif
