"""Layers of a fully connected network on the compiled kernels of
:mod:`fastinit.ops`: subclasses of the :mod:`fastinit.reference.layers`
classes (same constructor arguments, attributes and results) whose forward
and backward passes run in C.  Inputs and parameters must share one float
dtype (float32 or float64)."""
from .. import ops
from .._validate import float_array
from ..reference import layers as _ref

__all__ = ["Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss"]


class Affine(_ref.Affine):
    __doc__ = _ref.Affine.__doc__

    def forward(self, x):
        x = float_array(x, "x")
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return ops.affine(self.x, self.W, self.b)

    def backward(self, dout):
        dx = ops.matmul(dout, self.W, trans_b=True)
        self.dW = ops.matmul(self.x, dout, trans_a=True)
        self.db = ops.sum_rows(dout)
        return dx.reshape(self.original_x_shape)


class _KeepsInput:
    """Keeps the forward input x; the reference's ``mask`` (x <= 0) is
    derived from it on demand instead of costing a pass per forward."""
    x = None

    @property
    def mask(self):
        return None if self.x is None else self.x <= 0

    @mask.setter
    def mask(self, value):  # the reference __init__ sets mask = None
        pass


class Relu(_KeepsInput, _ref.Relu):
    def forward(self, x):
        self.x = x
        return ops.relu(x)

    def backward(self, dout):
        return ops.relu_backward(dout, self.x)


class LeakyRelu(_KeepsInput, _ref.LeakyRelu):
    __doc__ = _ref.LeakyRelu.__doc__

    def forward(self, x):
        self.x = x
        return ops.leaky_relu(x, self.slope)

    def backward(self, dout):
        return ops.leaky_relu_backward(dout, self.x, self.slope)


class Sigmoid(_ref.Sigmoid):
    def forward(self, x):
        self.out = ops.sigmoid(x)
        return self.out

    def backward(self, dout):
        return ops.sigmoid_backward(dout, self.out)


class Tanh(_ref.Tanh):
    def forward(self, x):
        self.out = ops.tanh(x)
        return self.out

    def backward(self, dout):
        return ops.tanh_backward(dout, self.out)


class SoftmaxWithLoss(_ref.SoftmaxWithLoss):
    __doc__ = _ref.SoftmaxWithLoss.__doc__

    def forward(self, x, t):
        self.t = t
        self.loss, self.y = ops.softmax_cross_entropy(x, t)
        return self.loss

    def backward(self, dout=1):
        return ops.softmax_cross_entropy_backward(self.y, self.t, dout)
