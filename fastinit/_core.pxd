# The C API of csrc/, declared once for fastinit._core (_core.pyx and the
# _core_*.pxi it includes).  Every `cdef extern from` block lives here.
#
# The C enums are `cpdef enum`s: Python sees them as IntEnum classes
# (fastinit._core.fi_act, ...) whose values come from the C headers at
# compile time.  Each C enum ends with a FI_*_COUNT member, which _core.pyx
# compares with the members declared here at import, so a member added to a
# header without being declared here fails the import instead of going
# unseen by Python.

from libc.stdint cimport int64_t, uint16_t, uint32_t, uint64_t

cimport numpy as cnp

# ---- runtime: threads, Ctrl-C, scratch memory (runtime.c) --------------------
cdef extern from "core/fastinit.h" nogil:
    int fi_get_num_threads()
    void fi_set_num_threads(int n)
    int fi_get_thread_limit()
    void fi_set_thread_limit(int n)

cdef extern from "core/pool.h" nogil:
    int fi_pool_workers()
    long long fi_pool_team_runs()
    int fi_pool_threaded()
    int fi_interrupt_arm()
    int fi_interrupt_disarm()
    void *fi_aligned_alloc(size_t nbytes)
    void fi_aligned_free(void *p)

# ---- SIMD kernel set (cpu.h) -------------------------------------------------
cdef extern from "core/cpu.h" nogil:
    cpdef enum fi_isa:
        FI_ISA_GENERIC
        FI_ISA_AVX2
        FI_ISA_AVX512
    enum: FI_ISA_COUNT
    fi_isa fi_cpu_best_isa()
    fi_isa fi_active_isa()
    fi_isa fi_set_isa(fi_isa want)
    const char *fi_isa_name(fi_isa isa)
    int fi_isa_from_name(const char *name)

# The compiler setup.py found (FI_COMPILER), for build_info().
cdef extern from *:
    """
    #ifndef FI_COMPILER
    #define FI_COMPILER "unknown"
    #endif
    static const char *fi_compiler_name = FI_COMPILER;
    """
    const char *fi_compiler_name

# ---- the buffer cache (bufcache.h) as a NumPy memory handler -------------------
cdef extern from "core/bufcache.h" nogil:
    ctypedef struct fi_bufcache_stats:
        size_t limit
        size_t bytes
        int blocks
        unsigned long long hits
        unsigned long long misses
    size_t FI_BUFCACHE_MIN_BYTES
    size_t fi_bufcache_set_limit(size_t limit)
    void fi_bufcache_get_stats(fi_bufcache_stats *s)

# PyDataMem_Handler comes from numpy/arrayobject.h (cimported above), reached
# through NumPy's C-API table like PyDataMem_SetHandler (numpy's own .pxd).
cdef extern from *:
    """
    #include "core/bufcache.h"
    static void *fi_h_malloc(void *ctx, size_t n) { (void)ctx; return fi_bufcache_alloc(n); }
    static void *fi_h_calloc(void *ctx, size_t n, size_t s) {
        (void)ctx;
        return fi_bufcache_calloc(n, s);
    }
    static void *fi_h_realloc(void *ctx, void *p, size_t n) {
        (void)ctx;
        return fi_bufcache_realloc(p, n);
    }
    static void fi_h_free(void *ctx, void *p, size_t n) { (void)ctx; (void)n; fi_bufcache_free(p); }
    static PyDataMem_Handler fi_cache_handler = {
        "fastinit_buffer_cache", 1,
        {NULL, fi_h_malloc, fi_h_calloc, fi_h_realloc, fi_h_free}};
    static PyObject *fi_cache_handler_capsule(void) {
        return PyCapsule_New(&fi_cache_handler, "mem_handler", NULL);
    }
    """
    object fi_cache_handler_capsule()

# ---- 16-bit float formats (half.h) --------------------------------------------
cdef extern from "core/half.h" nogil:
    cpdef enum fi_out_fmt:
        FI_OUT_F32
        FI_OUT_F16
        FI_OUT_BF16
    enum: FI_OUT_FMT_COUNT

