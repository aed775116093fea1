"""Layers of a fully connected network on the compiled kernels of
:mod:`fastinit.ops`: the classes of :mod:`fastinit.reference.layers` with
the same constructor arguments, attributes and results.  Inputs and
parameters must share one float dtype (float32 or float64)."""
from . import ops

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
        return ops.affine(self.x, self.W, self.b)

    def backward(self, dout):
        dx = ops.matmul(dout, self.W, trans_b=True)
        self.dW = ops.matmul(self.x, dout, trans_a=True)
        self.db = ops.sum_rows(dout)
        return dx.reshape(self.original_x_shape)


class _MaskedActivation:
    """Keeps the forward input; ``mask`` (x <= 0) is derived on demand."""

    def __init__(self):
        self.x = None

    @property
    def mask(self):
        return None if self.x is None else self.x <= 0


class Relu(_MaskedActivation):
    def forward(self, x):
        self.x = x
        return ops.relu(x)

    def backward(self, dout):
        return ops.relu_backward(dout, self.x)


class LeakyRelu(_MaskedActivation):
    """``x`` for x > 0, ``slope * x`` otherwise."""

    def __init__(self, slope=0.01):
        super().__init__()
        self.slope = slope

    def forward(self, x):
        self.x = x
        return ops.leaky_relu(x, self.slope)

    def backward(self, dout):
        return ops.leaky_relu_backward(dout, self.x, self.slope)


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = ops.sigmoid(x)
        return self.out

    def backward(self, dout):
        return ops.sigmoid_backward(dout, self.out)


class Tanh:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = ops.tanh(x)
        return self.out

    def backward(self, dout):
        return ops.tanh_backward(dout, self.out)


class SoftmaxWithLoss:
    """Softmax and the mean cross-entropy against int labels t (N,) or
    one-hot rows (N, K): the exact log-softmax, no epsilon."""

    def __init__(self):
        self.loss = None
        self.y = None  # softmax output
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.loss, self.y = ops.softmax_cross_entropy(x, t)
        return self.loss

    def backward(self, dout=1):
        return ops.softmax_cross_entropy_backward(self.y, self.t, dout)
