/* Process-wide settings shared by all kernels: thread count and SIMD set.
 * Plain statics: csrc/ is linked once, into fastinit._core, so each exists
 * once per process. */
/* posix_memalign, sysconf, sched_getaffinity: POSIX and GNU, not C11. */
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#elif !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200112L
#endif
#include "core/cpu.h"
#include "core/fastinit.h"
#include "core/pool.h"

/* sigaction: POSIX systems; elsewhere (Windows) Ctrl-C is not armed. */
#if defined(__unix__) || defined(__APPLE__)
#define FI_SIGACTION 1
#else
#define FI_SIGACTION 0
#endif

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <malloc.h> /* _aligned_malloc: the Windows CRTs (MSVC and MinGW) lack posix_memalign */
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "core/atomics.h"

/* 0: the default (OMP_NUM_THREADS, else the processors this process may
 * run on); n > 0: use n.  One setting for every calling thread, read by
 * every kernel; threadpoolctl sets it too (fastinit/_threadpoolctl.py). */
static atomic_int fi_num_threads_setting = 0;
static atomic_int fi_default_threads = 0; /* 0 before the first use */
/* A Python thread's own cap (set_thread_limit), 0 for none. */
static FI_THREAD_LOCAL int fi_thread_limit = 0;
static atomic_int fi_isa_setting = -1; /* fi_isa, or -1 before the first use */
/* Ctrl-C during a long call (fi_interrupt_arm): set by fi_on_sigint, so that
 * the handler only touches a lock-free atomic (C11 7.14.1.1). */
static atomic_int fi_interrupted = 0;
#if FI_SIGACTION
static struct sigaction fi_saved_sigint; /* the handler fi_interrupt_arm replaced */
#endif
static void fi_on_sigint(int sig);

/* Processors this process may run on (its affinity mask on Linux). */
static int fi_processors(void) {
#if defined(__linux__)
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) == 0 && CPU_COUNT(&mask) > 0)
        return CPU_COUNT(&mask);
#endif
#if defined(_WIN32)
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors > 0 ? (int)si.dwNumberOfProcessors : 1;
#elif defined(_SC_NPROCESSORS_ONLN)
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
#else
    return 1;
#endif
}

/* Asked once (a race only computes the same value twice): the first entry
 * of OMP_NUM_THREADS (the variable users already set for every threaded
 * library), else the processors. */
static int fi_default_count(void) {
    int n = atomic_load(&fi_default_threads);
    if (n == 0) {
        const char *env = getenv("OMP_NUM_THREADS");
        long v = env ? strtol(env, NULL, 10) : 0;
        n = v > 0 && v < 1 << 20 ? (int)v : fi_processors();
        atomic_store(&fi_default_threads, n);
    }
    return n;
}

/* Oversubscription up to 4 threads per processor (at least 64) stays
 * allowed for experiments; beyond that a request is capped, so that an
 * absurd set_num_threads(100000) cannot exhaust the process's threads. */
static int fi_max_threads(void) {
    static atomic_int cap = 0;
    int c = atomic_load(&cap);
    if (c == 0) {
        int procs = fi_processors();
        c = procs > 16 ? 4 * procs : 64;
        atomic_store(&cap, c);
    }
    return c;
}

/* The process-wide count, before the calling thread's own cap. */
static int fi_process_threads(void) {
    int n = atomic_load(&fi_num_threads_setting);
    if (n <= 0)
        n = fi_default_count();
    return n > fi_max_threads() ? fi_max_threads() : n;
}

FI_EXPORT int fi_get_num_threads(void) {
    int n = fi_process_threads();
    return fi_thread_limit > 0 && fi_thread_limit < n ? fi_thread_limit : n;
}

int fi_get_thread_limit(void) {
    return fi_thread_limit > 0 ? fi_thread_limit : fi_process_threads();
}

void fi_set_thread_limit(int n) {
    if (n < 1)
        n = 1;
    if (n > fi_max_threads())
        n = fi_max_threads();
    fi_thread_limit = n;
}