# ---- random numbers (distributions.h) ------------------------------------------
cdef extern from "random/distributions.h" nogil:
    cpdef enum fi_dist_kind:
        FI_DIST_UNIFORM
        FI_DIST_NORMAL
        FI_DIST_TRUNCATED_NORMAL
    enum: FI_DIST_COUNT
    ctypedef struct fi_rng:
        uint32_t key[2]
        uint64_t stream
        uint64_t start
    void fi_philox_words(const fi_rng *g, uint64_t block, Py_ssize_t nblocks, uint32_t *out)
    void fi_uniform_f32(const fi_rng *g, uint64_t offset, Py_ssize_t n, float low, float high,
                        float *out)
    void fi_uniform_f64(const fi_rng *g, uint64_t offset, Py_ssize_t n, double low, double high,
                        double *out)
    void fi_normal_f32(const fi_rng *g, uint64_t offset, Py_ssize_t n, float mean, float std,
                       float *out)
    void fi_normal_f64(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean, double std,
                       double *out)
    void fi_truncated_normal_f32(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean,
                                 double std, double a, double b, float *out)
    void fi_truncated_normal_f64(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean,
                                 double std, double a, double b, double *out)
    void fi_uniform_h16(const fi_rng *g, uint64_t offset, Py_ssize_t n, float low, float high,
                        int fmt, void *out)
    void fi_normal_h16(const fi_rng *g, uint64_t offset, Py_ssize_t n, float mean, float std,
                       int fmt, void *out)
    void fi_truncated_normal_h16(const fi_rng *g, uint64_t offset, Py_ssize_t n, double mean,
                                 double std, double a, double b, int fmt, void *out)
    void fi_round_f32_h16(Py_ssize_t n, const float *inp, int fmt, uint16_t *out)
    const char *fi_bf16_store_name()
    void fi_integers_i64(const fi_rng *g, uint64_t offset, Py_ssize_t n, int64_t low,
                         uint64_t range, int64_t *out)
    double fi_ndtri(double p)
    double fi_normal_cdf(double x)

# ---- activations and column sums (elementwise.h) ---------------------------------
cdef extern from "elementwise/elementwise.h" nogil:
    cpdef enum fi_act:
        FI_ACT_IDENTITY
        FI_ACT_SIGMOID
        FI_ACT_TANH
        FI_ACT_RELU
        FI_ACT_LEAKY_RELU
    enum: FI_ACT_COUNT
    void fi_act_forward_f32(int act, float slope, Py_ssize_t n, const float *x, float *y)
    void fi_act_forward_f64(int act, double slope, Py_ssize_t n, const double *x, double *y)
    void fi_act_backward_f32(int act, float slope, Py_ssize_t n, const float *dout,
                             const float *saved, float *dx)
    void fi_act_backward_f64(int act, double slope, Py_ssize_t n, const double *dout,
                             const double *saved, double *dx)
    void fi_bias_act_f32(int act, float slope, Py_ssize_t m, Py_ssize_t n, const float *bias,
                         float *y, Py_ssize_t ldy)
    void fi_bias_act_f64(int act, double slope, Py_ssize_t m, Py_ssize_t n, const double *bias,
                         double *y, Py_ssize_t ldy)
    void fi_sum_rows_f32(Py_ssize_t m, Py_ssize_t n, const float *x, Py_ssize_t ldx, float *out)
    void fi_sum_rows_f64(Py_ssize_t m, Py_ssize_t n, const double *x, Py_ssize_t ldx, double *out)

# ---- softmax and cross-entropy (loss.h) ---------------------------------------
cdef extern from "nn/loss.h" nogil:
    const Py_ssize_t FI_XENT_CHUNK_ROWS
    void fi_softmax_f32(Py_ssize_t m, Py_ssize_t n, const float *x, float *y)
    void fi_softmax_f64(Py_ssize_t m, Py_ssize_t n, const double *x, double *y)
    double fi_softmax_xent_acc_f32(Py_ssize_t m, Py_ssize_t n, const float *logits,
                                   const int64_t *labels, const float *onehot, float *probs,
                                   double acc)
    double fi_softmax_xent_acc_f64(Py_ssize_t m, Py_ssize_t n, const double *logits,
                                   const int64_t *labels, const double *onehot, double *probs,
                                   double acc)
    void fi_softmax_xent_backward_f32(Py_ssize_t m, Py_ssize_t n, const float *probs,
                                      const int64_t *labels, const float *onehot, float scale,
                                      float *dx)
    void fi_softmax_xent_backward_f64(Py_ssize_t m, Py_ssize_t n, const double *probs,
                                      const int64_t *labels, const double *onehot,
                                      double scale, double *dx)

