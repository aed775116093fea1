"""Argument checks and small helpers shared by the experiments."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np
from numpy.typing import DTypeLike

from ..._validate import index
from ...nn.net import BACKENDS

if TYPE_CHECKING:
    from ...nn import optim

    #: What :func:`make_optimizer` returns.
    Optimizer = Union[optim.SGD, optim.Momentum, optim.AdaGrad, optim.Adam]

#: The two backends: the compiled kernels or the pure-NumPy reference
#: (as ``fastinit.nn.net.Backend``).
Backend = Literal["native", "numpy"]
#: The hidden activations of a ``MultiLayerNet`` (as ``fastinit.reference.net.Activation``).
Activation = Literal["relu", "leaky_relu", "sigmoid", "tanh"]
#: The optimizers of ``fastinit.nn.optim`` by lower-case name.
OptimizerName = Literal["sgd", "momentum", "adagrad", "adam"]
#: A ``weight_init_std`` value: a name ("xavier", "he", "std=0.01", ...) or a std.
InitSpec = Union[str, float]
#: An experiment's plain result: ``{"experiment": ..., "config": {...}, "runs": [...]}``.
Result = dict[str, Any]


def check_backend(backend: str) -> Backend:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    return backend


def positive(value: int, name: str) -> int:
    return index(value, name, minimum=1)


def check_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def make_optimizer(name: str, lr: float) -> Optimizer:
    """An optimizer from ``fastinit.optim`` by lower-case name."""
    from ...nn import optim
    classes: dict[str, type[Optimizer]] = {
        "sgd": optim.SGD, "momentum": optim.Momentum,
        "adagrad": optim.AdaGrad, "adam": optim.Adam}
    try:
        cls = classes[name]
    except (KeyError, TypeError):
        raise ValueError(f"optimizer must be one of {sorted(classes)}, got {name!r}") from None
    return cls(lr=lr)


def init_label(spec: InitSpec) -> str:
    """How an initializer spec is written in tables and legends."""
    return spec if isinstance(spec, str) else f"std={spec:g}"
