"""Whole models: ``fast_init`` (construction under fastinit) and
``reset_parameters`` (re-initialization of a built model)."""
# No ``from __future__ import annotations`` here: the functions patched into
# torch.nn.init need real (not string) annotations, as typing.get_type_hints
# would evaluate strings in torch.nn.init's namespace (following __wrapped__).
import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

import torch
from torch.overrides import TorchFunctionMode

from ..random import Generator, as_generator
from . import _tensor, init

__all__ = ["fast_init", "reset_parameters"]

_NN_INIT = torch.nn.init
# torch.nn.init functions that do not dispatch through __torch_function__
# and would draw from torch's generator (sparse_ via randperm) or transform
# torch's draws (trunc_normal_: erfinv_ on uniform_): replaced in the module
# for as long as a fast_init is active; a call from a thread without one
# goes to torch's own.
_PATCHED: dict[str, Callable[..., torch.Tensor]] = {
    "trunc_normal_": init.trunc_normal_, "orthogonal_": init.orthogonal_,
    "sparse_": init.sparse_}
_ORIGINAL: dict[str, Callable[..., Any]] = {name: getattr(_NN_INIT, name) for name in _PATCHED}
_patch_lock = threading.Lock()
_patch_users = 0
_active = threading.local()  # .generators: this thread's stack of fast_init generators
# a __torch_function__ handler: (generator, args, kwargs) -> result or NotImplemented
_Handler = Callable[[Generator, Sequence[Any], Mapping[str, Any]], object]


def _current_generator() -> Generator | None:
    stack: list[Generator] | None = getattr(_active, "generators", None)
    return stack[-1] if stack else None


def _patched(name: str) -> Callable[..., torch.Tensor]:
    ours, theirs = _PATCHED[name], _ORIGINAL[name]

    def dispatch(tensor: torch.Tensor, *args: Any, generator: torch.Generator | None = None,
                 **kwargs: Any) -> torch.Tensor:
        gen = _current_generator()
        if gen is None or generator is not None or not _fillable(tensor):
            return theirs(tensor, *args, generator=generator, **kwargs)
        return ours(tensor, *args, seed=gen, **kwargs)

    dispatch.__name__ = dispatch.__qualname__ = name
    dispatch.__doc__ = theirs.__doc__
    cast(Any, dispatch).__wrapped__ = theirs  # as functools.wraps sets it
    return dispatch


_DISPATCH: dict[str, Callable[..., torch.Tensor]] = {name: _patched(name) for name in _PATCHED}


def _fillable(tensor: object) -> bool:
    """A tensor fastinit fills itself: a dense float tensor of the four
    dtypes on the CPU (or a DTensor of one), plain or a Parameter; anything
    else (meta, CUDA, fake and functional tensors of tracing) stays torch's."""
    if not isinstance(tensor, torch.Tensor) or tensor.dtype not in _tensor.FLOAT_DTYPES:
        return False
    if tensor.layout != torch.strided or tensor.is_meta:
        return False
    if _tensor.is_dtensor(tensor):
        local_on_cpu: bool = tensor.to_local().device.type == "cpu"
        return local_on_cpu
    if type(tensor) not in (torch.Tensor, torch.nn.Parameter):
        return False
    on_cpu: bool = tensor.device.type == "cpu" and torch._debug_has_internal_overlap(tensor) != 1
    return on_cpu


def _arg(args: Sequence[Any], kwargs: Mapping[str, Any], position: int, name: str,
         default: Any) -> Any:
    if len(args) > position:
        return args[position]
    return kwargs.get(name, default)


def _method(fill: Callable[..., torch.Tensor], names: tuple[str, ...],
            defaults: tuple[float, ...]) -> _Handler:
    """Handler of a Tensor method ``t.<m>_(p0, p1, *, generator=None)``."""
    def handle(gen: Generator, args: Sequence[Any], kwargs: Mapping[str, Any]) -> object:
        tensor = args[0]
        if kwargs.get("generator") is not None or not _fillable(tensor):
            return NotImplemented
        if torch.is_grad_enabled() and tensor.requires_grad:
            return NotImplemented  # torch raises its own error for a leaf needing grad
        p = [_arg(args, kwargs, i + 1, n, d) for i, (n, d) in enumerate(zip(names, defaults))]
        return fill(tensor, *p, seed=gen)
    return handle


def _nn_init(fill: Callable[..., torch.Tensor], params: tuple[tuple[str, object], ...]
             ) -> _Handler:
    """Handler of a dispatching ``torch.nn.init.<f>_(tensor, ..., generator=None)``."""
    def handle(gen: Generator, args: Sequence[Any], kwargs: Mapping[str, Any]) -> object:
        tensor = _arg(args, kwargs, 0, "tensor", None)
        if kwargs.get("generator") is not None or not _fillable(tensor):
            return NotImplemented
        p = {n: _arg(args, kwargs, i + 1, n, d) for i, (n, d) in enumerate(params)}
        return fill(tensor, **p, seed=gen)
    return handle