# ---- matrix products (gemm.h) ------------------------------------------------
cdef extern from "gemm/gemm.h" nogil:
    ctypedef struct fi_epilogue:
        const void *bias
        int act
        double slope
    void fi_gemm_ex_f32(int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, float alpha,
                        const float *a, Py_ssize_t lda, const float *b, Py_ssize_t ldb,
                        float beta, float *c, Py_ssize_t ldc, const fi_epilogue *ep)
    void fi_gemm_ex_f64(int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, double alpha,
                        const double *a, Py_ssize_t lda, const double *b, Py_ssize_t ldb,
                        double beta, double *c, Py_ssize_t ldc, const fi_epilogue *ep)
    ctypedef struct fi_gemm_resume:
        Py_ssize_t done
        Py_ssize_t band
        int isa
        int stopped
    void fi_gemm_resumable_f32(int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                               float alpha, const float *a, Py_ssize_t lda, const float *b,
                               Py_ssize_t ldb, float beta, float *c, Py_ssize_t ldc,
                               const fi_epilogue *ep, fi_gemm_resume *r)
    void fi_gemm_resumable_f64(int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                               double alpha, const double *a, Py_ssize_t lda, const double *b,
                               Py_ssize_t ldb, double beta, double *c, Py_ssize_t ldc,
                               const fi_epilogue *ep, fi_gemm_resume *r)
    int fi_gemm_row_grain_f32()
    int fi_gemm_row_grain_f64()

# ---- optimizer updates (optim.h) -----------------------------------------------
cdef extern from "nn/optim.h" nogil:
    cpdef enum fi_opt_kind:
        FI_OPT_NONE
        FI_OPT_SGD
        FI_OPT_MOMENTUM
        FI_OPT_ADAGRAD
        FI_OPT_ADAM
    enum: FI_OPT_COUNT
    ctypedef struct fi_optimizer:
        int kind
        double lr
        double momentum
        double beta1
        double beta2
        double eps
    void fi_optim_update_f32(const fi_optimizer *opt, Py_ssize_t n, float *p, const float *g,
                             float *s1, float *s2)
    void fi_optim_update_f64(const fi_optimizer *opt, Py_ssize_t n, double *p,
                             const double *g, double *s1, double *s2)

# ---- the fused training step (mlp.h) --------------------------------------------
cdef extern from "nn/mlp.h" nogil:
    ctypedef struct fi_mlp_spec:
        int n_layers
        const Py_ssize_t *sizes
        int act
        double slope
        double weight_decay
    size_t fi_mlp_workspace_bytes(const fi_mlp_spec *spec, Py_ssize_t batch, size_t elem,
                                  int gather)
    double fi_mlp_step_f32(const fi_mlp_spec *spec, Py_ssize_t batch, const float *x,
                           const int64_t *labels, const float *onehot, const int64_t *rows,
                           float **params, float **grads, float **s1, float **s2,
                           const fi_optimizer *opt, void *work)
    double fi_mlp_step_f64(const fi_mlp_spec *spec, Py_ssize_t batch, const double *x,
                           const int64_t *labels, const double *onehot, const int64_t *rows,
                           double **params, double **grads, double **s1, double **s2,
                           const fi_optimizer *opt, void *work)

# ---- activation histograms (histogram.h) ----------------------------------------
cdef extern from "histogram/histogram.h" nogil:
    const int FI_HIST_EXTRA
    ctypedef struct fi_hist_plan:
        pass
    ctypedef struct fi_hist_summary:
        int64_t zeros, low_tail, high_tail
        double sum[4]
        double sumsq[4]
    int fi_hist_plan_init(fi_hist_plan *plan, const double *edges, int64_t bins,
                          int skip_zeros, double low_cut, double high_cut)
    void fi_histogram_f32(const fi_hist_plan *plan, const float *x, size_t n,
                          int64_t *counts, fi_hist_summary *s)
    void fi_histogram_f64(const fi_hist_plan *plan, const double *x, size_t n,
                          int64_t *counts, fi_hist_summary *s)
