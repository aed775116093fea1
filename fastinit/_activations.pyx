# cython: freethreading_compatible = True
"""Cython bridge to csrc/elementwise.h and csrc/loss.h (validated inputs)."""
from cython cimport floating
from libc.stdint cimport int64_t

cdef extern from "elementwise.h" nogil:
    void fi_act_forward_f32(int act, float slope, Py_ssize_t n, const float *x, float *y)
    void fi_act_forward_f64(int act, double slope, Py_ssize_t n, const double *x, double *y)
    void fi_act_backward_f32(int act, float slope, Py_ssize_t n, const float *dout,
                             const float *saved, float *dx)
    void fi_act_backward_f64(int act, double slope, Py_ssize_t n, const double *dout,
                             const double *saved, double *dx)

cdef extern from "loss.h" nogil:
    void fi_softmax_f32(Py_ssize_t m, Py_ssize_t n, const float *x, float *y)
    void fi_softmax_f64(Py_ssize_t m, Py_ssize_t n, const double *x, double *y)
    double fi_softmax_xent_f32(Py_ssize_t m, Py_ssize_t n, const float *logits,
                               const int64_t *labels, const float *onehot, float *probs)
    double fi_softmax_xent_f64(Py_ssize_t m, Py_ssize_t n, const double *logits,
                               const int64_t *labels, const double *onehot, double *probs)
    void fi_softmax_xent_backward_f32(Py_ssize_t m, Py_ssize_t n, const float *probs,
                                      const int64_t *labels, const float *onehot, float scale,
                                      float *dx)
    void fi_softmax_xent_backward_f64(Py_ssize_t m, Py_ssize_t n, const double *probs,
                                      const int64_t *labels, const double *onehot,
                                      double scale, double *dx)


def act_forward(int act, double slope, const floating[::1] x, floating[::1] y):
    cdef Py_ssize_t n = x.shape[0]
    if n == 0:
        return
    with nogil:
        if floating is float:
            fi_act_forward_f32(act, <float>slope, n, &x[0], &y[0])
        else:
            fi_act_forward_f64(act, slope, n, &x[0], &y[0])


def act_backward(int act, double slope, const floating[::1] dout, const floating[::1] saved,
                 floating[::1] dx):
    cdef Py_ssize_t n = dout.shape[0]
    if n == 0:
        return
    with nogil:
        if floating is float:
            fi_act_backward_f32(act, <float>slope, n, &dout[0], &saved[0], &dx[0])
        else:
            fi_act_backward_f64(act, slope, n, &dout[0], &saved[0], &dx[0])


def softmax(const floating[:, ::1] x, floating[:, ::1] y):
    cdef Py_ssize_t m = x.shape[0], n = x.shape[1]
    if m == 0 or n == 0:
        return
    with nogil:
        if floating is float:
            fi_softmax_f32(m, n, &x[0, 0], &y[0, 0])
        else:
            fi_softmax_f64(m, n, &x[0, 0], &y[0, 0])


def softmax_xent(const floating[:, ::1] logits, const int64_t[::1] labels,
                 const floating[:, ::1] onehot, floating[:, ::1] probs):
    """Exactly one of labels / onehot is None.  Returns the mean loss."""
    cdef Py_ssize_t m = logits.shape[0], n = logits.shape[1]
    cdef double loss = 0.0
    if m == 0 or n == 0:
        return float("nan") if m == 0 else 0.0
    cdef const int64_t *pl = NULL if labels is None else &labels[0]
    cdef const floating *pt = NULL if onehot is None else &onehot[0, 0]
    with nogil:
        if floating is float:
            loss = fi_softmax_xent_f32(m, n, &logits[0, 0], pl, pt, &probs[0, 0])
        else:
            loss = fi_softmax_xent_f64(m, n, &logits[0, 0], pl, pt, &probs[0, 0])
    return loss


def softmax_xent_backward(const floating[:, ::1] probs, const int64_t[::1] labels,
                          const floating[:, ::1] onehot, double scale, floating[:, ::1] dx):
    cdef Py_ssize_t m = probs.shape[0], n = probs.shape[1]
    if m == 0 or n == 0:
        return
    cdef const int64_t *pl = NULL if labels is None else &labels[0]
    cdef const floating *pt = NULL if onehot is None else &onehot[0, 0]
    with nogil:
        if floating is float:
            fi_softmax_xent_backward_f32(m, n, &probs[0, 0], pl, pt, <float>scale, &dx[0, 0])
        else:
            fi_softmax_xent_backward_f64(m, n, &probs[0, 0], pl, pt, scale, &dx[0, 0])
