"""Compiled kernels with NumPy semantics: ``fastinit.ops``.

Every function accepts float32 or float64 arrays of any layout (inputs that
are not C-contiguous are copied first; a transposed matrix passed to
``matmul``/``affine`` is used in place through the transpose flags), keeps
the input dtype, and writes into ``out=`` when given (``out`` must be
C-contiguous, writable and of the exact shape and dtype).  The GIL is
released inside every kernel.  Each function's NumPy twin is in
``fastinit.reference.functional``.
"""
from __future__ import annotations

import functools
from typing import Any, Literal, SupportsIndex, TypeAlias, TypeVar, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from . import _core
from ._validate import float_array, index, output, real_number, same_dtype, unaliased

#: the activation names (ACTIVATIONS' keys)
Activation: TypeAlias = Literal["identity", "sigmoid", "tanh", "relu", "leaky_relu"]
#: what the float kernels return: float32 or float64, as their input
FloatArray: TypeAlias = NDArray[np.floating[Any]]
#: the sums of histogram_slots: (zeros, low_tail, high_tail, sum, sumsq)
HistogramSums: TypeAlias = tuple[int, int, int, float, float]

# The float dtype of the data: results keep it (float32 or float64).
_FloatT = TypeVar("_FloatT", bound="np.floating[Any]")

__all__ = [
    "ACTIVATIONS", "matmul", "affine", "sum_rows",
    "sigmoid", "tanh", "relu", "leaky_relu", "identity",
    "sigmoid_backward", "tanh_backward", "relu_backward", "leaky_relu_backward",
    "activation", "activation_backward",
    "softmax", "softmax_cross_entropy", "softmax_cross_entropy_backward",
    "histogram", "histogram_slots",
]

# Name -> code of csrc/elementwise/elementwise.h's enum fi_act (FI_ACT_RELU: "relu").
ACTIVATIONS: dict[str, int] = {act.name[len("FI_ACT_"):].lower(): int(act) for act in _core.fi_act}


def activation_code(name: str) -> int:
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; expected one of "
                         f"{sorted(ACTIVATIONS)}") from None


# --------------------------------------------------------------------------
# Linear algebra: matmul, affine, sum_rows
# --------------------------------------------------------------------------

def _matrix_operand(x: ArrayLike, name: str, trans: bool) -> tuple[FloatArray, bool]:
    """2-D float operand for the GEMM: a transposed C-contiguous matrix is
    used as is with the transpose flag flipped instead of being copied."""
    x = x if isinstance(x, np.ndarray) else float_array(x, name)
    if isinstance(x, np.ndarray) and x.ndim == 2 and not x.flags.c_contiguous \
            and x.T.flags.c_contiguous and x.dtype in (np.float32, np.float64):
        return x.T, not trans
    return float_array(x, name, ndim=2), trans


def _gemm(a: FloatArray, b: FloatArray, out: NDArray[Any] | None, trans_a: bool, trans_b: bool,
          alpha: float, beta: float, bias: FloatArray | None, act: int,
          slope: float) -> FloatArray:
    m = a.shape[1] if trans_a else a.shape[0]
    n = b.shape[0] if trans_b else b.shape[1]
    c = output(out, (m, n), a.dtype)
    if (out is not None) and (np.may_share_memory(c, a) or np.may_share_memory(c, b)):
        # The kernel reads A and B while writing C: work on a private copy.
        tmp = c.copy() if beta != 0 else np.empty_like(c)
        _core.gemm(trans_a, trans_b, a, b, tmp, alpha, beta, bias, act, slope)
        c[...] = tmp
        return c
    _core.gemm(trans_a, trans_b, a, b, c, alpha, beta, bias, act, slope)
    return c


@overload
def matmul(a: NDArray[_FloatT], b: NDArray[_FloatT], out: NDArray[_FloatT] | None = None, *,
           trans_a: bool = False, trans_b: bool = False, alpha: float = 1.0,
           beta: float = 0.0) -> NDArray[_FloatT]: ...
