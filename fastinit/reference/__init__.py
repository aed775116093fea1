"""Pure-NumPy reference implementations: the specification the compiled
kernels are tested and benchmarked against.

``functional`` mirrors every function of :mod:`fastinit.ops` with the same
signature and semantics, computed with plain NumPy expressions.
``layers``, ``optim`` and ``net`` are the network code of *Deep Learning
from Scratch* (Affine, Relu, ..., SoftmaxWithLoss; SGD, Momentum, AdaGrad,
Adam; MultiLayerNet), which :mod:`fastinit.nn` reproduces on compiled
kernels; their classes are importable from this package, as from
``fastinit.nn``."""
from . import functional, layers, net, optim
from .layers import Affine, LeakyRelu, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from .net import MultiLayerNet
from .optim import SGD, AdaGrad, Adam, Momentum

__all__ = [
    "functional", "layers", "net", "optim",
    "Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss",
    "MultiLayerNet", "SGD", "Momentum", "AdaGrad", "Adam",
]
