/* Keeping a team's threads on different processors (Linux).
 *
 * Why: on some virtual machines the scheduler, waking a worker thread that
 * slept, places it on the processor of the thread that woke it and then
 * never moves either of them, although the other processor is idle.  The
 * two threads then take turns on one processor: every barrier waits for the
 * other thread's time slice (libgomp spins for milliseconds before it
 * sleeps), and a 20 us product takes 10 ms -- for seconds on end (seen on
 * this project's 2-core VM after about 1 wake-up in 20).  A worker that
 * finds itself on its master's processor therefore moves itself to another
 * processor it may run on, then restores its own affinity mask, so the
 * scheduler stays free to move it later.  Only pool threads (thread number
 * > 0) move; the caller's own thread is never touched, nor threads whose
 * mask allows a single processor (OMP_PROC_BIND, taskset). */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#endif

#include "core/fastinit.h"

int fi_current_cpu(void) {
#if defined(__linux__)
    return sched_getcpu();
#else
    return -1;
#endif
}

void fi_spread_from(int master_cpu) {
#if defined(__linux__)
    int cpu = sched_getcpu();
    if (cpu < 0 || cpu != master_cpu)
        return;
    cpu_set_t mask, away;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0 || CPU_COUNT(&mask) < 2)
        return;
    away = mask;
    CPU_CLR(cpu, &away);
    if (sched_setaffinity(0, sizeof away, &away) == 0) /* migrates before returning */
        sched_setaffinity(0, sizeof mask, &mask);
#else
    (void)master_cpu;
#endif
}
