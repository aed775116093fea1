/* LeakSanitizer driver for csrc/: calls every kernel family (each SIMD set
 * the CPU has, from the main thread and from short-lived threads, so the
 * per-thread GEMM workspace is created, grown and released), then exits.
 *
 * Built and run by scripts/sanitize.sh with -fsanitize=address,undefined and
 * detect_leaks=1.  Python is not involved, so any leak reported is ours.
 * Returns non-zero if a result is obviously wrong (not a test of accuracy:
 * the pytest suite does that). */
#define _POSIX_C_SOURCE 200112L /* sigaction */
#include "core/cpu.h"
#include "core/half.h"
#include "random/distributions.h"
#include "elementwise/elementwise.h"
#include "core/fastinit.h"
#include "gemm/gemm.h"
#include "nn/loss.h"
#include "nn/mlp.h"
#include "nn/optim.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "leak_driver: check failed at line %d: %s\n", __LINE__, #cond);    \
            exit(2);                                                                           \
        }                                                                                      \
    } while (0)

static void fill(fi_index n, double *x, unsigned seed) {
    for (fi_index i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = ((double)(seed >> 8) / (double)(1u << 24)) * 2.0 - 1.0;
    }
}

static void run_gemm(fi_index m, fi_index n, fi_index k) {
    double *a = malloc(sizeof(double) * (size_t)(m * k + 1));
    double *b = malloc(sizeof(double) * (size_t)(k * n + 1));
    double *c = malloc(sizeof(double) * (size_t)(m * n + 1));
    float *af = malloc(sizeof(float) * (size_t)(m * k + 1));
    float *bf = malloc(sizeof(float) * (size_t)(k * n + 1));
    float *cf = malloc(sizeof(float) * (size_t)(m * n + 1));
    double *bias = malloc(sizeof(double) * (size_t)(n + 1));
    CHECK(a && b && c && af && bf && cf && bias);
    fill(m * k, a, 1);
    fill(k * n, b, 2);
    fill(n, bias, 3);
    for (fi_index i = 0; i < m * k; i++) af[i] = (float)a[i];
    for (fi_index i = 0; i < k * n; i++) bf[i] = (float)b[i];
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            fi_epilogue ep = {bias, FI_ACT_TANH, 0.0};
            fi_gemm_ex_f64(ta, tb, m, n, k, 1.0, a, ta ? m : k, b, tb ? k : n, 0.0, c, n, &ep);
            fi_gemm_f32(ta, tb, m, n, k, 1.0f, af, ta ? m : k, bf, tb ? k : n, 0.0f, cf, n);
        }
    /* spot check one element of the last (both transposed) product */
    double want = 0;
    for (fi_index p = 0; p < k; p++) want += (double)af[p * m] * (double)bf[p];
    CHECK(fabs(want - cf[0]) <= 1e-3 * (1 + fabs(want)));
    free(a), free(b), free(c), free(af), free(bf), free(cf), free(bias);
}

static void fi_ignore_signal(int sig) { (void)sig; }

/* An interruptible product stopped after every band (SIGINT raised before
 * each call) and resumed until done: the same bits as one plain call. */
