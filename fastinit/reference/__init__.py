"""Pure-NumPy reference implementations: the specification the compiled
kernels are tested and benchmarked against.

``functional`` mirrors every function of :mod:`fastinit.ops` with the same
signature and semantics, computed with plain NumPy expressions.
``layers``, ``optim`` and ``net`` are the network code of *Deep Learning
from Scratch* (Affine, Relu, ..., SoftmaxWithLoss; SGD, Momentum, AdaGrad,
Adam; MultiLayerNet), which ``fastinit.layers``, ``fastinit.optim`` and
``fastinit.MultiLayerNet`` reproduce on compiled kernels."""
from . import functional, layers, net, optim
from .net import MultiLayerNet

__all__ = ["functional", "layers", "net", "optim", "MultiLayerNet"]
