/* fastinit's thread team (see pool.h for the contract).
 *
 * Why not OpenMP's: after the process idles for 10-100 ms, libgomp's
 * workers are in the middle of a spin of several milliseconds that a
 * virtual machine's host deschedules, and the next parallel region waits
 * 1-6 ms for them; a forked child's libgomp still believes in a team that
 * was not copied and hangs.  Here the caller never waits for a worker that
 * has not started: it claims parts itself meanwhile, so a late worker only
 * helps less.  After a job a worker spins FI_POOL_SPIN_US, then lingers up
 * to FI_POOL_LINGER_US calling sched_yield (as OpenBLAS's workers do for
 * about 0.1 s), then sleeps on a futex (a condition variable off Linux).
 *
 * A job is published as (generation, next part) in one 64-bit word, so a
 * worker can claim a part only of the job it woke for: a claim is a CAS that
 * fails once the caller has moved on to the next generation.  The job's
 * fields live in two slots by generation parity; a slot is rewritten only
 * two generations later, after its job finished, when no worker can still
 * claim from it. */
#if !defined(_WIN32)
#define _GNU_SOURCE /* syscall, sched_yield */
#endif
#include "core/pool.h"

#include "core/atomics.h"
#include "core/bufcache.h"

typedef struct {
    fi_pool_range_fn fn;
    void *ctx;
    fi_index n, grain, blocks, parts;
} fi_pool_range_job;

static void fi_pool_range_part(void *ctx, fi_index part, int slot) {
    const fi_pool_range_job *r = (const fi_pool_range_job *)ctx;
    fi_index b0 = r->blocks * part / r->parts, b1 = r->blocks * (part + 1) / r->parts;
    fi_index lo = b0 * r->grain, hi = b1 * r->grain < r->n ? b1 * r->grain : r->n;
    (void)slot;
    if (hi > lo)
        r->fn(r->ctx, lo, hi);
}

void fi_pool_for(int nt, fi_index n, fi_index grain, fi_pool_range_fn fn, void *ctx) {
    if (n <= 0)
        return;
    if (grain < 1)
        grain = 1;
    fi_pool_range_job r = {fn, ctx, n, grain, (n + grain - 1) / grain, 0};
    if (nt <= 1 || r.blocks < 2) {
        fn(ctx, 0, n);
        return;
    }
    r.parts = (fi_index)nt * FI_POOL_RANGES_PER_THREAD;
    if (r.parts > r.blocks)
        r.parts = r.blocks;
    fi_pool_run(nt, r.parts, fi_pool_range_part, &r);
}

#if defined(_WIN32)
/* No team on Windows yet: every run is serial (same bits by the contract). */
static FI_THREAD_LOCAL int fi_pool_depth = 0;
void fi_pool_run(int nt, fi_index nparts, fi_pool_fn fn, void *ctx) {
    (void)nt;
    fi_pool_depth++;
    for (fi_index p = 0; p < nparts; p++)
        fn(ctx, p, 0);
    fi_pool_depth--;
}
int fi_pool_in_part(void) { return fi_pool_depth > 0; }
int fi_pool_workers(void) { return 0; }
long long fi_pool_team_runs(void) { return 0; }
int fi_pool_threaded(void) { return 0; }
#else

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FI_PAUSE() _mm_pause()
#else
#define FI_PAUSE() ((void)0)
#endif

#define FI_POOL_MAX_WORKERS 1023

/* fn and ctx are read only after a claim succeeded, which orders them after
 * the caller's writes; the other fields are atomics because a worker that
 * woke two generations late may read them while the caller rewrites them
 * (it then fails its claim and ignores what it read). */
typedef struct {
    fi_pool_fn fn;
    void *ctx;
    atomic_llong nparts;
    atomic_int nt;
    atomic_int cpu0;       /* the caller's processor: workers move off it */
    atomic_llong done;     /* parts finished */
} fi_pool_job;

static fi_pool_job fi_job_slot[2];
static _Atomic uint64_t fi_ticket;  /* generation << 32 | next part to claim */
static atomic_int fi_seq;           /* generation published last (the futex word) */
static atomic_int fi_sleepers;      /* workers in (or about to enter) a futex wait */
static atomic_int fi_busy;          /* a caller owns the team */
static atomic_int fi_nworkers;
static FI_THREAD_LOCAL int fi_pool_depth = 0; /* > 0: inside a part, or a worker */
#if !defined(__linux__)
static pthread_mutex_t fi_wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fi_wait_cv = PTHREAD_COND_INITIALIZER;
#endif

