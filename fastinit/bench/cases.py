"""The benchmark cases, ``CASES``: what is timed, at which sizes, against
which targets, and the setups that build each case's inputs and
implementations."""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Callable, Literal, Optional, Sequence

import numpy as np
from numpy.typing import DTypeLike, NDArray

IMPLS = ("fastinit", "numpy", "torch")
TEN_M = 10_000_000
ONE_M = 1_000_000
SEED_NET = (784, (100, 100, 100, 100), 10)
SEED_BATCH = 128
# Environment variables that make OpenBLAS pick slower kernels than it would.
OPENBLAS_SLOWDOWN_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


class Unavailable(Exception):
    """A case cannot run here (its API or a library is missing)."""


# A cold call (one call after idle) may take at most this much longer than
# a warm one: COLD_FACTOR times the warm time, or the warm time plus
# COLD_SLACK seconds where that is larger (the cold-call issue's rule for
# every kernel).
COLD_FACTOR = 1.5
COLD_SLACK = 0.3e-3


def cold_limit(warm: float) -> float:
    """The longest cold time the cold-call rule allows for a kernel whose
    warm time is ``warm`` seconds."""
    return max(COLD_FACTOR * warm, warm + COLD_SLACK)


@dataclasses.dataclass(frozen=True)
class Target:
    """The speed a case must reach: minimum median ratios (baseline time /
    fastinit time) against NumPy and PyTorch, or, for the memory case, the
    largest RSS growth in MiB.  The cold fields judge the samples taken one
    call after idle: ``cold_numpy`` is the minimum ratio of the baseline's
    cold time to fastinit's, ``cold_warm`` the largest ratio of fastinit's
    cold time to its own warm time (beyond the rule of :func:`cold_limit`,
    which every cold-timed case with a target obeys)."""
    numpy: Optional[float] = None
    torch: Optional[float] = None
    max_rss_mib: Optional[float] = None
    cold_numpy: Optional[float] = None
    cold_warm: Optional[float] = None
    max_rss_ratio: Optional[float] = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.numpy is not None:
            parts.append(f">={self.numpy:g}x")
        if self.torch is not None:
            parts.append(f">={self.torch:g}x torch")
        if self.max_rss_mib is not None:
            parts.append(f"<={self.max_rss_mib:g} MiB")
        if self.cold_numpy is not None:
            parts.append(f"cold >={self.cold_numpy:g}x")
        if self.cold_warm is not None:
            parts.append(f"cold <={self.cold_warm:g}x warm")
        if self.max_rss_ratio is not None:
            parts.append(f"peak RSS <={self.max_rss_ratio:g}x")
        return ", ".join(parts) or "-"


# A case's size: a shape (ints), a model config name (one str), or a dict of
# parameters as its last item.
Size = tuple[Any, ...]
# A zero-argument callable timed by a case (the process cases' return
# (seconds, peak RSS bytes); the others' results are unused).
Call = Callable[[], Any]
# "time": warm (and cold) timings; "memory": RSS growth; "process": one
# fresh process per sample.
Kind = Literal["time", "memory", "process"]


@dataclasses.dataclass
class Impls:
    """What a case's setup returns: zero-argument callables on the same
    inputs.  ``threads`` optionally maps an implementation name to the
    fastinit thread count used while timing it (the scaling cases)."""
    fastinit: Call
    numpy: Call
    torch: Optional[Call] = None
    threads: dict[str, int] = dataclasses.field(default_factory=dict)

    def items(self) -> list[tuple[str, Call]]:
        return [(n, getattr(self, n)) for n in IMPLS if getattr(self, n) is not None]


# A case's setup: (size, dtype, torch module or None) -> Impls.
Setup = Callable[[Size, str, Any], Impls]


