"""Optimizers in plain NumPy, as in deep-learning-from-scratch
(common/optimizer.py): ``update(params, grads)`` changes the arrays of the
params dict in place; state is created on the first update, one array per
key.  ``fastinit.optim`` has the same classes on compiled kernels."""
from __future__ import annotations

import math
from typing import Mapping, Protocol

import numpy as np

from .functional import FloatArray

__all__ = ["SGD", "Momentum", "AdaGrad", "Adam"]


class Optimizer(Protocol):
    """What ``MultiLayerNet.train_step`` asks of an optimizer."""

    def update(self, params: dict[str, FloatArray], grads: dict[str, FloatArray]) -> None: ...


class SGD:
    """``p -= lr * g``"""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def update(self, params: dict[str, FloatArray], grads: Mapping[str, FloatArray]) -> None:
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """``v = momentum * v - lr * g;  p += v``"""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: dict[str, FloatArray] | None = None

    def update(self, params: dict[str, FloatArray], grads: Mapping[str, FloatArray]) -> None:
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class AdaGrad:
    """``h += g * g;  p -= lr * g / (sqrt(h) + eps)``"""

    def __init__(self, lr: float = 0.01, eps: float = 1e-7) -> None:
        self.lr = lr
        self.eps = eps
        self.h: dict[str, FloatArray] | None = None

    def update(self, params: dict[str, FloatArray], grads: Mapping[str, FloatArray]) -> None:
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + self.eps)


class Adam:
    """Adam (Kingma & Ba 2014) in the book's form: the bias correction is
    folded into the step size ``lr_t``, and ``eps`` is added to sqrt(v)."""

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-7) -> None:
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.iter = 0
        self.m: dict[str, FloatArray] | None = None
        self.v: dict[str, FloatArray] | None = None

    def step_size(self) -> float:
        """lr_t of the current iteration (after ``iter`` was incremented)."""
        if self.iter < 1:
            raise ValueError("Adam.step_size is defined once update() has run (iter >= 1)")
        return self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)

    def update(self, params: dict[str, FloatArray], grads: Mapping[str, FloatArray]) -> None:
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        assert self.v is not None  # created with m
        self.iter += 1
        lr_t = self.step_size()
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)