int fi_pool_in_part(void) { return fi_pool_depth > 0; }
static atomic_llong fi_team_runs;
int fi_pool_workers(void) { return atomic_load(&fi_nworkers); }
long long fi_pool_team_runs(void) { return atomic_load(&fi_team_runs); }
int fi_pool_threaded(void) { return 1; }

static double fi_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static void fi_wait_change(int seen) {
#if defined(__linux__)
    syscall(SYS_futex, &fi_seq, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
#else
    pthread_mutex_lock(&fi_wait_mu);
    while (atomic_load(&fi_seq) == seen)
        pthread_cond_wait(&fi_wait_cv, &fi_wait_mu);
    pthread_mutex_unlock(&fi_wait_mu);
#endif
}

static void fi_wake_all(void) {
#if defined(__linux__)
    syscall(SYS_futex, &fi_seq, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
#else
    pthread_mutex_lock(&fi_wait_mu);
    pthread_cond_broadcast(&fi_wait_cv);
    pthread_mutex_unlock(&fi_wait_mu);
#endif
}

/* OMP_WAIT_POLICY=passive (the variable users already set for threaded
 * libraries): workers sleep at once after each job, leaving the cores to
 * other work at the price of a wake-up per call.  Read once. */
static int fi_pool_passive(void) {
    static atomic_int policy = -1;
    int p = atomic_load_explicit(&policy, memory_order_relaxed);
    if (p < 0) {
        const char *env = getenv("OMP_WAIT_POLICY");
        p = env != NULL && strcasecmp(env, "passive") == 0;
        atomic_store_explicit(&policy, p, memory_order_relaxed);
    }
    return p;
}

/* Claims and runs parts of generation gen until none is left or the caller
 * has moved on. */
static void fi_pool_claim(uint32_t gen, int slot) {
    fi_pool_job *job = &fi_job_slot[gen & 1];
    for (;;) {
        uint64_t t = atomic_load(&fi_ticket);
        if ((uint32_t)(t >> 32) != gen)
            return;
        fi_index part = (fi_index)(t & 0xffffffffu);
        if (part >= (fi_index)atomic_load_explicit(&job->nparts, memory_order_relaxed))
            return;
        if (!atomic_compare_exchange_weak(&fi_ticket, &t, t + 1))
            continue;
        job->fn(job->ctx, part, slot);
        atomic_fetch_add(&job->done, 1);
    }
}

static void *fi_pool_worker(void *arg) {
    const int slot = (int)(intptr_t)arg;
    fi_pool_depth = 1; /* kernels called from parts run serially */
#if defined(__linux__)
    pthread_setname_np(pthread_self(), "fastinit-pool"); /* as top -H and /proc show it */
#endif
    int seen = atomic_load(&fi_seq);
    for (;;) {
        int seq = atomic_load(&fi_seq);
        if (seq == seen) {
            /* poll for a while: back-to-back calls find the worker awake;
             * then linger, yielding the core to any thread that wants it,
             * so that a call after a short pause finds it awake too */
            const int passive = fi_pool_passive();
            const double t0 = fi_now_us();
            const double spin_until = t0 + (passive ? 0 : FI_POOL_SPIN_US);
            const double linger_until = t0 + (passive ? 0 : FI_POOL_LINGER_US);
            for (int i = 0; (seq = atomic_load(&fi_seq)) == seen; i++) {
                FI_PAUSE();
                if ((i & 63) == 63 && fi_now_us() > spin_until)
                    break;
            }
            while (seq == seen && fi_now_us() < linger_until) {
                sched_yield();
                seq = atomic_load(&fi_seq);
            }
            if (seq == seen) {
                atomic_fetch_add(&fi_sleepers, 1);
                /* the caller bumps fi_seq before it reads fi_sleepers: this
                 * re-read or its wake-up sees the new job */
                if (atomic_load(&fi_seq) == seen)
                    fi_wait_change(seen);
                atomic_fetch_sub(&fi_sleepers, 1);
                continue;
            }
        }
        seen = seq;
        fi_pool_job *job = &fi_job_slot[(uint32_t)seq & 1];
        if (slot < atomic_load_explicit(&job->nt, memory_order_relaxed)) {
            int cpu0 = atomic_load_explicit(&job->cpu0, memory_order_relaxed);
            if (cpu0 >= 0)
                fi_spread_from(cpu0);
            fi_pool_claim((uint32_t)seq, slot);
        }
    }
    return NULL;
}

/* Grows the team to `want` workers (caller owns the team).  Workers block
 * every signal: SIGINT must reach Python's main thread.  A worker that
 * cannot be created leaves the team smaller, which changes no result. */
static void fi_pool_grow(int want) {
    if (want > FI_POOL_MAX_WORKERS)
        want = FI_POOL_MAX_WORKERS;
    int have = atomic_load(&fi_nworkers);
    if (have >= want)
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (; have < want; have++) {
        pthread_t th;
        if (pthread_create(&th, &attr, fi_pool_worker, (void *)(intptr_t)(have + 1)) != 0)
            break;
        atomic_store(&fi_nworkers, have + 1);
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void fi_pool_serial(fi_index nparts, fi_pool_fn fn, void *ctx) {
    fi_pool_depth++;
    for (fi_index p = 0; p < nparts; p++)
        fn(ctx, p, 0);
    fi_pool_depth--;
}

void fi_pool_run(int nt, fi_index nparts, fi_pool_fn fn, void *ctx) {
    if (nparts <= 0)
        return;
    if (nt > nparts)
        nt = nparts > FI_POOL_MAX_WORKERS + 1 ? FI_POOL_MAX_WORKERS + 1 : (int)nparts;
    if (nt <= 1 || nparts == 1 || fi_pool_depth > 0 || nparts >= ((fi_index)1 << 31) ||
        !fi_atomic_cas_int(&fi_busy, 0, 1)) {
        fi_pool_serial(nparts, fn, ctx);
        return;
    }
    fi_pool_grow(nt - 1);
    if (nt > atomic_load(&fi_nworkers) + 1)
        nt = atomic_load(&fi_nworkers) + 1;
    if (nt <= 1) {
        atomic_store(&fi_busy, 0);
        fi_pool_serial(nparts, fn, ctx);
        return;
    }
    atomic_fetch_add(&fi_team_runs, 1);
    uint32_t gen = (uint32_t)atomic_load(&fi_seq) + 1;
    fi_pool_job *job = &fi_job_slot[gen & 1];
    job->fn = fn;
    job->ctx = ctx;
    atomic_store_explicit(&job->nparts, nparts, memory_order_relaxed);
    atomic_store_explicit(&job->nt, nt, memory_order_relaxed);
    atomic_store_explicit(&job->cpu0, fi_current_cpu(), memory_order_relaxed);
    atomic_store(&job->done, 0);
    /* part 0 is the caller's: it starts at once */
    atomic_store(&fi_ticket, ((uint64_t)gen << 32) | 1u);
    atomic_store(&fi_seq, (int)gen);
    if (atomic_load(&fi_sleepers) > 0)
        fi_wake_all();

    fi_pool_depth++;
    fn(ctx, 0, 0);
    atomic_fetch_add(&job->done, 1);
    fi_pool_claim(gen, 0);
    fi_pool_depth--;
    /* every part is claimed: wait for those still running on workers */
    for (int i = 0; atomic_load(&job->done) < nparts; i++) {
        FI_PAUSE();
        if (i > 4096)
            sched_yield();
    }
    atomic_store(&fi_busy, 0);
}

/* ---- fork ------------------------------------------------------------------
 * The child has only the forking thread: no worker, and no lock may be held
 * by a thread that was not copied.  prepare takes the team (waiting for a
 * job in flight to finish) and the buffer cache's lock; the parent gives
 * them back; the child resets the team to "no workers", so its first call
 * that wants threads starts a fresh team (as OpenBLAS does), and
 * re-initialises the locks. */
static void fi_fork_prepare(void) {
    while (!fi_atomic_cas_int(&fi_busy, 0, 1))
        sched_yield();
    fi_bufcache_fork_prepare();
}

static void fi_fork_parent(void) {
    fi_bufcache_fork_parent();
    atomic_store(&fi_busy, 0);
}

static void fi_fork_child(void) {
    fi_bufcache_fork_child();
    atomic_store(&fi_nworkers, 0);
    atomic_store(&fi_sleepers, 0);
    atomic_store(&fi_seq, 0);
    atomic_store(&fi_ticket, 0);
#if !defined(__linux__)
    pthread_mutex_init(&fi_wait_mu, NULL);
    pthread_cond_init(&fi_wait_cv, NULL);
#endif
    atomic_store(&fi_busy, 0);
}

/* At load time, before any thread of fastinit's exists. */
__attribute__((constructor)) static void fi_pool_register_fork(void) {
    pthread_atfork(fi_fork_prepare, fi_fork_parent, fi_fork_child);
}
#endif
