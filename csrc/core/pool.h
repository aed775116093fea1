/* pool.h: fastinit's own thread team (pool.c).
 *
 * fi_pool_run(nt, nparts, fn, ctx) calls fn(ctx, part, slot) once for each
 * part in [0, nparts) on up to nt threads: the calling thread and nt - 1
 * workers of a process-wide team, and returns when every part has run.
 *
 * Parts are logical: a kernel's results must depend on `part` only, never
 * on which thread ran it or in which order.  `slot` (0 for the calling
 * thread, 1 .. nt-1 for workers) names the thread only so that a part can
 * use that thread's scratch buffer; no two parts run at once on one slot.
 *
 * Parts are claimed one at a time from a shared counter.  The calling thread
 * starts on part 0 at once and keeps claiming; a worker that wakes late
 * takes only what is left, and the caller waits only for parts a worker has
 * already claimed, never for a worker that has not started.  So a call never
 * waits for a sleeping thread to wake up: at worst it runs serially.
 *
 * Serial (every part on the calling thread, in order) when nt <= 1, when
 * called from inside a part (a kernel calling a kernel), when another thread
 * is using the team at that moment (a second Python thread: it does not
 * queue behind the first), on Windows (no team there yet), and in a forked
 * child until it next asks for threads (it then gets a fresh team). */
#ifndef FASTINIT_POOL_H
#define FASTINIT_POOL_H

#include "core/fastinit.h"

typedef void (*fi_pool_fn)(void *ctx, fi_index part, int slot);

void fi_pool_run(int nt, fi_index nparts, fi_pool_fn fn, void *ctx);

/* fn(ctx, lo, hi) over [0, n) cut into ranges of whole blocks of `grain`
 * items, FI_POOL_RANGES_PER_THREAD per thread (so that a slowed or late
 * thread takes fewer); one call fn(ctx, 0, n) when nt <= 1.  For kernels
 * whose every item is computed alike wherever the range is cut. */
typedef void (*fi_pool_range_fn)(void *ctx, fi_index lo, fi_index hi);
void fi_pool_for(int nt, fi_index n, fi_index grain, fi_pool_range_fn fn, void *ctx);
#define FI_POOL_RANGES_PER_THREAD 4

/* 1 while the calling thread runs a part (or is a worker): a kernel called
 * there must not ask for threads of its own. */
int fi_pool_in_part(void);

/* Workers alive in the team now (0 before the first threaded call and in a
 * forked child). */
int fi_pool_workers(void);
/* 1 where runs can use a team (POSIX threads), 0 where every run is serial
 * (Windows, for now). */
int fi_pool_threaded(void);
/* Runs handed to the team so far (not the serial ones). */
long long fi_pool_team_runs(void);

/* After each job a worker polls for the next one FI_POOL_SPIN_US
 * microseconds, then keeps checking between sched_yield calls until
 * FI_POOL_LINGER_US (OpenBLAS's workers linger about 0.1 s), then sleeps;
 * OMP_WAIT_POLICY=passive makes it sleep at once (see pool.c;
 * docs/performance.md has the measurements).  Build flags may override
 * both for experiments. */
#ifndef FI_POOL_SPIN_US
#define FI_POOL_SPIN_US 300
#endif
#ifndef FI_POOL_LINGER_US
#define FI_POOL_LINGER_US 100000
#endif

#endif
