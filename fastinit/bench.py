"""Side-by-side benchmarks: fastinit against the NumPy reference (and
PyTorch on the CPU when it is installed), in one process.

Run ``fastinit bench`` or ``python -m fastinit.bench`` (``--help`` lists the
options).  Every case below is timed by alternating the implementations
within each repeat, so machine noise hits all of them alike, and reports
medians.  ``bench/`` runs the same cases under pytest-benchmark.

The case list, ``CASES``, is plain data: each :class:`Case` names the
operation, its size (and a reduced size for ``--quick``), the dtype, the
thread count, the target from the benchmark issue and a ``setup`` that
builds the inputs and returns an :class:`Impls` of zero-argument callables.
A case whose fastinit API is missing is reported as unavailable; a case that
fails while running is reported as an error; neither stops the run.
"""
import argparse
import dataclasses
import gc
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from typing import Callable, Optional

import numpy as np

__all__ = ["Case", "Impls", "Target", "Unavailable", "CASES", "select", "setup_case",
           "missing_api", "case_threads", "ThreadSettings", "run_case", "run",
           "machine_info", "format_table", "main"]

IMPLS = ("fastinit", "numpy", "torch")
TEN_M = 10_000_000
SEED_NET = (784, (100, 100, 100, 100), 10)
SEED_BATCH = 128
# Environment variables that make OpenBLAS pick slower kernels than it would.
OPENBLAS_SLOWDOWN_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


class Unavailable(Exception):
    """A case cannot run here (its API or a library is missing)."""


@dataclasses.dataclass(frozen=True)
class Target:
    """The speed a case must reach: minimum median ratios (baseline time /
    fastinit time) against NumPy and PyTorch, or, for the memory case, the
    largest RSS growth in MiB."""
    numpy: Optional[float] = None
    torch: Optional[float] = None
    max_rss_mib: Optional[float] = None

    def __str__(self):
        parts = []
        if self.numpy is not None:
            parts.append(f">={self.numpy:g}x")
        if self.torch is not None:
            parts.append(f">={self.torch:g}x torch")
        if self.max_rss_mib is not None:
            parts.append(f"<={self.max_rss_mib:g} MiB")
        return ", ".join(parts) or "-"


@dataclasses.dataclass
class Impls:
    """What a case's setup returns: zero-argument callables on the same
    inputs.  ``threads`` optionally maps an implementation name to the
    fastinit thread count used while timing it (the scaling cases)."""
    fastinit: Callable
    numpy: Callable
    torch: Optional[Callable] = None
    threads: dict = dataclasses.field(default_factory=dict)

    def items(self):
        return [(n, getattr(self, n)) for n in IMPLS if getattr(self, n) is not None]


@dataclasses.dataclass(frozen=True, eq=False)
class Case:
    """One benchmark: ``setup(size, dtype, torch)`` builds the inputs for
    ``size`` (``quick_size`` in quick mode) and returns an :class:`Impls`;
    ``torch`` is the torch module or None."""
    name: str
    size: tuple
    quick_size: tuple
    setup: Callable
    dtype: str = "float32"
    target: Optional[Target] = None
    group: str = "ops"          # the bench/test_bench_<group>.py that runs it
    threads: Optional[int] = None  # None: fastinit's default thread count
    baseline: str = "numpy"     # what the NumPy column holds
    repeats: Optional[int] = None  # fewer repeats for long cases
    kind: str = "time"          # "time" or "memory"
    describe: str = ""

    def shape(self, quick=False):
        size = self.quick_size if quick else self.size
        if self.kind == "memory":
            return f"{size[0]} steps"
        if isinstance(size[-1], dict):
            return ",".join(f"{k}={v}" for k, v in size[-1].items())
        return "x".join(str(s) for s in size)

    def id(self, quick=False):
        return f"{self.name}/{self.shape(quick)}/{self.dtype}"


# --------------------------------------------------------------------------
# Setups: inputs and the three implementations of each case
# --------------------------------------------------------------------------

