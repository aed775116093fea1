"""A torch tensor's memory as a NumPy array, and the one fill path every
initializer of fastinit.torch takes (CPU, other devices, DTensor shards)."""
from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, cast

import ml_dtypes
import numpy as np
import torch

try:
    from torch.distributed.tensor import DTensor, Partial
    from torch.distributed.tensor._utils import compute_local_shape_and_global_offset
except ImportError:  # torch without distributed support
    DTensor = Partial = compute_local_shape_and_global_offset = None

FLOAT_DTYPES = (torch.float32, torch.float64, torch.bfloat16, torch.float16)
_DTYPE_NAMES = "float32, float64, bfloat16 or float16"


def is_dtensor(tensor: object) -> bool:
    return DTensor is not None and isinstance(tensor, DTensor)


def check_tensor(tensor: object, name: str = "tensor") -> torch.Tensor:
    """The checks every initializer makes before any work."""
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must have dtype {_DTYPE_NAMES}, got {tensor.dtype}")
    if tensor.layout != torch.strided:
        raise TypeError(f"{name} must be a dense (strided) tensor, got layout {tensor.layout}")
    if tensor.is_meta:
        raise ValueError(f"{name} is on the meta device and has no memory to fill: "
                         "materialize the model first (model.to_empty(device='cpu')), "
                         "then call fastinit.torch.reset_parameters(model, seed=...)")
    if not is_dtensor(tensor) and torch._debug_has_internal_overlap(tensor) == 1:
        raise ValueError(f"{name} has elements that share memory (an expanded view); "
                         "fill the tensor it was expanded from")
    return tensor


def as_ndarray(tensor: torch.Tensor) -> np.ndarray[Any, Any]:
    """The CPU tensor's memory as a writable NumPy array (no copy): bfloat16
    is read as int16 and viewed as ml_dtypes.bfloat16."""
    t = tensor.detach()
    if t.dtype == torch.bfloat16:
        return cast("np.ndarray[Any, Any]", t.view(torch.int16).numpy().view(ml_dtypes.bfloat16))
    return cast("np.ndarray[Any, Any]", t.numpy())


def _dtensor_block(
        tensor: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...], tuple[slice, ...]]:
    """``(local tensor, global_shape, index)`` of this rank's shard."""
    if any(isinstance(p, Partial) for p in tensor.placements):
        raise ValueError("a DTensor with a Partial placement holds summands, not a block "
                         "of the tensor: redistribute it to Shard or Replicate first")
    shape, offset = compute_local_shape_and_global_offset(
        tensor.shape, tensor.device_mesh, tensor.placements)
    local = tensor.to_local()
    if tuple(local.shape) != tuple(shape):
        raise ValueError(f"DTensor's local tensor has shape {tuple(local.shape)}, its "
                         f"placements say {tuple(shape)}")
    index = tuple(slice(o, o + s) for o, s in zip(offset, shape))
    return local, tuple(tensor.shape), index


def fill(tensor: torch.Tensor, fill_array: Callable[..., object], *,
         global_shape: Sequence[int] | None = None, index: tuple[slice, ...] | None = None,
         shardable: bool = True) -> torch.Tensor:
    """Run ``fill_array(array, global_shape=, index=)`` on the memory of
    ``tensor`` (checked by the caller) and return ``tensor``.

    A DTensor fills its local shard at its place in the global tensor.  A
    tensor on another device (CUDA, ...) is filled on the CPU and copied."""
    target = tensor
    if is_dtensor(tensor):
        if global_shape is not None or index is not None:
            raise ValueError("a DTensor carries its own global shape and placement: "
                             "do not pass global_shape or index with it")
        if not shardable:
            raise TypeError("this initializer is not elementwise and cannot fill a DTensor "
                            "shard by shard: fill a full tensor and distribute it")
        target, global_shape, index = _dtensor_block(tensor)
    elif not shardable and (global_shape is not None or index is not None):
        raise TypeError("this initializer is not elementwise: global_shape and index "
                        "apply to the elementwise ones only")
    if target.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return tensor
    shard: dict[str, Any] = {} if global_shape is None and index is None else \
        {"global_shape": global_shape, "index": index}
    if target.device.type == "cpu":
        fill_array(as_ndarray(target), **shard)
        # writes through NumPy bypass autograd's version counter; bump it as
        # torch's own in-place ops do, so a stale saved tensor is caught
        torch.autograd.graph.increment_version(target)
    else:
        staging = torch.empty(target.shape, dtype=target.dtype)
        fill_array(as_ndarray(staging), **shard)
        with torch.no_grad():
            target.copy_(staging)
    return tensor