static void run_interrupted_gemm(fi_index m, fi_index n, fi_index k) {
    double *a = malloc(sizeof(double) * (size_t)(m * k));
    double *b = malloc(sizeof(double) * (size_t)(k * n));
    double *c = malloc(sizeof(double) * (size_t)(m * n));
    double *ref = malloc(sizeof(double) * (size_t)(m * n));
    double *bias = malloc(sizeof(double) * (size_t)n);
    CHECK(a && b && c && ref && bias);
    fill(m * k, a, 12);
    fill(k * n, b, 13);
    fill(m * n, c, 14);
    fill(n, bias, 15);
    for (fi_index i = 0; i < m * n; i++) ref[i] = c[i];
    fi_epilogue ep = {bias, FI_ACT_TANH, 0.0};
    fi_gemm_ex_f64(0, 1, m, n, k, 0.5, a, k, b, k, -2.0, ref, n, &ep);
    struct sigaction sa, old; /* fi_ignore_signal stands in for Python's handler */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fi_ignore_signal;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGINT, &sa, &old) == 0);
    fi_gemm_resume r = {0, 0, 0, 0};
    int calls = 0;
    do {
        CHECK(fi_interrupt_arm());
        raise(SIGINT);
        CHECK(fi_interrupt_pending());
        fi_gemm_resumable_f64(0, 1, m, n, k, 0.5, a, k, b, k, -2.0, c, n, &ep, &r);
        CHECK(fi_interrupt_disarm() == 1 && !fi_interrupt_pending());
        calls++;
    } while (r.stopped == 1);
    sigaction(SIGINT, &old, NULL);
    CHECK(r.stopped == 0 && calls > 2);
    for (fi_index i = 0; i < m * n; i++) CHECK(c[i] == ref[i]);
    free(a), free(b), free(c), free(ref), free(bias);
}

static void run_elementwise(fi_index n) {
    double *x = malloc(sizeof(double) * (size_t)n), *y = malloc(sizeof(double) * (size_t)n);
    double *d = malloc(sizeof(double) * (size_t)n);
    CHECK(x && y && d);
    fill(n, x, 4);
    fill(n, d, 5);
    for (int act = FI_ACT_IDENTITY; act <= FI_ACT_LEAKY_RELU; act++) {
        fi_act_forward_f64(act, 0.1, n, x, y);
        fi_act_backward_f64(act, 0.1, n, d, y, y);
        fi_act_forward_f32(act, 0.1f, n / 2, (const float *)x, (float *)y);
    }
    fi_sum_rows_f64(n / 16, 16, x, 16, y);
    fi_sum_rows_f32(n / 16, 16, (const float *)x, 16, (float *)y);
    free(x), free(y), free(d);
}

static void run_loss(fi_index m, fi_index n) {
    double *x = malloc(sizeof(double) * (size_t)(m * n));
    double *p = malloc(sizeof(double) * (size_t)(m * n));
    int64_t *labels = malloc(sizeof(int64_t) * (size_t)m);
    CHECK(x && p && labels);
    fill(m * n, x, 6);
    for (fi_index i = 0; i < m; i++) labels[i] = i % n;
    fi_softmax_f64(m, n, x, p);
    double loss = fi_softmax_xent_f64(m, n, x, labels, NULL, p);
    CHECK(loss > 0 && isfinite(loss));
    fi_softmax_xent_backward_f64(m, n, p, labels, NULL, 1.0 / (double)m, p);
    free(x), free(p), free(labels);
}

static void run_mlp(void) {
    const fi_index sizes[] = {20, 16, 16, 5}, batch = 8;
    fi_mlp_spec spec = {3, sizes, FI_ACT_RELU, 0.0, 1e-4};
    double *params[6], *grads[6], *s1[6], *s2[6];
    for (int l = 0; l < 3; l++) {
        fi_index nw = sizes[l] * sizes[l + 1], nb = sizes[l + 1];
        fi_index len[2] = {nw, nb};
        for (int j = 0; j < 2; j++) {
            params[2 * l + j] = calloc((size_t)len[j], sizeof(double));
            grads[2 * l + j] = calloc((size_t)len[j], sizeof(double));
            s1[2 * l + j] = calloc((size_t)len[j], sizeof(double));
            s2[2 * l + j] = calloc((size_t)len[j], sizeof(double));
            CHECK(params[2 * l + j] && grads[2 * l + j] && s1[2 * l + j] && s2[2 * l + j]);
            fill(len[j], params[2 * l + j], 7 + (unsigned)l);
        }
    }
    double x[8 * 20];
    int64_t labels[8];
    fill(8 * 20, x, 11);
    for (int i = 0; i < 8; i++) labels[i] = i % 5;
    void *work = fi_aligned_alloc(fi_mlp_workspace_bytes(&spec, batch, sizeof(double), 0));
    CHECK(work);
    fi_optimizer opt = {FI_OPT_ADAM, 1e-3, 0.9, 0.9, 0.999, 1e-8};
    for (int step = 0; step < 5; step++) {
        double loss = fi_mlp_step_f64(&spec, batch, x, labels, NULL, NULL, params, grads, s1, s2,
                                      &opt, work);
        CHECK(isfinite(loss));
    }
    fi_optim_update_f64(&opt, 16, params[1], grads[1], s1[1], s2[1]);
    fi_aligned_free(work);
    for (int i = 0; i < 6; i++) free(params[i]), free(grads[i]), free(s1[i]), free(s2[i]);
}

