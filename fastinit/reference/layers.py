"""Layers of a fully connected network in plain NumPy, in the style of
deep-learning-from-scratch (common/layers.py): each layer keeps what its
backward pass needs.  ``fastinit.layers`` has the same classes on compiled
kernels; these are the spec they are tested against."""
import numpy as np

from . import functional as F

__all__ = ["Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss"]


class Affine:
    """``out = x @ W + b`` for x of shape (N, D) (or (N, ...), flattened)."""

    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        dx = dout @ self.W.T
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dx.reshape(self.original_x_shape)


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        return F.relu(x)

    def backward(self, dout):
        return np.where(self.mask, dout.dtype.type(0), dout)


class LeakyRelu:
    """``x`` for x > 0, ``slope * x`` otherwise."""

    def __init__(self, slope=0.01):
        self.slope = slope
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        return F.leaky_relu(x, self.slope)

    def backward(self, dout):
        return np.where(self.mask, dout.dtype.type(self.slope) * dout, dout)


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = F.sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


class Tanh:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out * self.out)


class SoftmaxWithLoss:
    """Softmax and the mean cross-entropy against int labels t (N,) or
    one-hot rows (N, K): the exact log-softmax, no epsilon."""

    def __init__(self):
        self.loss = None
        self.y = None  # softmax output
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.loss, self.y = F.softmax_cross_entropy(x, t)
        return self.loss

    def backward(self, dout=1):
        return F.softmax_cross_entropy_backward(self.y, self.t, dout)
