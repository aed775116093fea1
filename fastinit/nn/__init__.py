"""Networks on the engine: the layers of *Deep Learning from Scratch* on
compiled kernels (``layers``), ``MultiLayerNet`` (``net``), the optimizers
(``optim``), the training loop (``train``), per-layer diagnostics
(``diagnose``) and LSUV initialization (``lsuv``).  Each mirrors its
pure-NumPy twin in :mod:`fastinit.reference`."""
from .diagnose import Diagnosis, LayerStats, diagnose
from .layers import Affine, LeakyRelu, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from .lsuv import lsuv
from .net import MultiLayerNet
from .optim import SGD, AdaGrad, Adam, Momentum
from .train import History, Run, run_side_by_side, train

__all__ = [
    "Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss",
    "MultiLayerNet", "SGD", "Momentum", "AdaGrad", "Adam",
    "train", "History", "Run", "run_side_by_side", "diagnose", "Diagnosis", "LayerStats",
    "lsuv",
]