@dataclasses.dataclass(frozen=True, eq=False)
class Case:
    """One benchmark: ``setup(size, dtype, torch)`` builds the inputs for
    ``size`` (``quick_size`` in quick mode) and returns an :class:`Impls`;
    ``torch`` is the torch module or None."""
    name: str
    size: Size
    quick_size: Size
    setup: Setup
    dtype: str = "float32"
    target: Optional[Target] = None
    group: str = "ops"          # the bench/test_bench_<group>.py that runs it
    threads: Optional[int] = None  # None: fastinit's default thread count
    baseline: str = "numpy"     # what the NumPy column holds
    repeats: Optional[int] = None  # fewer repeats for long cases
    kind: Kind = "time"         # "time", "memory" or "process" (one fresh process per sample)
    cold: bool = True           # also timed one call after idle (kind "time" only)
    describe: str = ""

    def shape(self, quick: bool = False) -> str:
        size = self.quick_size if quick else self.size
        if self.kind == "memory":
            return f"{size[0]} steps"
        if isinstance(size[-1], dict):
            return ",".join(f"{k}={v}" for k, v in size[-1].items())
        return "x".join(str(s) for s in size)

    def id(self, quick: bool = False) -> str:
        return f"{self.name}/{self.shape(quick)}/{self.dtype}"


# --------------------------------------------------------------------------
# Setups: inputs and the three implementations of each case
# --------------------------------------------------------------------------

def _normal(shape: int | tuple[int, ...], dtype: DTypeLike, seed: int = 0) -> NDArray[Any]:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _require(module: str, *names: str) -> list[Any]:
    """Import ``fastinit.<module>`` and return its attributes ``names``,
    raising Unavailable when the module or a name is missing."""
    import importlib
    try:
        mod = importlib.import_module(f"fastinit.{module}")
    except ImportError as exc:
        raise Unavailable(f"fastinit.{module} is not available ({exc})") from None
    try:
        return [getattr(mod, n) for n in names]
    except AttributeError as exc:
        raise Unavailable(f"fastinit.{module} lacks {exc.name or exc}") from None


def _torch_dtype(torch: Any, dtype: str) -> Any:
    return getattr(torch, dtype)  # float32, float64, float16, bfloat16


def _setup_matmul(size: Size, dtype: str, torch: Any) -> Impls:
    (matmul,) = _require("ops", "matmul")
    m, k, n = size
    a, b = _normal((m, k), dtype, 1), _normal((k, n), dtype, 2)
    out = np.empty((m, n), dtype)
    impls = Impls(lambda: matmul(a, b, out=out), lambda: np.matmul(a, b, out=out))
    if torch is not None:
        ta, tb, tout = (torch.from_numpy(v) for v in (a, b, out))
        impls.torch = lambda: torch.mm(ta, tb, out=tout)
    return impls


def _setup_fill(method: Literal["normal", "uniform"], size: Size, dtype: str,
                torch: Any) -> Impls:
    """Fill a preallocated array: fastinit.random.Generator.<method> against
    numpy.random.Generator (PCG64) and torch's in-place fill."""
    (Generator,) = _require("random", "Generator")
    gen, rng = Generator(0), np.random.default_rng(0)
    buf = np.empty(size, dtype)
    fill = getattr(gen, method)
    np_fill: Callable[..., Any] = rng.standard_normal if method == "normal" else rng.random
    impls = Impls(lambda: fill(dtype=buf.dtype, out=buf),
                  lambda: np_fill(dtype=buf.dtype, out=buf))
    if torch is not None:
        t = torch.empty(size, dtype=_torch_dtype(torch, dtype))
        impls.torch = t.normal_ if method == "normal" else t.uniform_
    return impls


def _setup_normal(size: Size, dtype: str, torch: Any) -> Impls:
    return _setup_fill("normal", size, dtype, torch)


def _setup_half_fill(method: Literal["normal", "uniform"]) -> Setup:
    """A 16-bit fill (float16 or bfloat16) written by the kernels, against
    what a NumPy user does (the float32 fill, then ``.astype``) and torch's
    in-place fill of a tensor of that dtype."""
    def setup(size: Size, dtype: str, torch: Any) -> Impls:
        (Generator,) = _require("random", "Generator")
        from .._validate import fill_dtype
        gen, rng = Generator(0), np.random.default_rng(0)
        half = fill_dtype(dtype)
        buf = np.empty(size, half)
        fill = getattr(gen, method)
        np_fill: Callable[..., Any] = rng.standard_normal if method == "normal" else rng.random
        impls = Impls(lambda: fill(out=buf),
                      lambda: np_fill(size, dtype=np.float32).astype(half))
        if torch is not None:
            t = torch.empty(size, dtype=_torch_dtype(torch, dtype))
            impls.torch = t.normal_ if method == "normal" else t.uniform_
        return impls
    return setup


