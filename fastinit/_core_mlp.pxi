# Included by _core.pyx: Cython bridge to csrc/nn/mlp.h (fused training step) and
# csrc/nn/optim.h.
#
# Arguments arrive validated by fastinit.net / fastinit.optim; this layer holds
# raw pointers, the workspace and releases the GIL.


cdef inline void _set_opt(fi_optimizer *o, int kind, double lr, double momentum, double beta1,
                          double beta2, double eps) noexcept:
    o.kind = kind
    o.lr = lr
    o.momentum = momentum
    o.beta1 = beta1
    o.beta2 = beta2
    o.eps = eps


def optim_update(int kind, double lr, double momentum, double beta1, double beta2, double eps,
                 floating[::1] p, const floating[::1] g, floating[::1] s1, floating[::1] s2):
    """One optimizer update of one parameter, in place (s1/s2 may be None)."""
    cdef fi_optimizer o
    _set_opt(&o, kind, lr, momentum, beta1, beta2, eps)
    cdef Py_ssize_t n = p.shape[0]
    if n == 0:
        return
    cdef floating *p1 = NULL if s1 is None else &s1[0]
    cdef floating *p2 = NULL if s2 is None else &s2[0]
    with nogil:
        if floating is float:
            fi_optim_update_f32(&o, n, &p[0], &g[0], p1, p2)
        else:
            fi_optim_update_f64(&o, n, &p[0], &g[0], p1, p2)


cdef void *_data(object a):
    """Address of a validated C-contiguous ndarray (None -> NULL)."""
    if a is None:
        return NULL
    return cnp.PyArray_DATA(<cnp.ndarray> a)


cdef bint _plain(object a, int typenum, int ndim):
    """a is an ndarray (not a subclass) of that type and ndim, C-contiguous,
    aligned and in native byte order: its data can be read as it is."""
    if type(a) is not np.ndarray:
        return False
    cdef cnp.ndarray arr = <cnp.ndarray> a
    return (cnp.PyArray_TYPE(arr) == typenum and cnp.PyArray_NDIM(arr) == ndim
            and cnp.PyArray_IS_C_CONTIGUOUS(arr) and cnp.PyArray_ISBEHAVED_RO(arr))