def _factory(fill: Callable[..., object], like: bool) -> _Handler:
    """Handler of ``torch.randn``/``rand`` (``like``: ``randn_like``/``rand_like``):
    allocate as torch would, then fill."""
    def handle(gen: Generator, args: Sequence[Any], kwargs: Mapping[str, Any]) -> object:
        if kwargs.get("generator") is not None:
            return NotImplemented
        kw = dict(kwargs)
        requires_grad = kw.pop("requires_grad", False)
        kw.pop("generator", None)
        try:
            out = (torch.empty_like if like else torch.empty)(*args, **kw)
        except (TypeError, RuntimeError):
            return NotImplemented  # let torch report the bad call itself
        if not _fillable(out):
            return NotImplemented
        if out.numel():
            fill(out, seed=gen)
        return out.requires_grad_(requires_grad) if requires_grad else out
    return handle


_HANDLERS: dict[Callable[..., Any], _Handler] = {
    torch.Tensor.uniform_: _method(init.uniform_, ("from", "to"), (0.0, 1.0)),
    torch.Tensor.normal_: _method(init.normal_, ("mean", "std"), (0.0, 1.0)),
    _NN_INIT.uniform_: _nn_init(init.uniform_, (("a", 0.0), ("b", 1.0))),
    _NN_INIT.normal_: _nn_init(init.normal_, (("mean", 0.0), ("std", 1.0))),
    _NN_INIT.kaiming_uniform_: _nn_init(init.kaiming_uniform_, (
        ("a", 0), ("mode", "fan_in"), ("nonlinearity", "leaky_relu"))),
    torch.randn: _factory(lambda t, seed: init.normal_(t, seed=seed), like=False),
    torch.rand: _factory(lambda t, seed: init.uniform_(t, seed=seed), like=False),
    torch.randn_like: _factory(lambda t, seed: init.normal_(t, seed=seed), like=True),
    torch.rand_like: _factory(lambda t, seed: init.uniform_(t, seed=seed), like=True),
}


# TorchFunctionMode is Any to mypy: torch is not followed (follow_imports = "skip")
class _FastInitMode(TorchFunctionMode):  # type: ignore[misc]
    def __init__(self, generator: Generator) -> None:
        super().__init__()
        self.generator = generator

    def __torch_function__(self, func: Callable[..., Any], types: Sequence[type],
                           args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None
                           ) -> Any:
        kwargs = kwargs or {}
        handler = _HANDLERS.get(func)
        if handler is not None:
            result = handler(self.generator, args, kwargs)
            if result is not NotImplemented:
                return result
        return func(*args, **kwargs)


@contextlib.contextmanager
def fast_init(seed: init._Seed = None) -> Iterator[Generator]:
    """Build models under fastinit: inside the block, on CPU float tensors,
    ``torch.nn.init.*``, ``Tensor.uniform_``/``normal_`` and
    ``torch.rand``/``randn`` (and ``*_like``) draw from fastinit's stream
    with torch's distributions.  ``zero_``, ``fill_``, ``ones_``, ``eye_``
    and the like are deterministic and stay torch's.

    ``seed``: int, ``fastinit.random.Generator`` or None.  The same seed and
    the same construction order give bitwise the same model for any thread
    count.  A call given its own ``generator=`` keeps torch's generator.
    Yields the ``fastinit.random.Generator`` drawn from."""
    global _patch_users
    gen = as_generator(seed)
    with _patch_lock:
        if _patch_users == 0:
            for name, fn in _DISPATCH.items():
                setattr(_NN_INIT, name, fn)
        _patch_users += 1
    stack: list[Generator] | None = getattr(_active, "generators", None)
    if stack is None:
        stack = _active.generators = []
    stack.append(gen)
    try:
        with _FastInitMode(gen):
            yield gen
    finally:
        stack.pop()
        with _patch_lock:
            _patch_users -= 1
            if _patch_users == 0:
                for name, fn in _ORIGINAL.items():
                    setattr(_NN_INIT, name, fn)


def _post_order(module: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Submodules children first: a parent's reset (nn.Transformer's) comes
    after its children's, as in construction."""
    for child in module.children():
        yield from _post_order(child)
    yield module


def reset_parameters(module: torch.nn.Module, seed: init._Seed = None
                     ) -> torch.nn.Module:
    """Re-initialize every submodule of ``module`` that has
    ``reset_parameters`` (or ``_reset_parameters``: MultiheadAttention,
    Transformer) under ``fast_init(seed)``: torch's distributions, fastinit's
    stream.  Returns ``module``."""
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    for name, t in list(module.named_parameters()) + list(module.named_buffers()):
        if t.is_meta:
            raise ValueError(f"{name} is on the meta device and has no memory to fill: call "
                             "module.to_empty(device='cpu') first")
    seen: set[int] = set()
    with fast_init(seed):
        for m in _post_order(module):
            if id(m) in seen:
                continue
            seen.add(id(m))
            reset = getattr(m, "reset_parameters", None) or getattr(m, "_reset_parameters", None)
            if callable(reset):
                reset()
    return module