FI_EXPORT void fi_set_num_threads(int n) {
    if (n < 0)
        n = 0;
    if (n > fi_max_threads())
        n = fi_max_threads();
    atomic_store(&fi_num_threads_setting, n);
    fi_thread_limit = 0; /* the calling thread follows the new count */
}

int fi_threads_for(double work, double min_per_thread) {
    /* A kernel called from a part of a pool run (the fused MLP step splits
     * the work itself) runs on its caller's thread. */
    if (fi_pool_in_part())
        return 1;
    int n = fi_get_num_threads();
    if (min_per_thread <= 0)
        return n;
    double fit = work / min_per_thread;
    if (fit < 2.0)
        return 1;
    if (fit < (double)n)
        n = (int)fit;
    return n < 1 ? 1 : n;
}

fi_isa fi_set_isa(fi_isa want) {
    fi_isa best = fi_cpu_best_isa();
    fi_isa got = want > best ? best : want;
    if (got < FI_ISA_GENERIC)
        got = FI_ISA_GENERIC;
    atomic_store(&fi_isa_setting, (int)got);
    return got;
}

fi_isa fi_active_isa(void) {
    int isa = atomic_load(&fi_isa_setting);
    if (isa < 0) {
        fi_isa best = fi_cpu_best_isa();
        int want = fi_isa_from_name(getenv("FASTINIT_SIMD"));
        isa = (want >= 0 && want < (int)best) ? want : (int)best;
        atomic_store(&fi_isa_setting, isa);
    }
    return (fi_isa)isa;
}

/* ---- Ctrl-C during long calls -----------------------------------------------
 * Python's own SIGINT handler only records the signal; Python acts on it
 * between bytecodes, so a kernel running for seconds without the GIL delays
 * Ctrl-C by as long.  Around such a call the bridge (main thread only:
 * handlers are process-wide, and Python runs its handlers there) installs
 * fi_on_sigint, which sets fi_interrupted; kernels poll it between blocks
 * (fi_interrupt_pending) and return early.  Disarming puts the old handler
 * back exactly (flags and mask too) and hands it the signal again, so
 * Python, or whatever else owned SIGINT, sees it as if it had been there
 * all along.  Windows: not armed (its CRT runs SIGINT handlers on another
 * thread with reset-to-default semantics); the bridge then checks for
 * signals between chunks as before. */
static void fi_on_sigint(int sig) {
    (void)sig;
    /* async-signal-safe: one store to a lock-free atomic, nothing else */
    atomic_store(&fi_interrupted, 1);
}

#if FI_SIGACTION && defined(ATOMIC_INT_LOCK_FREE)
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the SIGINT flag must be a lock-free atomic");
#endif

int fi_interrupt_arm(void) {
#if FI_SIGACTION
    struct sigaction *old = &fi_saved_sigint, sa;
    if (sigaction(SIGINT, NULL, old) != 0)
        return 0;
    /* SIG_IGN: Ctrl-C is meant to do nothing; SIG_DFL: it kills at once. */
    if (!(old->sa_flags & SA_SIGINFO) && (old->sa_handler == SIG_IGN || old->sa_handler == SIG_DFL))
        return 0;
    atomic_store(&fi_interrupted, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fi_on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
#ifdef SA_ONSTACK
    sa.sa_flags |= SA_ONSTACK; /* as Python installs its own */
#endif
    return sigaction(SIGINT, &sa, NULL) == 0;
#else
    return 0;
#endif
}

int fi_interrupt_disarm(void) {
#if FI_SIGACTION
    sigaction(SIGINT, &fi_saved_sigint, NULL);
    int hit = atomic_exchange(&fi_interrupted, 0);
    if (hit)
        raise(SIGINT); /* runs the restored handler in this thread before returning */
    return hit;
#else
    return 0;
#endif
}

int fi_interrupt_pending(void) { return atomic_load(&fi_interrupted); }

void *fi_aligned_alloc(size_t bytes) {
    if (bytes == 0)
        bytes = 64;
#ifdef _WIN32
    return _aligned_malloc(bytes, 64);
#else
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    return p;
#endif
}

void fi_aligned_free(void *p) {
#ifdef _WIN32
    _aligned_free(p);
#else
    free(p);
#endif
}
