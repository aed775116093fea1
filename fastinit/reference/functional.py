"""Pure-NumPy twins of every :mod:`fastinit.ops` function.

Same signatures, same semantics, plain NumPy: this module is the spec the
compiled kernels are compared against (tests) and the baseline they are
timed against (benchmarks).  Results keep the input dtype; ``out=`` (when
given) receives the result, which is also returned.  Input checking is
deliberately minimal: the compiled API does the validation.

Numerical conventions shared with the kernels:

* sigmoid uses the overflow-free form ``exp(-|x|)``, so it is exactly 0.5 at
  0, saturates to exactly 0 / 1, and never warns;
* relu is ``np.maximum(0, x)`` (NaN propagates; -0.0 stays -0.0), leaky_relu
  ``where(x > 0, x, slope * x)``;
* backward kernels are the literal products written in their docstrings,
  evaluated left to right (``dout * y * (1 - y)``), so the compiled kernels
  reproduce them bit for bit;
* softmax subtracts the row maximum; the cross-entropy is the exact
  log-softmax (no epsilon), accumulated in float64, averaged over the batch.
"""
from __future__ import annotations

from typing import Any, Callable, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = [
    "matmul", "affine", "sum_rows",
    "identity", "sigmoid", "tanh", "relu", "leaky_relu",
    "sigmoid_backward", "tanh_backward", "relu_backward", "leaky_relu_backward",
    "activation", "activation_backward",
    "softmax", "softmax_cross_entropy", "softmax_cross_entropy_backward",
]

#: A float32/float64 array (what every function here computes on and returns).
FloatArray = NDArray[np.floating[Any]]
#: The activation names of ``activation`` / ``activation_backward``.
ActivationName = Literal["identity", "sigmoid", "tanh", "relu", "leaky_relu"]


def _store(res: FloatArray, out: FloatArray | None) -> FloatArray:
    """Return res, or copy it into the caller's out= and return that."""
    if out is None:
        return res
    np.copyto(out, res)
    return out


# --------------------------------------------------------------------------
# Linear algebra
# --------------------------------------------------------------------------

def matmul(a: ArrayLike, b: ArrayLike, out: FloatArray | None = None, *, trans_a: bool = False,
           trans_b: bool = False, alpha: float = 1.0, beta: float = 0.0) -> FloatArray:
    """``alpha * op(a) @ op(b) + beta * out`` (op transposes when asked)."""
    a = np.asarray(a)
    b = np.asarray(b)
    a = a.T if trans_a else a
    b = b.T if trans_b else b
    res = a @ b
    if alpha != 1.0:
        res = res * res.dtype.type(alpha)
    if beta != 0.0:
        res = res + out * res.dtype.type(beta)
    return _store(res, out)


def affine(x: ArrayLike, W: ArrayLike, b: ArrayLike | None,
           activation: ActivationName = "identity", out: FloatArray | None = None, *,
           slope: float = 0.01) -> FloatArray:
    """``act(x @ W + b)``; b may be None."""
    z = np.asarray(x) @ np.asarray(W)
    if b is not None:
        z = z + b
    return _store(globals()["activation"](activation, z, slope=slope), out)


