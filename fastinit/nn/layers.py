"""Layers of a fully connected network on the compiled kernels of
:mod:`fastinit.ops`: subclasses of the :mod:`fastinit.reference.layers`
classes (same constructor arguments, attributes and results) whose forward
and backward passes run in C.  Inputs and parameters must share one float
dtype (float32 or float64)."""
# The backward passes cast what forward saved (None before the first
# forward) rather than assert it: ops then raises its usual TypeError.
from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import ops
from .._validate import float_array
from ..reference import layers as _ref
from ..reference.functional import FloatArray

__all__ = ["Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss"]


class Affine(_ref.Affine):
    __doc__ = _ref.Affine.__doc__

    def forward(self, x: FloatArray) -> FloatArray:
        x = float_array(x, "x")
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return ops.affine(self.x, self.W, self.b)

    def backward(self, dout: FloatArray) -> FloatArray:
        dx = ops.matmul(dout, self.W, trans_b=True)
        self.dW = ops.matmul(cast(FloatArray, self.x), dout, trans_a=True)
        self.db = ops.sum_rows(dout)
        return dx.reshape(self.original_x_shape)


class _KeepsInput:
    """Keeps the forward input x; the reference's ``mask`` (x <= 0) is
    derived from it on demand instead of costing a pass per forward."""
    x: FloatArray | None = None

    @property
    def mask(self) -> NDArray[np.bool_] | None:
        return None if self.x is None else self.x <= 0

    @mask.setter
    def mask(self, value: NDArray[np.bool_] | None) -> None:  # the reference __init__ sets None
        pass


class Relu(_KeepsInput, _ref.Relu):
    def forward(self, x: FloatArray) -> FloatArray:
        self.x = x
        return ops.relu(x)

    def backward(self, dout: FloatArray) -> FloatArray:
        return ops.relu_backward(dout, cast(FloatArray, self.x))


class LeakyRelu(_KeepsInput, _ref.LeakyRelu):
    __doc__ = _ref.LeakyRelu.__doc__

    def forward(self, x: FloatArray) -> FloatArray:
        self.x = x
        return ops.leaky_relu(x, self.slope)

    def backward(self, dout: FloatArray) -> FloatArray:
        return ops.leaky_relu_backward(dout, cast(FloatArray, self.x), self.slope)


class Sigmoid(_ref.Sigmoid):
    def forward(self, x: FloatArray) -> FloatArray:
        self.out = ops.sigmoid(x)
        return self.out

    def backward(self, dout: FloatArray) -> FloatArray:
        return ops.sigmoid_backward(dout, cast(FloatArray, self.out))


class Tanh(_ref.Tanh):
    def forward(self, x: FloatArray) -> FloatArray:
        self.out = ops.tanh(x)
        return self.out

    def backward(self, dout: FloatArray) -> FloatArray:
        return ops.tanh_backward(dout, cast(FloatArray, self.out))


class SoftmaxWithLoss(_ref.SoftmaxWithLoss):
    __doc__ = _ref.SoftmaxWithLoss.__doc__

    def forward(self, x: FloatArray, t: ArrayLike) -> float:
        self.t = t
        self.loss, self.y = ops.softmax_cross_entropy(x, t)
        return self.loss

    def backward(self, dout: float = 1) -> FloatArray:
        return ops.softmax_cross_entropy_backward(cast(FloatArray, self.y),
                                                  cast(ArrayLike, self.t), dout)
