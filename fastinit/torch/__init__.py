"""fastinit for PyTorch: ``torch.nn.init`` on fastinit's counter-based
generator, filling tensors through their own memory.

Three ways in::

    import fastinit.torch as ft

    ft.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), seed=0)  # one tensor
    with ft.fast_init(seed=0):                   # a whole model as it is built
        model = MyModel()
    ft.reset_parameters(model, seed=0)           # a built model, re-initialized

Values follow torch's distributions, fan and gain rules, but come from
fastinit's stream, not torch's: the same seed gives the same bits for any
thread count, kernel set and sharding (``global_shape=``/``index=``, or a
DTensor), never the bits torch's own generator gives.  See docs/torch.md.
"""
try:
    import torch as _torch
except ImportError as exc:  # pragma: no cover - exercised where torch is absent
    raise ImportError("fastinit.torch needs PyTorch: pip install 'fastinit[torch]' "
                      "(or install torch from pytorch.org for your platform)") from exc

from . import init
from ._construct import fast_init, reset_parameters

__all__ = ["init", "fast_init", "reset_parameters"]

del _torch
