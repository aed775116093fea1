"""Argument checks and small helpers shared by the experiments."""
import numpy as np

from ..._validate import index
from ...nn.net import BACKENDS


def check_backend(backend):
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    return backend


def positive(value, name):
    return index(value, name, minimum=1)


def check_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def make_optimizer(name, lr):
    """An optimizer from ``fastinit.optim`` by lower-case name."""
    from ...nn import optim
    classes = {"sgd": optim.SGD, "momentum": optim.Momentum,
               "adagrad": optim.AdaGrad, "adam": optim.Adam}
    try:
        cls = classes[name]
    except (KeyError, TypeError):
        raise ValueError(f"optimizer must be one of {sorted(classes)}, got {name!r}") from None
    return cls(lr=lr)


def init_label(spec):
    """How an initializer spec is written in tables and legends."""
    return spec if isinstance(spec, str) else f"std={spec:g}"
