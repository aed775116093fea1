"""Optimizers with compiled update kernels: the classes of
:mod:`fastinit.reference.optim` (same arguments, same state attributes, same
formulas) whose ``update(params, grads)`` runs one C pass per parameter,
in place, with the GIL released.

Parameters must be C-contiguous, writable float32/float64 arrays; gradients
are checked against them (same shape and dtype)."""
from __future__ import annotations

from typing import Mapping

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from .._validate import float_array
from ..reference import optim as _ref
from ..reference.functional import FloatArray

__all__ = ["SGD", "Momentum", "AdaGrad", "Adam"]

#: The optimizers with a compiled update kernel (fastinit's are subclasses).
RefOptimizer = _ref.SGD | _ref.Momentum | _ref.AdaGrad | _ref.Adam
#: (kind, lr, momentum, beta1, beta2, eps): the arguments of one compiled update.
Hyper = tuple[int, float, float, float, float, float]
State = dict[str, FloatArray] | None

_OPT = _core.fi_opt_kind
_KINDS: dict[type[RefOptimizer], int] = {
    _ref.SGD: int(_OPT.FI_OPT_SGD), _ref.Momentum: int(_OPT.FI_OPT_MOMENTUM),
    _ref.AdaGrad: int(_OPT.FI_OPT_ADAGRAD), _ref.Adam: int(_OPT.FI_OPT_ADAM)}


def _zeros_like_dict(params: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    return {key: np.zeros_like(val) for key, val in params.items()}


def kernel_args(optimizer: object,
                params: Mapping[str, FloatArray]) -> tuple[Hyper, State, State] | None:
    """``(hyper, state1, state2)`` for one compiled step of ``optimizer``
    (a fastinit or reference optimizer) on the dict ``params``: the tuple
    (kind, lr, momentum, beta1, beta2, eps) and the state dicts (or None),
    created on first use as the reference does.  Advances Adam's step
    counter.  None when the optimizer has no compiled twin."""
    kind = next((k for cls, k in _KINDS.items() if isinstance(optimizer, cls)), None)
    if kind is None:
        return None
    assert isinstance(optimizer, (_ref.SGD, _ref.Momentum, _ref.AdaGrad, _ref.Adam))
    lr = float(optimizer.lr)
    if kind == _OPT.FI_OPT_SGD:
        return (kind, lr, 0.0, 0.0, 0.0, 0.0), None, None
    if kind == _OPT.FI_OPT_MOMENTUM:
        assert isinstance(optimizer, _ref.Momentum)
        if optimizer.v is None:
            optimizer.v = _zeros_like_dict(params)
        return (kind, lr, float(optimizer.momentum), 0.0, 0.0, 0.0), optimizer.v, None
    if kind == _OPT.FI_OPT_ADAGRAD:
        assert isinstance(optimizer, _ref.AdaGrad)
        if optimizer.h is None:
            optimizer.h = _zeros_like_dict(params)
        return (kind, lr, 0.0, 0.0, 0.0, float(optimizer.eps)), optimizer.h, None
    assert isinstance(optimizer, _ref.Adam)
    if optimizer.m is None:
        optimizer.m = _zeros_like_dict(params)
        optimizer.v = _zeros_like_dict(params)
    optimizer.iter += 1
    return ((kind, optimizer.step_size(), 0.0, float(optimizer.beta1), float(optimizer.beta2),
             float(optimizer.eps)), optimizer.m, optimizer.v)


def check_param(p: object, name: str) -> FloatArray:
    """A parameter the kernels may update in place."""
    if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64):
        raise TypeError(f"params[{name!r}] must be a float32/float64 ndarray, got "
                        f"{getattr(p, 'dtype', type(p).__name__)}")
    if not (p.flags.c_contiguous and p.flags.writeable and p.flags.aligned):
        raise ValueError(f"params[{name!r}] must be C-contiguous, aligned and writable "
                         "(it is updated in place)")
    return p


def check_like(a: object, p: FloatArray, name: str, what: str, writable: bool = True) -> None:
    """``a`` (a gradient or state array) matches parameter ``p`` exactly."""
    if not isinstance(a, np.ndarray) or a.shape != p.shape or a.dtype != p.dtype:
        raise ValueError(f"{what}[{name!r}] has shape {getattr(a, 'shape', None)} and dtype "
                         f"{getattr(a, 'dtype', None)}, expected {p.shape} {p.dtype} "
                         "like the parameter")
    if writable and not (a.flags.c_contiguous and a.flags.writeable and a.flags.aligned):
        raise ValueError(f"{what}[{name!r}] must be C-contiguous, aligned and writable")


def reference_update(optimizer: _ref.Optimizer, params: dict[str, FloatArray],
                     grads: dict[str, FloatArray]) -> None:
    """``optimizer.update`` as the pure-NumPy reference computes it (the
    numpy backend's path); optimizers without a reference twin use their own
    update."""
    cls = next((c for c in _KINDS if isinstance(optimizer, c)), None)
    (optimizer.update if cls is None else cls.update.__get__(optimizer))(params, grads)


def _update(optimizer: RefOptimizer, params: dict[str, FloatArray],
            grads: Mapping[str, ArrayLike]) -> None:
    """Update every array of ``params`` in place from ``grads`` (dicts with
    the same keys), one compiled pass per parameter."""
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError("params and grads must be dicts of arrays (name -> ndarray), got "
                        f"{type(params).__name__} and {type(grads).__name__}")
    args = kernel_args(optimizer, params)
    assert args is not None  # every RefOptimizer has a kernel
    hyper, state1, state2 = args
    for key, p in params.items():
        p = check_param(p, key)
        g = float_array(grads[key], f"grads[{key!r}]")
        check_like(g, p, key, "grads", writable=False)
        s1 = s2 = None
        if state1 is not None:
            s1 = state1[key]
            check_like(s1, p, key, "optimizer state")
            s1 = s1.reshape(-1)
        if state2 is not None:
            s2 = state2[key]
            check_like(s2, p, key, "optimizer state")
            s2 = s2.reshape(-1)
        _core.optim_update(*hyper, p.reshape(-1), g.reshape(-1), s1, s2)


class SGD(_ref.SGD):
    __doc__ = _ref.SGD.__doc__
    update = _update


# Exact types whose step takes MultiLayerNet's SGD fast path (subclasses
# may override anything: they take the general one).
SGD_TYPES = frozenset((_ref.SGD, SGD))


class Momentum(_ref.Momentum):
    __doc__ = _ref.Momentum.__doc__
    update = _update


class AdaGrad(_ref.AdaGrad):
    __doc__ = _ref.AdaGrad.__doc__
    update = _update


class Adam(_ref.Adam):
    __doc__ = _ref.Adam.__doc__
    update = _update