static void run_random(fi_index n) {
    fi_rng g = {{12345u, 678u}, 3, 0};
    double *d = malloc(sizeof(double) * (size_t)n);
    float *f = malloc(sizeof(float) * (size_t)n);
    int64_t *i64 = malloc(sizeof(int64_t) * (size_t)n);
    uint32_t *w = malloc(sizeof(uint32_t) * 4 * (size_t)n);
    CHECK(d && f && i64 && w);
    for (uint64_t offset = 0; offset < 3; offset++) { /* unaligned starts too */
        fi_uniform_f32(&g, offset, n - (fi_index)offset, -1.0f, 1.0f, f);
        fi_uniform_f64(&g, offset, n - (fi_index)offset, -1.0, 1.0, d);
        fi_normal_f32(&g, offset, n - (fi_index)offset, 0.0f, 1.0f, f);
        fi_normal_f64(&g, offset, n - (fi_index)offset, 0.0, 1.0, d);
        fi_truncated_normal_f32(&g, offset, n - (fi_index)offset, 0.0, 1.0, -2.0, 2.0, f);
        fi_truncated_normal_f64(&g, offset, n - (fi_index)offset, 0.0, 1.0, -2.0, 2.0, d);
        fi_integers_i64(&g, offset, n - (fi_index)offset, -5, 10, i64);
        for (int fmt = FI_OUT_F16; fmt <= FI_OUT_BF16; fmt++) { /* 16-bit stores into f */
            fi_uniform_h16(&g, offset, n - (fi_index)offset, -1.0f, 1.0f, fmt, f);
            fi_normal_h16(&g, offset, n - (fi_index)offset, 0.0f, 1e-39f, fmt, f);
            fi_truncated_normal_h16(&g, offset, n - (fi_index)offset, 0.0, 1.0, -2.0, 2.0, fmt, f);
            fi_round_f32_h16(n / 2, (const float *)d, fmt, (uint16_t *)f);
        }
    }
    fi_philox_words(&g, 0, n, w);
    CHECK(isfinite(d[0]) && fabs(d[0]) <= 2.0 && i64[0] >= -5 && i64[0] < 5);
    free(d), free(f), free(i64), free(w);
}

static void *thread_body(void *arg) {
    (void)arg;
    run_gemm(300, 200, 250); /* this thread's workspace is freed when it exits */
    run_loss(64, 10);
    return NULL;
}

int main(void) {
    fi_isa best = fi_cpu_best_isa();
    for (int isa = FI_ISA_GENERIC; isa <= (int)best; isa++) {
        fi_set_isa((fi_isa)isa);
        for (int threads = 1; threads <= 2; threads++) {
            fi_set_num_threads(threads);
            run_gemm(1, 1, 1);
            run_gemm(17, 3, 129);
            run_gemm(129, 257, 65);
            run_gemm(700, 600, 500); /* grows the workspace */
            run_interrupted_gemm(700, 300, 600);
            run_elementwise(1 << 18);
            run_loss(300, 17);
            run_mlp();
            run_random(100003);
            run_random(5);
        }
        pthread_t t[3];
        for (int i = 0; i < 3; i++) CHECK(pthread_create(&t[i], NULL, thread_body, NULL) == 0);
        for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    }
    printf("leak_driver: kernels ran for %s and below\n", fi_isa_name(best));
    return 0;
}