def _half_vs_float32(method: Literal["normal", "uniform"]) -> Setup:
    """fastinit's 16-bit fill (the fastinit column) against its own float32
    fill of the same count (the baseline column)."""
    def setup(size: Size, dtype: str, torch: Any) -> Impls:
        (Generator,) = _require("random", "Generator")
        half = _setup_half_fill(method)(size, dtype, None).fastinit
        fill32 = getattr(Generator(0), method)
        buf32 = np.empty(size, np.float32)
        return Impls(half, lambda: fill32(out=buf32))
    return setup


def _setup_uniform(size: Size, dtype: str, torch: Any) -> Impls:
    return _setup_fill("uniform", size, dtype, torch)


def _thread_scaling(setup: Setup) -> Setup:
    """A setup timing fastinit's implementation from ``setup`` on 2 threads
    (the fastinit column) against 1 thread (the baseline column)."""
    def scaling(size: Size, dtype: str, torch: Any) -> Impls:
        fn = setup(size, dtype, None).fastinit
        return Impls(fn, fn, threads={"fastinit": 2, "numpy": 1})
    return scaling


def _setup_initializer(name: str, size: Size, dtype: str, torch: Any) -> Impls:
    """A new (fan_in, fan_out) weight from fastinit.init.<name> against the
    NumPy one-liner a user writes and torch.nn.init.<name>_ on torch.empty."""
    (init,) = _require("init", name)
    fan_in, fan_out = size
    rng = np.random.default_rng(0)
    np_dtype = np.dtype(dtype)
    if name == "he_normal":
        std = math.sqrt(2.0 / fan_in)

        def numpy_fn() -> NDArray[Any]:
            weight: NDArray[Any] = rng.standard_normal(size, dtype=np_dtype) * np_dtype.type(std)
            return weight
        torch_name = "kaiming_normal_"
    else:
        bound = np_dtype.type(math.sqrt(6.0 / (fan_in + fan_out)))

        def numpy_fn() -> NDArray[Any]:
            weight: NDArray[Any] = rng.random(size, dtype=np_dtype) * (2 * bound) - bound
            return weight
        torch_name = "xavier_uniform_"
    impls = Impls(lambda: init(size, dtype=np_dtype, seed=0), numpy_fn)
    if torch is not None:
        torch_init = getattr(torch.nn.init, torch_name)
        tdtype = _torch_dtype(torch, dtype)
        # torch.nn.init reads (fan_out, fan_in): same numbers for a square matrix.
        impls.torch = lambda: torch_init(torch.empty(size[::-1], dtype=tdtype))
    return impls


def _setup_he_normal(size: Size, dtype: str, torch: Any) -> Impls:
    return _setup_initializer("he_normal", size, dtype, torch)


def _setup_xavier_uniform(size: Size, dtype: str, torch: Any) -> Impls:
    return _setup_initializer("xavier_uniform", size, dtype, torch)


def _unary_setup(op: str, numpy_fn: Callable[[NDArray[Any], NDArray[Any]], object],
                 torch_fn: Callable[[Any, Any, Any], object]) -> Setup:
    """A setup for ``fastinit.ops.<op>(x, out=out)`` on standard normal x
    against ``numpy_fn(x, out)`` and ``torch_fn(torch, x, out)``."""
    def setup(size: Size, dtype: str, torch: Any) -> Impls:
        (fn,) = _require("ops", op)
        x = _normal(size, dtype)
        out = np.empty_like(x)
        impls = Impls(lambda: fn(x, out=out), lambda: numpy_fn(x, out))
        if torch is not None:
            tx, tout = torch.from_numpy(x), torch.from_numpy(out)
            impls.torch = lambda: torch_fn(torch, tx, tout)
        return impls
    return setup