@overload
def matmul(a: ArrayLike, b: ArrayLike, out: NDArray[Any] | None = None, *, trans_a: bool = False,
           trans_b: bool = False, alpha: float = 1.0, beta: float = 0.0) -> NDArray[Any]: ...
def matmul(a: ArrayLike, b: ArrayLike, out: NDArray[Any] | None = None, *, trans_a: bool = False,
           trans_b: bool = False, alpha: float = 1.0, beta: float = 0.0) -> FloatArray:
    """``alpha * op(a) @ op(b) + beta * out`` for 2-D float arrays, where
    ``op(x)`` is ``x.T`` when the matching ``trans_*`` flag is set.

    With ``beta != 0`` the product accumulates into ``out`` (which is then
    required); with ``beta == 0`` ``out`` is write-only, as in BLAS."""
    res = _core.matmul_fast(a, b, out, trans_a, trans_b, alpha, beta)
    if res is not None:
        return res
    alpha = real_number(alpha, "alpha")
    beta = real_number(beta, "beta")
    a, trans_a = _matrix_operand(a, "a", bool(trans_a))
    b, trans_b = _matrix_operand(b, "b", bool(trans_b))
    same_dtype(a=a, b=b)
    ka = a.shape[0] if trans_a else a.shape[1]
    kb = b.shape[1] if trans_b else b.shape[0]
    if ka != kb:
        sa = a.shape[::-1] if trans_a else a.shape
        sb = b.shape[::-1] if trans_b else b.shape
        raise ValueError(f"matmul: shapes {sa} and {sb} are not aligned "
                         f"(inner dimensions {ka} != {kb})")
    if beta != 0 and out is None:
        raise ValueError("matmul: beta != 0 needs out= holding the matrix to accumulate into")
    return _gemm(a, b, out, trans_a, trans_b, alpha, beta, None, 0, 0.0)


@overload
def affine(x: NDArray[_FloatT], W: NDArray[_FloatT], b: NDArray[_FloatT] | None,
           activation: Activation = "identity", out: NDArray[_FloatT] | None = None, *,
           slope: float = 0.01) -> NDArray[_FloatT]: ...
@overload
def affine(x: ArrayLike, W: ArrayLike, b: ArrayLike | None, activation: Activation = "identity",
           out: NDArray[Any] | None = None, *, slope: float = 0.01) -> NDArray[Any]: ...
def affine(x: ArrayLike, W: ArrayLike, b: ArrayLike | None, activation: Activation = "identity",
           out: NDArray[Any] | None = None, *, slope: float = 0.01) -> FloatArray:
    """``act(x @ W + b)`` in one pass over the output (bias and activation
    are applied to each tile of the product while it is in cache).

    x: (N, D), W: (D, M), b: (M,) or None.  ``activation`` is one of
    identity, sigmoid, tanh, relu, leaky_relu (with ``slope``)."""
    act = activation_code(activation)
    res = _core.affine_fast(x, W, b, act, out, slope)
    if res is not None:
        return res
    slope = real_number(slope, "slope")
    x, trans_x = _matrix_operand(x, "x", False)
    W, trans_w = _matrix_operand(W, "W", False)
    same_dtype(x=x, W=W)
    d_x = x.shape[0] if trans_x else x.shape[1]
    d_w = W.shape[1] if trans_w else W.shape[0]
    if d_x != d_w:
        raise ValueError(f"affine: x of shape {x.shape[::-1] if trans_x else x.shape} and W of "
                         f"shape {W.shape[::-1] if trans_w else W.shape} are not aligned")
    m_out = W.shape[0] if trans_w else W.shape[1]
    if b is not None:
        b = float_array(b, "b", ndim=1)
        same_dtype(x=x, b=b)
        if b.shape[0] != m_out:
            raise ValueError(f"affine: b has shape {b.shape}, expected ({m_out},) to match W")
    return _gemm(x, W, out, trans_x, trans_w, 1.0, 0.0, b, act, slope)