def _normal(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _require(module, *names):
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


def _torch_dtype(torch, dtype):
    return torch.float32 if dtype == "float32" else torch.float64


def _setup_matmul(size, dtype, torch):
    (matmul,) = _require("ops", "matmul")
    m, k, n = size
    a, b = _normal((m, k), dtype, 1), _normal((k, n), dtype, 2)
    out = np.empty((m, n), dtype)
    impls = Impls(lambda: matmul(a, b, out=out), lambda: np.matmul(a, b, out=out))
    if torch is not None:
        ta, tb, tout = (torch.from_numpy(v) for v in (a, b, out))
        impls.torch = lambda: torch.mm(ta, tb, out=tout)
    return impls


def _setup_fill(method, size, dtype, torch):
    """Fill a preallocated array: fastinit.random.Generator.<method> against
    numpy.random.Generator (PCG64) and torch's in-place fill."""
    (Generator,) = _require("random", "Generator")
    gen, rng = Generator(0), np.random.default_rng(0)
    buf = np.empty(size, dtype)
    fill = getattr(gen, method)
    np_fill = rng.standard_normal if method == "normal" else rng.random
    impls = Impls(lambda: fill(dtype=buf.dtype, out=buf),
                  lambda: np_fill(dtype=buf.dtype, out=buf))
    if torch is not None:
        t = torch.empty(size, dtype=_torch_dtype(torch, dtype))
        impls.torch = t.normal_ if method == "normal" else t.uniform_
    return impls


def _setup_normal(size, dtype, torch):
    return _setup_fill("normal", size, dtype, torch)


def _setup_uniform(size, dtype, torch):
    return _setup_fill("uniform", size, dtype, torch)


def _thread_scaling(setup):
    """A setup timing fastinit's implementation from ``setup`` on 2 threads
    (the fastinit column) against 1 thread (the baseline column)."""
    def scaling(size, dtype, torch):
        fn = setup(size, dtype, None).fastinit
        return Impls(fn, fn, threads={"fastinit": 2, "numpy": 1})
    return scaling


def _setup_initializer(name, size, dtype, torch):
    """A new (fan_in, fan_out) weight from fastinit.init.<name> against the
    NumPy one-liner a user writes and torch.nn.init.<name>_ on torch.empty."""
    (init,) = _require("init", name)
    fan_in, fan_out = size
    rng = np.random.default_rng(0)
    np_dtype = np.dtype(dtype)
    if name == "he_normal":
        std = math.sqrt(2.0 / fan_in)

        def numpy_fn():
            return rng.standard_normal(size, dtype=np_dtype) * np_dtype.type(std)
        torch_name = "kaiming_normal_"
    else:
        bound = np_dtype.type(math.sqrt(6.0 / (fan_in + fan_out)))

        def numpy_fn():
            return rng.random(size, dtype=np_dtype) * (2 * bound) - bound
        torch_name = "xavier_uniform_"
    impls = Impls(lambda: init(size, dtype=np_dtype, seed=0), numpy_fn)
    if torch is not None:
        torch_init = getattr(torch.nn.init, torch_name)
        tdtype = _torch_dtype(torch, dtype)
        # torch.nn.init reads (fan_out, fan_in): same numbers for a square matrix.
        impls.torch = lambda: torch_init(torch.empty(size[::-1], dtype=tdtype))
    return impls


def _setup_he_normal(size, dtype, torch):
    return _setup_initializer("he_normal", size, dtype, torch)


def _setup_xavier_uniform(size, dtype, torch):
    return _setup_initializer("xavier_uniform", size, dtype, torch)


def _unary_setup(op, numpy_fn, torch_fn):
    """A setup for ``fastinit.ops.<op>(x, out=out)`` on standard normal x
    against ``numpy_fn(x, out)`` and ``torch_fn(torch, x, out)``."""
    def setup(size, dtype, torch):
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


def _setup_affine_relu(size, dtype, torch):
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


def _seed_batch(dtype, batch=SEED_BATCH, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((batch, SEED_NET[0])).astype(dtype)
    t = rng.integers(0, SEED_NET[2], batch)
    return x, t


def _seed_nets(dtype):
    """The seed MLP (784-100x4-10, ReLU, He init) on the native and the
    NumPy backend, each with its own SGD(lr=0.01)."""
    MultiLayerNet, = _require("net", "MultiLayerNet")
    SGD, = _require("optim", "SGD")
    n_in, hidden, n_out = SEED_NET
    nets = [MultiLayerNet(n_in, list(hidden), n_out, activation="relu",
                          weight_init_std="he", dtype=np.dtype(dtype), seed=0, backend=b)
            for b in ("native", "numpy")]
    return [(net, SGD(lr=0.01)) for net in nets]


def _torch_seed_step(torch, dtype, x, t):
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

    def step():
        opt.zero_grad()
        loss = loss_fn(model(tx), tt)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def _setup_train_step(size, dtype, torch):
    (native, nopt), (ref, ropt) = _seed_nets(dtype)
    x, t = _seed_batch(dtype, size[-1]["batch"])
    impls = Impls(lambda: native.train_step(x, t, nopt), lambda: ref.train_step(x, t, ropt))
    if torch is not None:
        impls.torch = _torch_seed_step(torch, dtype, x, t)
    return impls


def _setup_train_memory(size, dtype, torch):
    return _setup_train_step(({"batch": SEED_BATCH},), dtype, None)


def _call_quietly(fn, **kwargs):
    """Call an experiment with its progress bar off when it has one."""
    import inspect
    if "progress" in inspect.signature(fn).parameters:
        kwargs["progress"] = False
    return fn(**kwargs)


def _comparison_data(dtype, n_train=8000, n_test=2000):
    """Synthetic MNIST-shaped data (timing does not depend on the digits)."""
    rng = np.random.default_rng(0)
    x = rng.random((n_train + n_test, SEED_NET[0])).astype(dtype)
    t = rng.integers(0, SEED_NET[2], n_train + n_test)
    return x[:n_train], t[:n_train], x[n_train:], t[n_train:]


def _setup_experiment(name, make_kwargs):
    def setup(size, dtype, torch):
        (experiment,) = _require("experiments", name)
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

def _cases():
    cases = []
    for dtype in ("float32", "float64"):
        f32 = dtype == "float32"

        def t(**kw):
            return Target(**kw) if f32 else None
        cases += [
            Case("mlp_train_step", ({"batch": SEED_BATCH},), ({"batch": 16},),
                 _setup_train_step, dtype,
                 t(numpy=3, torch=1.5), group="nets",
                 describe="seed MLP 784-100x4-10, ReLU, SGD: MultiLayerNet.train_step, "
                          "native vs backend='numpy' vs torch nn.Sequential + SGD"),
        ]
        for m in (512, 1024, 2048):
            cases.append(Case("sgemm", (m, m, m), (m // 16,) * 3, _setup_matmul, dtype,
                              t(numpy=0.9), group="linalg",
                              describe="ops.matmul(a, b, out=c) vs np.matmul(a, b, out=c)"))
        for m, k, n in ((128, 784, 100), (128, 100, 100), (1000, 100, 100)):
            cases.append(Case("sgemm", (m, k, n), (m, k, n), _setup_matmul, dtype,
                              t(numpy=1.2), group="linalg",
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
            Case("he_normal", (4096, 4096), (256, 256), _setup_he_normal, dtype,
                 t(numpy=6), group="random",
                 describe="init.he_normal vs rng.standard_normal(shape) * std"),
            Case("xavier_uniform", (4096, 4096), (256, 256), _setup_xavier_uniform, dtype,
                 t(numpy=6), group="random",
                 describe="init.xavier_uniform vs rng.random(shape) * 2a - a"),
            Case("sigmoid", (TEN_M,), (100_000,), _setup_sigmoid, dtype,
                 t(numpy=4), group="activations",
                 describe="ops.sigmoid(x, out=) vs 1 / (1 + np.exp(-x))"),
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
             describe="experiments.init_comparison on 8,000 synthetic MNIST-shaped images, "
                      "native (its 3 runs side by side, the default) vs backend='numpy'"),
        Case("activation_histograms", ({"samples": 1000},), ({"samples": 100},),
             _setup_activation_histograms, target=Target(numpy=5), group="nets",
             describe="experiments.activation_histograms, full grid, native vs backend='numpy'"),
        Case("sgemm_threads", (1024, 1024, 1024), (128, 128, 128),
             _thread_scaling(_setup_matmul),
             target=Target(numpy=1.7), group="threads", threads=2, baseline="1 thread",
             describe="ops.matmul on 2 threads vs 1 thread"),
        Case("normal_fill_threads", (TEN_M,), (100_000,), _thread_scaling(_setup_normal),
             target=Target(numpy=1.7), group="threads", threads=2, baseline="1 thread",
             describe="Generator.normal(out=) on 2 threads vs 1 thread"),
        Case("train_memory", (10_000,), (20,), _setup_train_memory,
             target=Target(max_rss_mib=1.0), group="memory", kind="memory",
             describe="RSS growth over N native train_step calls after warm-up "
                      "(the NumPy column: the same on backend='numpy')"),
    ]
    return tuple(cases)


CASES = _cases()


def select(cases=None, filters=(), dtypes=(), groups=(), quick=False):
    """The cases (default ``CASES``) whose id ``name/shape/dtype`` matches any
    of the regular expressions ``filters`` (all when empty), of the given
    dtypes and groups."""
    patterns = [re.compile(f) for f in filters]
    return [c for c in (CASES if cases is None else cases)
            if (not patterns or any(p.search(c.id(quick)) for p in patterns))
            and (not dtypes or c.dtype in dtypes)
            and (not groups or c.group in groups)]


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def import_torch():
    """The torch module, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


class ThreadSettings:
    """Sets fastinit's, NumPy's BLAS and torch's thread counts for a case
    and restores them afterwards."""

    def __init__(self, n, torch):
        import fastinit
        self.fastinit, self.torch, self.n = fastinit, torch, n
        self.torch_before = torch.get_num_threads() if torch is not None else None
        self.blas = None
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            pass
        else:
            self.blas = threadpool_limits(limits=n, user_api="blas")
        if torch is not None:
            torch.set_num_threads(n)
        fastinit.set_num_threads(n)

    def use(self, n):
        self.fastinit.set_num_threads(n)

    def close(self):
        self.fastinit.set_num_threads(0)
        if self.blas is not None:
            self.blas.restore_original_limits()
        if self.torch is not None:
            self.torch.set_num_threads(self.torch_before)


def case_threads(case, threads=None):
    """The thread count a case runs with: its own, else ``threads``, else
    fastinit's default."""
    n = case.threads or threads
    if n is None:
        import fastinit
        n = fastinit.get_num_threads()
    return n


def setup_case(case, quick=False, torch=None):
    """Build a case's inputs; raises Unavailable when it cannot run here."""
    if case.group == "threads" and _cores() < 2:
        raise Unavailable("needs 2 cores")
    return case.setup(case.quick_size if quick else case.size, case.dtype, torch)


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# "cpu" counts only the time this process ran: steadier than wall-clock time
# on a busy machine, and comparable across implementations on one thread
# (threads spinning at a barrier count as busy).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def _seconds(fn, number, clock=time.perf_counter):
    start = clock()
    for _ in range(number):
        fn()
    return clock() - start


# Seconds to wait before each timed sample: OpenBLAS's worker threads spin
# (busy-wait) for about 2**28 cycles after a call and OpenMP runtimes' for a
# shorter while, so without a pause each sample would share the cores with the
# previous implementation's idle threads.
SETTLE = 0.15


def _time_impls(impls, threads, repeats, min_time, clock=time.perf_counter, settle=SETTLE):
    """Median seconds per call of each implementation.  Each is warmed up
    and given a loop count so one sample lasts about ``min_time``; then the
    repeats alternate the implementations, rotating who goes first, each
    sample after ``settle`` seconds of quiet."""
    items = impls.items()
    number = {}
    for name, fn in items:
        threads.use(impls.threads.get(name, threads.n))
        once = _seconds(fn, 1, clock)  # warm-up, and the calibration of long cases
        if once < min_time:
            once = max(_seconds(fn, 1, clock), 1e-7)
        number[name] = max(1, int(min_time / once)) if once < min_time else 1
    samples = {name: [] for name, _ in items}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeats):
            k = r % len(items)
            for name, fn in items[k:] + items[:k]:
                threads.use(impls.threads.get(name, threads.n))
                if settle:
                    time.sleep(settle)
                samples[name].append(_seconds(fn, number[name], clock) / number[name])
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def rss_bytes():
    """Resident set size of this process now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _rss_growth(fn, steps):
    """MiB the RSS grows over ``steps`` calls of fn, after a warm-up."""
    for _ in range(min(steps, 100)):
        fn()
    gc.collect()
    before = rss_bytes()
    for _ in range(steps):
        fn()
    gc.collect()
    return (rss_bytes() - before) / 2**20


def missing_api(exc):
    """Why a case is unavailable when ImportError ``exc`` says that a
    fastinit module is missing, else None (a real error)."""
    name = exc.name or ""
    if not name.startswith("fastinit."):
        found = re.search(r"cannot import name '(\w+)' from 'fastinit'", str(exc))
        if not found:
            return None
        name = f"fastinit.{found.group(1)}"
    return f"{name} is not available ({exc})"


def _judge(case, row, quick):
    target = case.target
    if target is None or quick or row["status"] != "ok":
        return None
    if target.max_rss_mib is not None:
        return row["fastinit"] <= target.max_rss_mib
    met = row["ratio"] >= target.numpy if target.numpy is not None else True
    if target.torch is not None and row.get("torch_ratio") is not None:
        met = met and row["torch_ratio"] >= target.torch
    return met


def run_case(case, *, quick=False, torch=None, threads=None, repeats=None, min_time=None,
             clock="wall", settle=None):
    """Run one case; returns its table row as a dict.  Never raises for a
    missing API (status 'unavailable') or a failing case (status 'error').
    ``clock``: "wall" (elapsed time) or "cpu" (this process's CPU time)."""
    # Quick mode only checks that everything runs: one thread keeps it fast
    # on a busy machine, where threads waiting at barriers stall for whole
    # scheduler slices.
    n_threads = case_threads(case, 1 if quick and threads is None else threads)
    row = {"case": case.name, "id": case.id(quick), "shape": case.shape(quick),
           "dtype": case.dtype, "threads": n_threads, "baseline": case.baseline,
           "kind": case.kind, "target": str(case.target or "-"),
           "fastinit": None, "numpy": None, "ratio": None,
           "torch": None, "torch_ratio": None, "met": None, "status": "ok"}
    if case.baseline != "numpy":
        row["threads"] = f"{n_threads} vs 1"
    size = case.quick_size if quick else case.size
    pool = None
    try:
        if clock == "cpu" and case.group == "threads":
            raise Unavailable("thread scaling is measured on the wall clock")
        impls = setup_case(case, quick, torch)
        pool = ThreadSettings(n_threads, torch)
        if case.kind == "memory":
            row["fastinit"] = _rss_growth(impls.fastinit, size[0])
            row["numpy"] = _rss_growth(impls.numpy, size[0])
        else:
            reps = repeats or (3 if quick else case.repeats or 9)
            min_t = min_time if min_time is not None else (0.0 if quick else 0.1)
            settle_t = settle if settle is not None else (0.0 if quick else SETTLE)
            samples = _time_impls(impls, pool, reps, min_t, CLOCKS[clock], settle_t)
            med = {k: statistics.median(v) for k, v in samples.items()}
            row["samples"] = samples
            row["fastinit"], row["numpy"] = med["fastinit"], med["numpy"]
            row["ratio"] = med["numpy"] / med["fastinit"]
            if "torch" in med:
                row["torch"] = med["torch"]
                row["torch_ratio"] = med["torch"] / med["fastinit"]
    except Unavailable as exc:
        row["status"] = f"unavailable: {exc}"
    except ImportError as exc:
        # A fastinit module the case reaches only while running (the
        # experiments import fastinit.init lazily) counts as a missing API.
        reason = missing_api(exc)
        row["status"] = (f"unavailable: {reason}" if reason
                         else f"error: {type(exc).__name__}: {exc}")
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the run
        row["status"] = f"error: {type(exc).__name__}: {exc}"
    finally:
        if pool is not None:
            pool.close()
    row["met"] = _judge(case, row, quick)
    return row


def run(cases, *, quick=False, torch=None, threads=None, repeats=None, min_time=None,
        clock="wall", progress=None, settle=None):
    """Run ``cases`` in order; ``progress(row)`` is called after each."""
    rows = []
    for case in cases:
        row = run_case(case, quick=quick, torch=torch, threads=threads,
                       repeats=repeats, min_time=min_time, clock=clock, settle=settle)
        rows.append(row)
        if progress is not None:
            progress(row)
    return rows


# --------------------------------------------------------------------------
# Machine description and the table
# --------------------------------------------------------------------------

def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl)"
    found = [f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, "
             f"{p.get('num_threads')} threads)"
             for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(found) or "none found"


def machine_info(torch=None):
    """What the numbers were measured on: fastinit's build, the CPU, the
    thread counts, NumPy's BLAS, torch, and environment variables that
    would bias the comparison."""
    import fastinit
    info = {
        "fastinit": fastinit.build_info(),
        "cpu": _cpu_model(),
        "cores": _cores(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "numpy_blas": _blas_info(),
        "torch": None if torch is None else
        f"{torch.__version__} ({torch.get_num_threads()} threads)",
        "warnings": [],
    }
    for var in OPENBLAS_SLOWDOWN_VARS:
        if os.environ.get(var):
            info["warnings"].append(
                f"{var}={os.environ[var]} is set: OpenBLAS may run slower kernels, "
                f"which flatters fastinit; for a fair comparison run "
                f"`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE fastinit bench`")
    return info


def format_header(info, quick, clock="wall", threads=None):
    b = info["fastinit"]
    lines = [
        f"fastinit {b.get('version')}: simd {b.get('simd')} (cpu {b.get('cpu_simd')}), "
        f"openmp {b.get('openmp')}, {b.get('compiler')}, {b.get('num_threads')} threads "
        "by default",
        f"cpu: {info['cpu']}, {info['cores']} cores; python {info['python']}, "
        f"{info['platform']}",
        f"numpy {info['numpy']}, BLAS: {info['numpy_blas']}",
        f"torch: {info['torch'] or 'not installed'}",
    ]
    if threads is not None:
        lines.append(f"run with --threads {threads}: fastinit, NumPy's BLAS and torch "
                     f"on {threads} thread(s) (the thread-scaling cases use 2 vs 1)")
    if clock != "wall":
        lines.append(f"times: {clock} clock (process CPU time, not elapsed time)")
    if quick:
        lines.append("quick mode: reduced sizes, one thread unless --threads, "
                     "targets not judged")
    lines += [f"WARNING: {w}" for w in info["warnings"]]
    return "\n".join(lines)


def _fmt_time(s):
    if s is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def _fmt_value(row, key):
    v = row[key]
    if v is None:
        return "-"
    return f"{v:+.2f} MiB" if row["kind"] == "memory" else _fmt_time(v)


COLUMNS = ("case", "shape", "dtype", "threads", "fastinit", "numpy", "ratio",
           "torch", "torch ratio", "target", "met")


def _cells(row):
    ratio = (lambda r: "-" if r is None else f"{r:.2f}x")
    met = {None: "-", True: "yes", False: "NO"}[row["met"]]
    if row["status"] != "ok":
        met = row["status"].split(":")[0]
    numpy_cell = _fmt_value(row, "numpy")
    if row["baseline"] != "numpy" and row["numpy"] is not None:
        numpy_cell += f" ({row['baseline']})"
    return [row["case"], row["shape"], row["dtype"], str(row["threads"]),
            _fmt_value(row, "fastinit"), numpy_cell, ratio(row["ratio"]),
            _fmt_time(row["torch"]), ratio(row["torch_ratio"]), row["target"], met]


def format_table(rows, markdown=False):
    """The results as an aligned text table (or a Markdown table), followed
    by the reason for each case that did not run."""
    body = [_cells(r) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |",
                 "|" + "|".join("---" for _ in COLUMNS) + "|"]
        lines += ["| " + " | ".join(c) + " |" for c in body]
    else:
        widths = [max(len(h), *(len(c[i]) for c in body)) if body else len(h)
                  for i, h in enumerate(COLUMNS)]
        fmt = "  ".join(f"{{:{'<' if i < 4 else '>'}{w}}}" for i, w in enumerate(widths))
        lines = [fmt.format(*COLUMNS), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*c) for c in body]
    notes = [f"{r['id']}: {r['status']}" for r in rows if r["status"] != "ok"]
    return "\n".join(lines + ([""] + notes if notes else []))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _parser():
    p = argparse.ArgumentParser(
        prog="fastinit bench",
        description="Time fastinit against NumPy (and PyTorch when installed), side by "
                    "side in one process, and print a table of medians and ratios.")
    p.add_argument("--quick", action="store_true",
                   help="small sizes and few repeats (checks that everything runs)")
    p.add_argument("--filter", action="append", default=[], metavar="REGEX",
                   help="run the cases whose id name/shape/dtype matches (repeatable)")
    p.add_argument("--dtype", action="append", default=[], choices=("float32", "float64"),
                   help="only this dtype (repeatable; default both)")
    p.add_argument("--threads", type=int, default=None,
                   help="threads for fastinit, NumPy's BLAS and torch (default: "
                        "fastinit.get_num_threads())")
    p.add_argument("--repeats", type=int, default=None,
                   help="timed samples per implementation (default 9, 3 when --quick)")
    p.add_argument("--min-time", type=float, default=None,
                   help="seconds one sample lasts at least (default 0.1, 0 when --quick)")
    p.add_argument("--settle", type=float, default=None,
                   help=f"seconds of quiet before each sample, so the previous "
                        f"implementation's spinning threads are idle (default {SETTLE:g}, "
                        f"0 when --quick)")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                   help="wall: elapsed time (default); cpu: this process's CPU time, "
                        "steadier on a busy machine, fair with --threads 1")
    p.add_argument("--no-torch", action="store_true", help="do not time PyTorch")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when a judged target is missed")
    return p


def main(argv=None):
    """``fastinit bench``: returns the exit status."""
    args = _parser().parse_args(argv)
    if args.threads is not None and args.threads < 1:
        _parser().error("--threads must be >= 1")
    if args.repeats is not None and args.repeats < 1:
        _parser().error("--repeats must be >= 1")
    if args.settle is not None and not 0 <= args.settle <= 60:
        _parser().error("--settle must be between 0 and 60 seconds")
    try:
        cases = select(filters=args.filter, dtypes=args.dtype, quick=args.quick)
    except re.error as exc:
        _parser().error(f"bad --filter pattern: {exc}")
    if args.list:
        for c in cases:
            print(f"{c.id(args.quick):45} {str(c.target or '-'):18} {c.describe}")
        return 0
    if not cases:
        print("no case matches the filters", file=sys.stderr)
        return 2
    torch = None if args.no_torch else import_torch()
    info = machine_info(torch)
    if args.no_torch:
        info["torch"] = "not timed (--no-torch)"
    print(format_header(info, args.quick, args.clock, args.threads), flush=True)

    def progress(row):
        print(f"  {row['id']}: {row['status'] if row['status'] != 'ok' else 'done'}",
              file=sys.stderr, flush=True)
    rows = []
    interrupted = False
    try:
        for case in cases:
            rows += run([case], quick=args.quick, torch=torch, threads=args.threads,
                        repeats=args.repeats, min_time=args.min_time, clock=args.clock,
                        progress=progress, settle=args.settle)
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: the table holds the cases finished so far", file=sys.stderr)
    print()
    print(format_table(rows, markdown=args.markdown))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "quick": args.quick, "clock": args.clock,
                       "results": rows}, f, indent=1)
    if interrupted:
        return 130
    if args.strict and any(r["met"] is False for r in rows):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