# sigmoid: NumPy evaluates the expression as a user writes it (the issue's
# baseline); tanh and relu write into out= on every side.
_setup_sigmoid = _unary_setup("sigmoid", lambda x, out: 1 / (1 + np.exp(-x)),
                              lambda torch, x, out: torch.sigmoid(x, out=out))
_setup_tanh = _unary_setup("tanh", lambda x, out: np.tanh(x, out=out),
                           lambda torch, x, out: torch.tanh(x, out=out))
_setup_relu = _unary_setup("relu", lambda x, out: np.maximum(0, x, out=out),
                           lambda torch, x, out: torch.clamp(x, min=0, out=out))


def _setup_affine_relu(size: Size, dtype: str, torch: Any) -> Impls:
    (affine,) = _require("ops", "affine")
    n, d, m = size
    x, W, b = _normal((n, d), dtype, 1), _normal((d, m), dtype, 2), _normal(m, dtype, 3)
    out = np.empty((n, m), dtype)
    impls = Impls(lambda: affine(x, W, b, "relu", out=out),
                  lambda: np.maximum(0, x @ W + b))
    if torch is not None:
        tx, tW, tb, tout = (torch.from_numpy(v) for v in (x, W, b, out))
        impls.torch = lambda: torch.addmm(tb, tx, tW, out=tout).relu_()
    return impls


def _seed_batch(dtype: str, batch: int = SEED_BATCH,
                seed: int = 0) -> tuple[NDArray[Any], NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    x = rng.random((batch, SEED_NET[0])).astype(dtype)
    t = rng.integers(0, SEED_NET[2], batch)
    return x, t


def _seed_nets(dtype: str) -> list[tuple[Any, Any]]:
    """The seed MLP (784-100x4-10, ReLU, He init) on the native and the
    NumPy backend, each with its own SGD(lr=0.01)."""
    MultiLayerNet, = _require("nn.net", "MultiLayerNet")
    SGD, = _require("nn.optim", "SGD")
    n_in, hidden, n_out = SEED_NET
    nets = [MultiLayerNet(n_in, list(hidden), n_out, activation="relu",
                          weight_init_std="he", dtype=np.dtype(dtype), seed=0, backend=b)
            for b in ("native", "numpy")]
    return [(net, SGD(lr=0.01)) for net in nets]


def _torch_seed_step(torch: Any, dtype: str, x: NDArray[Any],
                     t: NDArray[Any]) -> Callable[[], float]:
    """One SGD step of the seed MLP in torch: nn.Sequential + CrossEntropyLoss."""
    n_in, hidden, n_out = SEED_NET
    torch.manual_seed(0)
    layers, width = [], n_in
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, n_out))
    model = torch.nn.Sequential(*layers).to(_torch_dtype(torch, dtype))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    tx, tt = torch.from_numpy(x), torch.from_numpy(t)

    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(tx), tt)
        loss.backward()
        opt.step()
        value: float = loss.item()
        return value
    return step


def _setup_train_step(size: Size, dtype: str, torch: Any) -> Impls:
    (native, nopt), (ref, ropt) = _seed_nets(dtype)
    x, t = _seed_batch(dtype, size[-1]["batch"])
    impls = Impls(lambda: native.train_step(x, t, nopt), lambda: ref.train_step(x, t, ropt))
    if torch is not None:
        impls.torch = _torch_seed_step(torch, dtype, x, t)
    return impls


def _setup_torch_build(size: Size, dtype: str, torch: Any) -> Impls:
    """Build a torch model in a fresh process per sample: under
    ``fastinit.torch.fast_init`` (the fastinit column) and with torch's
    default init (the baseline column).  Each callable returns (seconds,
    peak RSS bytes) as the child measured them."""
    if torch is None:
        raise Unavailable("torch is not installed")
    return _fresh_processes(size[0], dtype, "fastinit", "torch")


def _setup_weights_fresh(framework: Literal["jax", "keras"]) -> Setup:
    """Every weight of the model, initialized once in a fresh process per
    sample: ``fastinit.<framework>`` against the framework's own."""
    def setup(size: Size, dtype: str, torch: Any) -> Impls:
        import importlib.util
        if importlib.util.find_spec(framework) is None:
            raise Unavailable(f"{framework} is not installed")
        return _fresh_processes(size[0], dtype, f"fastinit.{framework}", framework)
    return setup