@overload
def sum_rows(x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def sum_rows(x: ArrayLike, out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def sum_rows(x: ArrayLike, out: NDArray[Any] | None = None) -> FloatArray:
    """Column sums over the batch axis, ``x.sum(axis=0)`` for 2-D x: the
    bias gradient.  Summed in a fixed order (thread-count independent)."""
    x = float_array(x, "x", ndim=2)
    res = output(out, (x.shape[1],), x.dtype)
    if np.may_share_memory(res, x):
        tmp = np.empty_like(res)
        _core.sum_rows(x, tmp)
        res[...] = tmp
        return res
    _core.sum_rows(x, res)
    return res


# --------------------------------------------------------------------------
# Activations: forward and backward
# --------------------------------------------------------------------------

def _unary(code: int, x: ArrayLike, out: NDArray[Any] | None, slope: float = 0.0) -> FloatArray:
    x = float_array(x, "x")
    if out is None:
        res = np.empty_like(x)  # x is C-contiguous, so is res
    else:
        res = output(out, x.shape, x.dtype)
        x = unaliased(x, res)  # exactly in place is fine, partial overlap is not
    _core.act_forward(code, slope, x, res)
    return res


def _binary(code: int, dout: ArrayLike, saved: ArrayLike, saved_name: str,
            out: NDArray[Any] | None, slope: float = 0.0) -> FloatArray:
    dout = float_array(dout, "dout")
    saved = float_array(saved, saved_name)
    if dout.dtype != saved.dtype:
        same_dtype(dout=dout, **{saved_name: saved})  # raises, naming both
    if dout.shape != saved.shape:
        raise ValueError(f"dout has shape {dout.shape} but {saved_name} has shape {saved.shape}")
    if out is None:
        res = np.empty_like(dout)
    else:
        res = output(out, dout.shape, dout.dtype)
        dout, saved = unaliased(dout, res), unaliased(saved, res)
    _core.act_backward(code, slope, dout, saved, res)
    return res


@overload
def identity(x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def identity(x: ArrayLike, out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def identity(x: ArrayLike, out: NDArray[Any] | None = None) -> FloatArray:
    """A copy of x (into ``out`` when given)."""
    return _unary(0, x, out)


@overload
def sigmoid(x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def sigmoid(x: ArrayLike, out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def sigmoid(x: ArrayLike, out: NDArray[Any] | None = None) -> FloatArray:
    """``1 / (1 + exp(-x))``, computed from ``exp(-|x|)``: no overflow or
    warning for any x, exactly 0.5 at 0, saturating to exactly 0 and 1;
    NaN propagates.  Vectorized: within 3 ulp of the exact value."""
    return _unary(1, x, out)


@overload
def tanh(x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def tanh(x: ArrayLike, out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def tanh(x: ArrayLike, out: NDArray[Any] | None = None) -> FloatArray:
    """Hyperbolic tangent, odd-symmetric, ``tanh(+-inf) = +-1``; NaN
    propagates.  Vectorized: within 2 ulp of the exact value."""
    return _unary(2, x, out)


@overload
def relu(x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def relu(x: ArrayLike, out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def relu(x: ArrayLike, out: NDArray[Any] | None = None) -> FloatArray:
    """``np.maximum(0, x)``, bit for bit: NaN propagates, -0.0 stays -0.0."""
    return _unary(3, x, out)


@overload
def leaky_relu(x: NDArray[_FloatT], slope: float = 0.01,
               out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def leaky_relu(x: ArrayLike, slope: float = 0.01,
               out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def leaky_relu(x: ArrayLike, slope: float = 0.01, out: NDArray[Any] | None = None) -> FloatArray:
    """``x`` where x > 0, else ``slope * x``."""
    return _unary(4, x, out, real_number(slope, "slope"))


@overload
def sigmoid_backward(dout: NDArray[_FloatT], y: NDArray[_FloatT],
                     out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def sigmoid_backward(dout: ArrayLike, y: ArrayLike,
                     out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def sigmoid_backward(dout: ArrayLike, y: ArrayLike,
                     out: NDArray[Any] | None = None) -> FloatArray:
    """``dout * y * (1 - y)`` from the forward output y."""
    return _binary(1, dout, y, "y", out)


@overload
def tanh_backward(dout: NDArray[_FloatT], y: NDArray[_FloatT],
                  out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def tanh_backward(dout: ArrayLike, y: ArrayLike,
                  out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def tanh_backward(dout: ArrayLike, y: ArrayLike,
                  out: NDArray[Any] | None = None) -> FloatArray:
    """``dout * (1 - y**2)`` from the forward output y."""
    return _binary(2, dout, y, "y", out)


@overload
def relu_backward(dout: NDArray[_FloatT], x: NDArray[_FloatT],
                  out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def relu_backward(dout: ArrayLike, x: ArrayLike,
                  out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def relu_backward(dout: ArrayLike, x: ArrayLike,
                  out: NDArray[Any] | None = None) -> FloatArray:
    """``dout`` where the forward input x > 0, else exactly 0 (an inactive
    unit passes no gradient, not even inf or NaN)."""
    return _binary(3, dout, x, "x", out)


@overload
def leaky_relu_backward(dout: NDArray[_FloatT], x: NDArray[_FloatT], slope: float = 0.01,
                        out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def leaky_relu_backward(dout: ArrayLike, x: ArrayLike, slope: float = 0.01,
                        out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def leaky_relu_backward(dout: ArrayLike, x: ArrayLike, slope: float = 0.01,
                        out: NDArray[Any] | None = None) -> FloatArray:
    """``dout`` where x > 0, else ``slope * dout``."""
    return _binary(4, dout, x, "x", out, real_number(slope, "slope"))


@overload
def activation(name: Activation, x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None, *,
               slope: float = 0.01) -> NDArray[_FloatT]: ...
@overload
def activation(name: Activation, x: ArrayLike, out: NDArray[Any] | None = None, *,
               slope: float = 0.01) -> NDArray[Any]: ...
def activation(name: Activation, x: ArrayLike, out: NDArray[Any] | None = None, *,
               slope: float = 0.01) -> FloatArray:
    """Forward activation by name (identity, sigmoid, tanh, relu, leaky_relu)."""
    return _unary(activation_code(name), x, out, real_number(slope, "slope"))


@overload
def activation_backward(name: Activation, dout: NDArray[_FloatT], saved: NDArray[_FloatT],
                        out: NDArray[_FloatT] | None = None, *,
                        slope: float = 0.01) -> NDArray[_FloatT]: ...
@overload
def activation_backward(name: Activation, dout: ArrayLike, saved: ArrayLike,
                        out: NDArray[Any] | None = None, *,
                        slope: float = 0.01) -> NDArray[Any]: ...
def activation_backward(name: Activation, dout: ArrayLike, saved: ArrayLike,
                        out: NDArray[Any] | None = None, *, slope: float = 0.01) -> FloatArray:
    """Backward by name; ``saved`` is the forward output for sigmoid/tanh and
    the forward input for relu/leaky_relu (see the named functions)."""
    code = activation_code(name)
    saved_name = "y" if code in (1, 2) else "x"
    return _binary(code, dout, saved, saved_name, out, real_number(slope, "slope"))


# --------------------------------------------------------------------------
# Softmax and cross-entropy
# --------------------------------------------------------------------------

def _rows(x: ArrayLike, name: str) -> tuple[FloatArray, bool]:
    x = float_array(x, name)
    if x.ndim == 1:
        return x.reshape(1, -1), True
    if x.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {x.shape}")
    return x, False


def _targets(t: ArrayLike, shape: tuple[int, ...], dtype: DTypeLike
             ) -> tuple[NDArray[np.int64], None] | tuple[None, FloatArray]:
    """Split t into (labels int64 (N,), None) or (None, onehot (N, K))."""
    n, k = shape
    t_arr = np.asarray(t)
    if t_arr.dtype.kind in "iu" and t_arr.ndim == 1:
        if t_arr.shape[0] != n:
            raise ValueError(f"t has {t_arr.shape[0]} labels but logits has {n} rows "
                             f"(shapes {t_arr.shape} and {shape})")
        labels = np.ascontiguousarray(t_arr, dtype=np.int64)
        # one pass: a negative label is a huge unsigned one
        if n and labels.view(np.uint64).max() >= k:
            raise ValueError(f"labels must lie in [0, {k}), got values in "
                             f"[{t_arr.min()}, {t_arr.max()}]")
        return labels, None
    if t_arr.ndim == 2:
        if t_arr.shape != (n, k):
            raise ValueError(f"one-hot t has shape {t_arr.shape}, expected {(n, k)} "
                             "to match logits")
        if t_arr.dtype.kind in "iub":
            return None, np.ascontiguousarray(t_arr, dtype=dtype)
        onehot = float_array(t_arr, "t")
        same_dtype(logits=np.empty(0, dtype), t=onehot)
        return None, onehot
    if t_arr.ndim == 1 and t_arr.dtype.kind == "f":
        raise TypeError(f"labels t must be integers, got dtype {t_arr.dtype}")
    raise ValueError(f"t must be int labels of shape ({n},) or one-hot of shape {(n, k)}, "
                     f"got shape {t_arr.shape} and dtype {t_arr.dtype}")


@overload
def softmax(x: NDArray[_FloatT], out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def softmax(x: ArrayLike, out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def softmax(x: ArrayLike, out: NDArray[Any] | None = None) -> FloatArray:
    """Row-wise softmax (max-subtracted), for 1-D or 2-D x."""
    x2, flat = _rows(x, "x")
    res = output(out, x2.shape[1:] if flat else x2.shape, x2.dtype)
    res2 = res.reshape(x2.shape)
    _core.softmax(unaliased(x2, res2), res2)
    return res


@overload
def softmax_cross_entropy(logits: NDArray[_FloatT],
                          t: ArrayLike) -> tuple[float, NDArray[_FloatT]]: ...
@overload
def softmax_cross_entropy(logits: ArrayLike, t: ArrayLike) -> tuple[float, NDArray[Any]]: ...
def softmax_cross_entropy(logits: ArrayLike, t: ArrayLike) -> tuple[float, FloatArray]:
    """``(loss, probs)``: the batch-mean cross-entropy of softmax(logits)
    against int labels (N,) or one-hot targets (N, K), and the softmax
    probabilities.  The loss is the exact log-softmax (no epsilon)."""
    x = float_array(logits, "logits", ndim=2)
    labels, onehot = _targets(t, x.shape, x.dtype)
    probs = np.empty_like(x)
    loss = _core.softmax_xent(x, labels, onehot, probs)
    return float(loss), probs


@overload
def softmax_cross_entropy_backward(probs: NDArray[_FloatT], t: ArrayLike, dout: float = 1.0,
                                   out: NDArray[_FloatT] | None = None) -> NDArray[_FloatT]: ...
@overload
def softmax_cross_entropy_backward(probs: ArrayLike, t: ArrayLike, dout: float = 1.0,
                                   out: NDArray[Any] | None = None) -> NDArray[Any]: ...
def softmax_cross_entropy_backward(probs: ArrayLike, t: ArrayLike, dout: float = 1.0,
                                   out: NDArray[Any] | None = None) -> FloatArray:
    """``(probs - onehot(t)) * dout / N``: the gradient of the mean loss."""
    p = float_array(probs, "probs", ndim=2)
    labels, onehot = _targets(t, p.shape, p.dtype)
    dout = real_number(dout, "dout")
    res = output(out, p.shape, p.dtype)
    scale = dout / p.shape[0] if p.shape[0] else 0.0
    _core.softmax_xent_backward(unaliased(p, res), labels, unaliased(onehot, res),
                                       scale, res)
    return res


# --------------------------------------------------------------------------
# Histograms
# --------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _bin_edges(dtype: np.dtype[Any], hist_range: tuple[float, float],
               bins: int) -> NDArray[np.float64]:
    """np.histogram's edges for data of `dtype` (float32 data gets float32
    edges) over a given range, as the float64 array the kernel compares
    against."""
    edges = np.histogram_bin_edges(np.empty(0, dtype), bins=bins, range=hist_range)
    edges = edges.astype(np.float64)
    edges.flags.writeable = False
    return edges


def _edges(x: FloatArray, bins: int, range: tuple[float, float] | None) -> NDArray[np.float64]:
    """np.histogram's bin edges for x (computed in x's dtype), as float64."""
    if range is None:
        return np.histogram_bin_edges(x, bins=bins).astype(np.float64)
    try:
        low, high = range
    except (TypeError, ValueError):
        raise TypeError(f"range must be a (low, high) pair, got {range!r}") from None
    return _bin_edges(x.dtype, (real_number(low, "range[0]"), real_number(high, "range[1]")),
                      bins)


def _histogram_pass(x: ArrayLike, bins: SupportsIndex, range: tuple[float, float] | None,
                    skip_zeros: bool, cuts: tuple[float, float]
                    ) -> tuple[NDArray[np.int64], HistogramSums, FloatArray]:
    """(slots, sums, edges in x's dtype) of histogram_slots, checked."""
    x = float_array(x, "x").reshape(-1)
    bins = index(bins, "bins", minimum=1)
    low_cut, high_cut = (real_number(c, "cuts[]") for c in cuts)
    edges = _edges(x, bins, range)
    slots = np.zeros(bins + _core.HISTOGRAM_EXTRA, dtype=np.int64)
    sums = _core.histogram(x, edges, slots, bool(skip_zeros), low_cut, high_cut)
    return slots, sums, edges.astype(x.dtype)


def histogram_slots(x: ArrayLike, bins: SupportsIndex, range: tuple[float, float] | None = None,
                    *, skip_zeros: bool = False, cuts: tuple[float, float] = (-np.inf, np.inf)
                    ) -> tuple[NDArray[np.int64], HistogramSums]:
    """One pass over x (float32 or float64, any shape, flattened): the
    counts of np.histogram's ``bins`` bins over ``range`` and what falls
    outside them, with the sums the moments need.

    Returns ``(slots, (zeros, low_tail, high_tail, sum, sumsq))``: ``slots``
    (int64, ``bins + 4``) holds the values below the range, the bins, the
    values above it, the zeros left out when ``skip_zeros`` (counted there
    instead of in their bin) and the NaNs (csrc/histogram/histogram.h);
    ``low_tail``/``high_tail`` count the values below ``cuts[0]`` and above
    ``cuts[1]``; ``sum`` and ``sumsq`` are summed in float64 in an order
    fixed by the length of x alone.  ``range=None`` takes x's min and max,
    as np.histogram does (ValueError when they are not finite)."""
    slots, sums, _ = _histogram_pass(x, bins, range, skip_zeros, cuts)
    return slots, sums


@overload
def histogram(x: NDArray[_FloatT], bins: SupportsIndex = 10,
              range: tuple[float, float] | None = None
              ) -> tuple[NDArray[np.int64], NDArray[_FloatT]]: ...
@overload
def histogram(x: ArrayLike, bins: SupportsIndex = 10,
              range: tuple[float, float] | None = None
              ) -> tuple[NDArray[np.int64], NDArray[Any]]: ...
def histogram(x: ArrayLike, bins: SupportsIndex = 10, range: tuple[float, float] | None = None
              ) -> tuple[NDArray[np.int64], FloatArray]:
    """``np.histogram(x, bins, range)`` for float32/float64 x and an
    integer ``bins``: ``(counts, edges)``, the counts int64 and the edges in
    x's dtype, in one compiled pass.  NaNs and values outside the range are
    not counted; ``range=None`` takes x's min and max (ValueError when they
    are not finite)."""
    slots, _, edges = _histogram_pass(x, bins, range, False, (-np.inf, np.inf))
    return slots[1:-3], edges
