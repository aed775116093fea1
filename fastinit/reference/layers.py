"""Layers of a fully connected network in plain NumPy, in the style of
deep-learning-from-scratch (common/layers.py): each layer keeps what its
backward pass needs.  ``fastinit.layers`` has the same classes on compiled
kernels; these are the spec they are tested against."""
# The backward passes cast what forward saved (None before the first
# forward) rather than assert it, keeping the book's behaviour on misuse.
from __future__ import annotations

from typing import Protocol, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import functional as F
from .functional import FloatArray

__all__ = ["Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss"]


class Layer(Protocol):
    """What ``MultiLayerNet`` asks of the layers between input and loss."""

    def forward(self, x: FloatArray) -> FloatArray: ...

    def backward(self, dout: FloatArray) -> FloatArray: ...


class Affine:
    """``out = x @ W + b`` for x of shape (N, D) (or (N, ...), flattened)."""

    def __init__(self, W: FloatArray, b: FloatArray) -> None:
        self.W = W
        self.b = b
        self.x: FloatArray | None = None
        self.original_x_shape: tuple[int, ...] | None = None
        self.dW: FloatArray | None = None
        self.db: FloatArray | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout: FloatArray) -> FloatArray:
        dx: FloatArray = dout @ self.W.T
        self.dW = cast(FloatArray, self.x).T @ dout
        self.db = dout.sum(axis=0)
        return dx.reshape(self.original_x_shape)


class Relu:
    def __init__(self) -> None:
        self.mask: NDArray[np.bool_] | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        self.mask = x <= 0
        return F.relu(x)

    def backward(self, dout: FloatArray) -> FloatArray:
        return np.where(cast("NDArray[np.bool_]", self.mask), dout.dtype.type(0), dout)


class LeakyRelu:
    """``x`` for x > 0, ``slope * x`` otherwise."""

    def __init__(self, slope: float = 0.01) -> None:
        self.slope = slope
        self.mask: NDArray[np.bool_] | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        self.mask = x <= 0
        return F.leaky_relu(x, self.slope)

    def backward(self, dout: FloatArray) -> FloatArray:
        return np.where(cast("NDArray[np.bool_]", self.mask),
                        dout.dtype.type(self.slope) * dout, dout)


class Sigmoid:
    def __init__(self) -> None:
        self.out: FloatArray | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        self.out = F.sigmoid(x)
        return self.out

    def backward(self, dout: FloatArray) -> FloatArray:
        out = cast(FloatArray, self.out)
        return dout * out * (1 - out)


class Tanh:
    def __init__(self) -> None:
        self.out: FloatArray | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout: FloatArray) -> FloatArray:
        out = cast(FloatArray, self.out)
        return dout * (1 - out * out)


class SoftmaxWithLoss:
    """Softmax and the mean cross-entropy against int labels t (N,) or
    one-hot rows (N, K): the exact log-softmax, no epsilon."""

    def __init__(self) -> None:
        self.loss: float | None = None
        self.y: FloatArray | None = None  # softmax output
        self.t: ArrayLike | None = None

    def forward(self, x: FloatArray, t: ArrayLike) -> float:
        self.t = t
        self.loss, self.y = F.softmax_cross_entropy(x, t)
        return self.loss

    def backward(self, dout: float = 1) -> FloatArray:
        return F.softmax_cross_entropy_backward(cast(FloatArray, self.y),
                                                cast(ArrayLike, self.t), dout)