def _fresh_processes(config: str, dtype: str, ours: str, theirs: str) -> Impls:
    """Callables that run ``python -m fastinit.bench.models config dtype how``
    and return the (seconds, peak RSS bytes) the child measured."""
    import json
    import subprocess
    import sys
    import tempfile

    def child(how: str) -> Callable[[], tuple[float, int]]:
        def run() -> tuple[float, int]:
            import fastinit
            # from the temporary folder: in a source checkout the working
            # folder's unbuilt fastinit/ would shadow the installed package
            out = subprocess.run(
                [sys.executable, "-m", "fastinit.bench.models", config, dtype, how,
                 str(fastinit.get_num_threads())],
                capture_output=True, text=True, cwd=tempfile.gettempdir())
            if out.returncode:
                raise RuntimeError(f"the {how} build failed: {out.stderr.strip()[-500:]}")
            res = json.loads(out.stdout.strip().splitlines()[-1])
            return res["seconds"], res["peak_rss"]
        return run
    return Impls(child(ours), child(theirs))


def _setup_torch_reset(size: Size, dtype: str, torch: Any) -> Impls:
    """``fastinit.torch.reset_parameters`` of a built model against calling
    each module's own ``reset_parameters``."""
    if torch is None:
        raise Unavailable("torch is not installed")
    (reset,) = _require("torch", "reset_parameters")
    from .models import build
    model = build(torch, size[0])
    own = [m for m in model.modules() if hasattr(m, "reset_parameters")]

    def torch_reset() -> None:
        for m in own:
            m.reset_parameters()
    return Impls(lambda: reset(model, seed=0), torch_reset)


def _setup_jax_init(name: str, jax_args: tuple[float, ...]) -> Setup:
    """Every weight of the model ``size[0]`` as a ``jax.Array`` (transfer
    included, ``block_until_ready``): ``fastinit.jax.<name>(*jax_args)``
    against ``jax.nn.initializers.<name>(*jax_args)`` on the CPU."""
    def setup(size: Size, dtype: str, torch: Any) -> Impls:
        try:
            import jax
            import jax.numpy as jnp
        except ImportError:
            raise Unavailable("jax is not installed") from None
        import importlib
        fj = importlib.import_module("fastinit.jax")
        from .models import jax_weights, weight_keys
        (config,) = size
        dt = getattr(jnp, dtype)
        ours, theirs = getattr(fj, name)(*jax_args), getattr(jax.nn.initializers, name)(*jax_args)
        keys = weight_keys(jax, config)

        def make(init: Any) -> Call:
            return lambda: jax_weights(jax, init, keys, config, dt)
        return Impls(make(ours), make(theirs))
    return setup


def _setup_keras_dense(size: Size, dtype: str, torch: Any) -> Impls:
    """A stack of Dense layers with the model's weight shapes built with
    ``fastinit.keras.HeNormal`` against ``keras.initializers.HeNormal``."""
    import importlib
    import os
    os.environ.setdefault("KERAS_BACKEND", "jax")
    try:
        keras = importlib.import_module("keras")
    except ImportError:
        raise Unavailable("keras is not installed") from None
    except Exception as exc:  # noqa: BLE001 - a backend that cannot load
        raise Unavailable(f"keras cannot load its backend ({exc})") from None
    fk = importlib.import_module("fastinit.keras")
    from .models import dense_stack
    (config,) = size

    def make(initializer: Any) -> Call:
        return lambda: dense_stack(keras, initializer, config, dtype)
    return Impls(make(fk.HeNormal(seed=0)), make(keras.initializers.HeNormal(seed=0)))


def _setup_train_memory(size: Size, dtype: str, torch: Any) -> Impls:
    return _setup_train_step(({"batch": SEED_BATCH},), dtype, None)