def sum_rows(x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """``x.sum(axis=0)`` for 2-D x (the bias gradient)."""
    return _store(np.asarray(x).sum(axis=0), out)


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------

def identity(x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    return _store(np.array(x, copy=True), out)


def sigmoid(x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """``1 / (1 + exp(-x))`` via ``e = exp(-|x|)``: ``1/(1+e)`` for x >= 0,
    ``e/(1+e)`` (computed as ``e * (1/(1+e))``) for x < 0."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return _store(np.where(x >= 0, r, e * r), out)


def tanh(x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    return _store(np.tanh(x), out)


def relu(x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """``np.maximum(0, x)``, i.e. ``0 if 0 > x else x``: NaN propagates
    and -0.0 stays -0.0."""
    x = np.asarray(x)
    return _store(np.maximum(x.dtype.type(0), x), out)


def leaky_relu(x: ArrayLike, slope: float = 0.01, out: FloatArray | None = None) -> FloatArray:
    x = np.asarray(x)
    return _store(np.where(x > 0, x, x.dtype.type(slope) * x), out)


def sigmoid_backward(dout: ArrayLike, y: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """``dout * y * (1 - y)`` from the forward output y."""
    y = np.asarray(y)
    return _store(cast(FloatArray, dout * y * (1 - y)), out)  # dout: any array-like


def tanh_backward(dout: ArrayLike, y: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """``dout * (1 - y * y)`` from the forward output y."""
    y = np.asarray(y)
    return _store(dout * (1 - y * y), out)


def relu_backward(dout: ArrayLike, x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """``dout`` where x > 0, else exactly 0: an inactive unit passes no
    gradient, not even an inf or NaN one (as PyTorch's ReLU)."""
    dout = np.asarray(dout)
    return _store(np.where(np.asarray(x) > 0, dout, dout.dtype.type(0)), out)


def leaky_relu_backward(dout: ArrayLike, x: ArrayLike, slope: float = 0.01,
                        out: FloatArray | None = None) -> FloatArray:
    """``dout * where(x > 0, 1, slope)``."""
    dout = np.asarray(dout)
    t = dout.dtype.type
    return _store(dout * np.where(np.asarray(x) > 0, t(1), t(slope)), out)


_FORWARD: dict[str, Callable[[ArrayLike, FloatArray | None], FloatArray]] = {
    "identity": identity, "sigmoid": sigmoid, "tanh": tanh, "relu": relu}


def _identity_backward(dout: ArrayLike, saved: ArrayLike,
                       out: FloatArray | None = None) -> FloatArray:
    return identity(dout, out)


_BACKWARD: dict[str, Callable[[ArrayLike, ArrayLike, FloatArray | None], FloatArray]] = {
    "identity": _identity_backward,
    "sigmoid": sigmoid_backward, "tanh": tanh_backward, "relu": relu_backward}


def _check_name(name: str) -> None:
    if name not in ("identity", "sigmoid", "tanh", "relu", "leaky_relu"):
        raise ValueError(f"unknown activation {name!r}")


def activation(name: ActivationName, x: ArrayLike, out: FloatArray | None = None, *,
               slope: float = 0.01) -> FloatArray:
    """Forward activation by name."""
    _check_name(name)
    if name == "leaky_relu":
        return leaky_relu(x, slope, out)
    return _FORWARD[name](x, out)


def activation_backward(name: ActivationName, dout: ArrayLike, saved: ArrayLike,
                        out: FloatArray | None = None, *, slope: float = 0.01) -> FloatArray:
    """Backward by name; ``saved`` is the forward output for sigmoid/tanh,
    the forward input for relu/leaky_relu."""
    _check_name(name)
    if name == "leaky_relu":
        return leaky_relu_backward(dout, saved, slope, out)
    return _BACKWARD[name](dout, saved, out)


# --------------------------------------------------------------------------
# Softmax and cross-entropy
# --------------------------------------------------------------------------

def _softmax_lse(x: FloatArray) -> tuple[FloatArray, NDArray[np.float64]]:
    """Row-wise softmax of 1-D/2-D x (exponential sums in float64) and the
    float64 log-sum-exp of each row (keepdims)."""
    mx = x.max(axis=-1, keepdims=True)
    e = np.exp(x - mx)
    s = e.sum(axis=-1, keepdims=True, dtype=np.float64)
    probs = e * (1 / s).astype(x.dtype)
    return probs, mx.astype(np.float64) + np.log(s)


def softmax(x: ArrayLike, out: FloatArray | None = None) -> FloatArray:
    """Softmax along the last axis of 1-D or 2-D x, max-subtracted."""
    x = np.asarray(x)
    if x.size == 0:
        return _store(np.empty_like(x), out)
    return _store(_softmax_lse(x)[0], out)


def _onehot(t: ArrayLike, shape: tuple[int, ...], dtype: DTypeLike) -> FloatArray:
    t = np.asarray(t)
    if t.ndim == 2:
        return t.astype(dtype, copy=False)
    oh = np.zeros(shape, dtype)
    oh[np.arange(shape[0]), t] = 1
    return oh


def softmax_cross_entropy(logits: ArrayLike, t: ArrayLike) -> tuple[float, FloatArray]:
    """``(loss, probs)``: ``loss = mean_i sum_j t_ij (logsumexp(x_i) - x_ij)``
    in float64, for int labels t (N,) or one-hot / probability rows (N, K)."""
    x = np.asarray(logits)
    n, k = x.shape
    if n == 0:
        return float("nan"), np.empty_like(x)
    if k == 0:
        return 0.0, np.empty_like(x)
    probs, lse = _softmax_lse(x)
    t = np.asarray(t)
    if t.ndim == 1:
        per_row = lse[:, 0] - x[np.arange(n), t].astype(np.float64)
    else:
        per_row = (t.astype(np.float64) * (lse - x.astype(np.float64))).sum(axis=1)
    return float(per_row.mean()), probs


def softmax_cross_entropy_backward(probs: ArrayLike, t: ArrayLike, dout: float = 1.0,
                                   out: FloatArray | None = None) -> FloatArray:
    """``(probs - onehot(t)) * (dout / N)``."""
    p = np.asarray(probs)
    scale = p.dtype.type(dout / p.shape[0]) if p.shape[0] else p.dtype.type(0)
    return _store((p - _onehot(t, p.shape, p.dtype)) * scale, out)
