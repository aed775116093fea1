"""Optimizers in plain NumPy, as in deep-learning-from-scratch
(common/optimizer.py): ``update(params, grads)`` changes the arrays of the
params dict in place; state is created on the first update, one array per
key.  ``fastinit.optim`` has the same classes on compiled kernels."""
import math

import numpy as np

__all__ = ["SGD", "Momentum", "AdaGrad", "Adam"]


class SGD:
    """``p -= lr * g``"""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """``v = momentum * v - lr * g;  p += v``"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class AdaGrad:
    """``h += g * g;  p -= lr * g / (sqrt(h) + eps)``"""

    def __init__(self, lr=0.01, eps=1e-7):
        self.lr = lr
        self.eps = eps
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + self.eps)


class Adam:
    """Adam (Kingma & Ba 2014) in the book's form: the bias correction is
    folded into the step size ``lr_t``, and ``eps`` is added to sqrt(v)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.iter = 0
        self.m = None
        self.v = None

    def step_size(self):
        """lr_t of the current iteration (after ``iter`` was incremented)."""
        if self.iter < 1:
            raise ValueError("Adam.step_size is defined once update() has run (iter >= 1)")
        return self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.iter += 1
        lr_t = self.step_size()
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)