def _call_quietly(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call an experiment with its progress bar off when it has one."""
    import inspect
    if "progress" in inspect.signature(fn).parameters:
        kwargs["progress"] = False
    return fn(**kwargs)


def _comparison_data(
        dtype: str, n_train: int = 8000, n_test: int = 2000,
) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[Any], NDArray[np.int64]]:
    """Synthetic MNIST-shaped data (timing does not depend on the digits)."""
    rng = np.random.default_rng(0)
    x = rng.random((n_train + n_test, SEED_NET[0])).astype(dtype)
    t = rng.integers(0, SEED_NET[2], n_train + n_test)
    return x[:n_train], t[:n_train], x[n_train:], t[n_train:]


def _setup_experiment(name: str,
                      make_kwargs: Callable[[dict[str, Any], str], dict[str, Any]]) -> Setup:
    def setup(size: Size, dtype: str, torch: Any) -> Impls:
        (experiment,) = _require("study.experiments", name)
        kwargs = make_kwargs(size[-1], dtype)
        return Impls(lambda: _call_quietly(experiment, backend="native", **kwargs),
                     lambda: _call_quietly(experiment, backend="numpy", **kwargs))
    return setup


_setup_init_comparison = _setup_experiment(
    "init_comparison",
    lambda params, dtype: dict(data=_comparison_data(dtype), dtype=np.dtype(dtype), **params))
_setup_activation_histograms = _setup_experiment(
    "activation_histograms", lambda params, dtype: dict(params))


# --------------------------------------------------------------------------
# The case list: one place, shared by `fastinit bench` and bench/
# --------------------------------------------------------------------------

def _cases() -> tuple[Case, ...]:
    cases: list[Case] = []
    for dtype in ("float32", "float64"):
        f32 = dtype == "float32"

        def t(**kw: float) -> Optional[Target]:
            return Target(**kw) if f32 else None
        cases += [
            Case("mlp_train_step", ({"batch": SEED_BATCH},), ({"batch": 16},),
                 _setup_train_step, dtype,
                 t(numpy=3, torch=1.5, cold_numpy=2, cold_warm=1.3), group="nets",
                 describe="seed MLP 784-100x4-10, ReLU, SGD: MultiLayerNet.train_step, "
                          "native vs backend='numpy' vs torch nn.Sequential + SGD"),
        ]
        for m in (512, 1024, 2048):
            cold = {"cold_numpy": 0.9} if m == 512 else {}
            cases.append(Case("sgemm", (m, m, m), (m // 16,) * 3, _setup_matmul, dtype,
                              t(numpy=0.9, **cold), group="linalg",
                              describe="ops.matmul(a, b, out=c) vs np.matmul(a, b, out=c)"))
        for m, k, n in ((128, 784, 100), (128, 100, 100), (1000, 100, 100)):
            cases.append(Case("sgemm", (m, k, n), (m, k, n), _setup_matmul, dtype,
                              t(numpy=1.2, cold_numpy=1.0), group="linalg",
                              describe="the seed net's GEMM shapes"))
        cases += [
            Case("affine_relu", (1000, 100, 100), (100, 100, 100), _setup_affine_relu, dtype,
                 t(numpy=1.3), group="linalg",
                 describe="ops.affine(x, W, b, 'relu', out=) vs np.maximum(0, x @ W + b)"),
            Case("normal_fill", (TEN_M,), (100_000,), _setup_normal, dtype,
                 t(numpy=8, torch=4), group="random",
                 describe="Generator.normal(out=) vs numpy Generator.standard_normal(out=) "
                          "vs torch normal_"),
            Case("uniform_fill", (TEN_M,), (100_000,), _setup_uniform, dtype,
                 t(numpy=3), group="random",
                 describe="Generator.uniform(out=) vs numpy Generator.random(out=) "
                          "vs torch uniform_"),
            # The cold-call targets are stated for 1M elements: a call short
            # enough that waking the threads is a large part of it.
            Case("normal_fill", (ONE_M,), (50_000,), _setup_normal, dtype,
                 t(numpy=8, cold_numpy=8), group="random",
                 describe="as normal_fill, 1M elements (the cold-call size)"),
            Case("uniform_fill", (ONE_M,), (50_000,), _setup_uniform, dtype,
                 t(numpy=3, cold_numpy=3), group="random",
                 describe="as uniform_fill, 1M elements (the cold-call size)"),
            Case("he_normal", (4096, 4096), (256, 256), _setup_he_normal, dtype,
                 t(numpy=6), group="random",
                 describe="init.he_normal vs rng.standard_normal(shape) * std"),
            Case("xavier_uniform", (4096, 4096), (256, 256), _setup_xavier_uniform, dtype,
                 t(numpy=6), group="random",
                 describe="init.xavier_uniform vs rng.random(shape) * 2a - a"),
            Case("sigmoid", (TEN_M,), (100_000,), _setup_sigmoid, dtype,
                 t(numpy=4), group="activations",
                 describe="ops.sigmoid(x, out=) vs 1 / (1 + np.exp(-x))"),
            Case("sigmoid", (ONE_M,), (50_000,), _setup_sigmoid, dtype,
                 t(numpy=4, cold_numpy=4), group="activations",
                 describe="as sigmoid, 1M elements (the cold-call size)"),
            Case("tanh", (TEN_M,), (100_000,), _setup_tanh, dtype,
                 t(numpy=1.3), group="activations",
                 describe="ops.tanh(x, out=) vs np.tanh(x, out=)"),
            Case("relu", (TEN_M,), (100_000,), _setup_relu, dtype,
                 t(numpy=1.3), group="activations",
                 describe="ops.relu(x, out=) vs np.maximum(0, x, out=)"),
        ]
    cases += [
        Case("init_comparison", ({"iterations": 2000},), ({"iterations": 5},),
             _setup_init_comparison, target=Target(numpy=3), group="nets", repeats=3,
             cold=False,
             describe="experiments.init_comparison on 8,000 synthetic MNIST-shaped images, "
                      "native (its 3 runs side by side, the default) vs backend='numpy'"),
        Case("activation_histograms", ({"samples": 1000},), ({"samples": 100},),
             _setup_activation_histograms, target=Target(numpy=5), group="nets", cold=False,
             describe="experiments.activation_histograms, full grid, native vs backend='numpy'"),
        Case("sgemm_threads", (1024, 1024, 1024), (128, 128, 128),
             _thread_scaling(_setup_matmul),
             target=Target(numpy=1.7), group="threads", threads=2, baseline="1 thread",
             cold=False, describe="ops.matmul on 2 threads vs 1 thread"),
        Case("normal_fill_threads", (TEN_M,), (100_000,), _thread_scaling(_setup_normal),
             target=Target(numpy=1.7), group="threads", threads=2, baseline="1 thread",
             cold=False, describe="Generator.normal(out=) on 2 threads vs 1 thread"),
        Case("normal_fill", (TEN_M,), (100_000,), _setup_half_fill("normal"), "bfloat16",
             Target(numpy=15), group="random",
             describe="Generator.normal(out=) into bfloat16 vs numpy standard_normal(float32)"
                      ".astype(bfloat16) vs torch normal_ on a bfloat16 tensor"),
        Case("uniform_fill", (TEN_M,), (100_000,), _setup_half_fill("uniform"), "bfloat16",
             group="random", describe="as above, uniform"),
        Case("normal_fill", (TEN_M,), (100_000,), _setup_half_fill("normal"), "float16",
             group="random", describe="as above, float16"),
        Case("uniform_fill", (TEN_M,), (100_000,), _setup_half_fill("uniform"), "float16",
             group="random", describe="as above, float16"),
        Case("normal_fill_half", (TEN_M,), (100_000,), _half_vs_float32("normal"), "bfloat16",
             Target(numpy=1.5), group="random", baseline="float32", cold=False,
             describe="Generator.normal into bfloat16 vs into float32 (fastinit both)"),
        Case("uniform_fill_half", (TEN_M,), (100_000,), _half_vs_float32("uniform"), "float16",
             Target(numpy=1.5), group="random", baseline="float32", cold=False,
             describe="Generator.uniform into float16 vs into float32 (fastinit both)"),
        Case("torch_build", ("gpt2-124M",), ("tiny",), _setup_torch_build, "float32",
             Target(numpy=8, max_rss_ratio=1.05), group="torch", kind="process", repeats=5,
             baseline="torch init", cold=False,
             describe="build a GPT-2-small-shaped model (124M parameters, plain torch.nn) "
                      "under fastinit.torch.fast_init vs with torch's default init, "
                      "a fresh process per build"),
        Case("torch_build", ("gpt2-124M",), ("tiny",), _setup_torch_build, "bfloat16",
             Target(numpy=10, max_rss_ratio=1.05), group="torch", kind="process", repeats=5,
             baseline="torch init", cold=False,
             describe="as above, built in bfloat16 (torch.set_default_dtype)"),
        Case("torch_build", ("decoder-1B",), ("tiny-wide",), _setup_torch_build, "float32",
             Target(max_rss_ratio=1.05), group="torch", kind="process", repeats=3,
             baseline="torch init", cold=False,
             describe="as above, a 1.06B-parameter decoder of the same family "
                      "(width 2048, 19 blocks)"),
        Case("torch_reset", ("gpt2-124M",), ("tiny",), _setup_torch_reset, "float32",
             Target(numpy=8), group="torch", repeats=5, baseline="torch init", cold=False,
             describe="fastinit.torch.reset_parameters(model) vs each module's own "
                      "reset_parameters()"),
        Case("jax_normal", ("gpt2-124M",), ("tiny",), _setup_jax_init("normal", (0.02,)),
             "float32", Target(numpy=5), group="frameworks", repeats=5, baseline="jax",
             cold=False, describe="every GPT-2-small weight (124M) as a jax.Array: "
                                  "fastinit.jax.normal(0.02) vs jax.nn.initializers.normal(0.02)"),
        Case("jax_normal", ("gpt2-124M",), ("tiny",), _setup_jax_init("normal", (0.02,)),
             "bfloat16", Target(numpy=8), group="frameworks", repeats=5, baseline="jax",
             cold=False, describe="as above, bfloat16"),
        Case("jax_lecun_normal", ("gpt2-124M",), ("tiny",), _setup_jax_init("lecun_normal", ()),
             "float32", group="frameworks", repeats=5, baseline="jax", cold=False,
             describe="as above, lecun_normal (a truncated normal)"),
        Case("keras_dense", ("gpt2-124M",), ("tiny",), _setup_keras_dense, "float32",
             Target(numpy=5), group="frameworks", repeats=5, baseline="keras", cold=False,
             describe="build Dense layers of every GPT-2-small weight shape: "
                      "fastinit.keras.HeNormal vs keras.initializers.HeNormal"),
        Case("jax_normal_fresh", ("gpt2-124M",), ("tiny",), _setup_weights_fresh("jax"),
             "float32", group="frameworks", kind="process", repeats=5, baseline="jax",
             cold=False, describe="as jax_normal, once in a fresh process per sample "
                                  "(JAX compiles each new shape)"),
        Case("jax_normal_fresh", ("gpt2-124M",), ("tiny",), _setup_weights_fresh("jax"),
             "bfloat16", group="frameworks", kind="process", repeats=5, baseline="jax",
             cold=False, describe="as above, bfloat16"),
        Case("keras_dense_fresh", ("gpt2-124M",), ("tiny",), _setup_weights_fresh("keras"),
             "float32", group="frameworks", kind="process", repeats=5, baseline="keras",
             cold=False, describe="as keras_dense, once in a fresh process per sample"),
        Case("train_memory", (10_000,), (20,), _setup_train_memory,
             target=Target(max_rss_mib=1.0), group="memory", kind="memory", cold=False,
             describe="RSS growth over N native train_step calls after warm-up "
                      "(the NumPy column: the same on backend='numpy')"),
    ]
    return tuple(cases)


CASES = _cases()


def select(cases: Optional[Sequence[Case]] = None, filters: Sequence[str] = (),
           dtypes: Sequence[str] = (), groups: Sequence[str] = (),
           quick: bool = False) -> list[Case]:
    """The cases (default ``CASES``) whose id ``name/shape/dtype`` matches any
    of the regular expressions ``filters`` (all when empty), of the given
    dtypes and groups."""
    patterns = [re.compile(f) for f in filters]
    return [c for c in (CASES if cases is None else cases)
            if (not patterns or any(p.search(c.id(quick)) for p in patterns))
            and (not dtypes or c.dtype in dtypes)
            and (not groups or c.group in groups)]
