"""Layer-sequential unit-variance initialization (LSUV; Mishkin & Matas,
"All you need is a good init", ICLR 2016): a data-dependent init that
starts from orthogonal weights and rescales each layer, first to last,
until its output variance on a batch is 1."""
from __future__ import annotations

import math
import numpy as np
from numpy.typing import ArrayLike

from .. import init, ops
from .._validate import index, real_number
from ..init import Seed
from ..random import as_generator
from .net import LEAKY_SLOPE, MultiLayerNet, check_net

__all__ = ["lsuv"]


def lsuv(net: MultiLayerNet, x_batch: ArrayLike, tol: float = 0.1, max_iter: int = 10,
         seed: Seed = None) -> MultiLayerNet:
    """Initialize ``net`` (a fastinit.MultiLayerNet) in place by LSUV.

    1. Every W is replaced by a random orthogonal matrix (biases are kept,
       normally zero).
    2. For each layer in turn, its output before the activation on
       ``x_batch`` (the logits for the last layer) is computed and W is
       scaled by ``1 / std`` until ``|var - 1| < tol`` or ``max_iter``
       scalings were made.

    x_batch should be a representative batch (hundreds of samples).
    seed: int, fastinit.random.Generator or None, for the orthogonal draw.
    Returns ``net``.  A layer whose output has zero variance (e.g. all
    inputs dead) cannot be rescaled: ValueError.
    """
    check_net(net)
    tol = real_number(tol, "tol")
    if not tol > 0:
        raise ValueError(f"tol must be > 0, got {tol}")
    max_iter = index(max_iter, "max_iter", minimum=1)
    x = net.check_inputs(x_batch)
    params = net.param_list()
    gen = as_generator(seed)
    L = len(params) // 2
    h = x
    for i in range(L):
        W, b = params[2 * i], params[2 * i + 1]
        init.orthogonal_(W, seed=gen)
        for _ in range(max_iter):
            z = ops.affine(h, W, b)
            var = float(z.var(dtype=np.float64))
            if abs(var - 1.0) < tol:
                break
            if not var > 0 or not math.isfinite(var):
                raise ValueError(f"LSUV: layer {i + 1} output has variance {var} on this "
                                 "batch and cannot be rescaled to 1")
            W *= W.dtype.type(1.0 / math.sqrt(var))
        else:
            z = ops.affine(h, W, b)
        if i < L - 1:
            h = ops.activation(net.activation, z, slope=LEAKY_SLOPE)
    return net