cdef class FusedMLP:
    """Pointers to a net's parameters, gradients and optimizer state, and
    the workspace of the fused step, sized for one batch size (and for
    gathering the batch or not) and reallocated only when that changes."""
    cdef fi_mlp_spec spec
    cdef Py_ssize_t *sizes
    cdef void **ptrs           # 4 * 2L: params, grads, state1, state2
    cdef void *work
    cdef readonly Py_ssize_t batch
    cdef readonly bint gather
    cdef readonly size_t workspace_bytes
    cdef bint f64
    cdef object _keep          # the arrays whose pointers are held

    def __cinit__(self, sizes, int act, double slope, double weight_decay, dtype):
        cdef int L = len(sizes) - 1
        self.sizes = <Py_ssize_t *> calloc(L + 1, sizeof(Py_ssize_t))
        self.ptrs = <void **> calloc(8 * L, sizeof(void *))
        if self.sizes == NULL or self.ptrs == NULL:
            raise MemoryError()
        for i in range(L + 1):
            self.sizes[i] = sizes[i]
        self.spec.n_layers = L
        self.spec.sizes = self.sizes
        self.spec.act = act
        self.spec.slope = slope
        self.spec.weight_decay = weight_decay
        self.f64 = np.dtype(dtype) == np.float64
        self.batch = -1
        self.work = NULL
        self.workspace_bytes = 0
        self._keep = ()

    def __dealloc__(self):
        fi_aligned_free(self.work)
        free(self.sizes)
        free(self.ptrs)

    property weight_decay:
        def __get__(self):
            return self.spec.weight_decay
        def __set__(self, double value):
            self.spec.weight_decay = value

    def bind(self, params, grads, state1, state2):
        """Hold the data pointers of 2L arrays each (state lists may be None)."""
        cdef int n = 2 * self.spec.n_layers
        groups = (params, grads, state1, state2)
        for g in range(4):
            for i in range(n):
                self.ptrs[g * n + i] = NULL if groups[g] is None else _data(groups[g][i])
        self._keep = groups

    cdef int _reserve(self, Py_ssize_t batch, bint gather) except -1:
        if batch == self.batch and gather == self.gather:
            return 0
        cdef size_t nbytes = fi_mlp_workspace_bytes(&self.spec, batch, 8 if self.f64 else 4,
                                                    gather)
        fi_aligned_free(self.work)
        self.work = fi_aligned_alloc(nbytes if nbytes else 64)
        if self.work == NULL:
            self.batch = -1
            self.workspace_bytes = 0
            raise MemoryError(f"fused step workspace of {nbytes} bytes")
        self.batch = batch
        self.gather = gather
        self.workspace_bytes = nbytes
        return 0

    def step(self, x, labels, onehot, bint with_state, int kind, double lr, double momentum,
             double beta1, double beta2, double eps, rows=None):
        """Forward, backward and update on the bound arrays; returns the loss.
        x: (n, sizes[0]) C-contiguous; labels int64 (n,) or onehot (n, classes).
        The batch is all n rows, or with rows (int64 indices) those rows,
        gathered inside the step."""
        cdef fi_optimizer o
        _set_opt(&o, kind, lr, momentum, beta1, beta2, eps)
        return self._run(x, labels, onehot, with_state, &o, rows)

    def sgd_step(self, x, t, params, keys, double lr, double weight_decay, rows=None,
                 bint labels_checked=False):
        """``step`` for SGD, or None when the arrays need the caller's
        checks: x must be a C-contiguous ndarray of the net's dtype and shape
        (n, sizes[0]), t int64 labels (n,) (len(x) with rows) in range
        (unless labels_checked), and params[keys[i]] the bound arrays.
        Checks at C level what fastinit.net checks in Python, which costs
        ~5% of the seed net's step there (cold Python after 0.5 ms of GEMM)."""
        if not self._keep:
            return None
        bound = self._keep[0]
        cdef Py_ssize_t i, n = len(keys)
        if n != 2 * self.spec.n_layers:
            return None
        for i in range(n):
            if params[keys[i]] is not bound[i]:
                return None
        if not _plain(x, cnp.NPY_FLOAT64 if self.f64 else cnp.NPY_FLOAT32, 2):
            return None
        if cnp.PyArray_DIM(<cnp.ndarray> x, 1) != self.sizes[0]:
            return None
        n = cnp.PyArray_DIM(<cnp.ndarray> x, 0)
        if n < 1 or not _plain(t, cnp.NPY_INT64, 1) or cnp.PyArray_DIM(<cnp.ndarray> t, 0) != n:
            return None
        cdef const int64_t *pt = <const int64_t *> _data(t)
        cdef uint64_t classes = <uint64_t> self.sizes[self.spec.n_layers]
        if not labels_checked:
            for i in range(n):
                if <uint64_t> pt[i] >= classes:  # a negative label is a huge unsigned one
                    return None
        self.spec.weight_decay = weight_decay
        cdef fi_optimizer o
        _set_opt(&o, FI_OPT_SGD, lr, 0.0, 0.0, 0.0, 0.0)
        return self._run(x, t, None, False, &o, rows)

    cdef object _run(self, x, labels, onehot, bint with_state, const fi_optimizer *o, rows):
        cdef Py_ssize_t batch = x.shape[0]
        cdef const int64_t[::1] r
        cdef const int64_t *pr = NULL
        cdef Py_ssize_t i, n_x = x.shape[0]
        if rows is not None:
            r = rows
            batch = r.shape[0]
            for i in range(batch):
                if r[i] < 0 or r[i] >= n_x:
                    raise IndexError(f"rows[{i}] = {r[i]} is out of range for {n_x} samples")
            if batch:
                pr = &r[0]
        self._reserve(batch, pr != NULL)
        cdef int n = 2 * self.spec.n_layers
        cdef void **p = self.ptrs
        cdef void **s1 = p + 2 * n if with_state else NULL
        cdef void **s2 = p + 3 * n if with_state else NULL
        cdef const void *px = _data(x)
        cdef const int64_t *pl = <const int64_t *> _data(labels)
        cdef const void *pt = _data(onehot)
        cdef double loss
        with nogil:
            if self.f64:
                loss = fi_mlp_step_f64(&self.spec, batch, <const double *> px, pl,
                                       <const double *> pt, pr, <double **> p,
                                       <double **> (p + n), <double **> s1, <double **> s2,
                                       o, self.work)
            else:
                loss = fi_mlp_step_f32(&self.spec, batch, <const float *> px, pl,
                                       <const float *> pt, pr, <float **> p, <float **> (p + n),
                                       <float **> s1, <float **> s2, o, self.work)
        return loss
