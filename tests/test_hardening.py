"""Crash test: adversarial inputs to every public callable must end in a
Python exception (or a correct result), never a signal, hang or abort.

The inputs are fed in a subprocess (this file run as a script), so a
segfault fails the test instead of killing pytest; the subprocess records the
call in flight in a file, which the failure message shows.  The callables are
enumerated from the fastinit modules that exist, so functions added by later
modules are covered without touching this file."""
import inspect
import math
import os
import pathlib
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import built_module  # noqa: E402 - also run as a script

# Modules whose public callables are fuzzed (those not built yet are skipped).
MODULES = ("fastinit", "fastinit.ops", "fastinit.random", "fastinit.init", "fastinit.nn.layers",
           "fastinit.nn.net", "fastinit.nn.optim", "fastinit.nn.train", "fastinit.study.datasets")
# Exceptions that say "bad input" clearly.  Anything else (AttributeError,
# ZeroDivisionError, SystemError, ...) means a check is missing.
CLEAR = (TypeError, ValueError, MemoryError, OverflowError, IndexError, KeyError,
         FileNotFoundError, NotImplementedError)
TRIALS = int(os.environ.get("FASTINIT_FUZZ_TRIALS", "250"))


# ---------------------------------------------------------------- the inputs

def _huge(dtype=np.float32):
    """A view that declares 2**58 elements backed by a single one."""
    return np.lib.stride_tricks.as_strided(np.zeros(1, dtype), shape=(2**29, 2**29),
                                           strides=(0, 0))


def _readonly(a):
    a.flags.writeable = False
    return a


def adversarial():
    """Inputs no numeric function should accept silently; fresh objects on
    every call because in-place functions may write into them."""
    f32 = np.float32
    return [
        None, True, 0, -1, 2**62, -2**62, 2**64, 1.5, math.nan, math.inf, -math.inf, 1j,
        "", "relu", b"\x00", object(), [], [[1.0, 2.0], [3.0]], (2**40, 2**40), (-1, 4),
        (0,), (4, 0), (0, 4), (2**31, 2**31, 2**31),
        np.empty((0,), f32), np.empty((0, 0), f32), np.empty((4, 0), f32),
        np.empty((0, 4), np.float64), np.float32(3.0), np.array(2.0, f32),
        np.ones((2, 2, 2), f32), np.ones((1, 1, 1, 1), np.float64),
        np.asfortranarray(np.ones((4, 4), np.float64)), np.ones((4, 8), f32)[:, ::2],
        np.ones((4, 4), f32)[::-1], _readonly(np.ones((4, 4), f32)),
        np.broadcast_to(np.float32(1), (4, 4)), _huge(), _huge(np.float64),
        np.array([[1, 2], [3, 4]], dtype=object), np.ones((4, 4), np.complex128),
        np.ones((4, 4), bool), np.array([2**62, -1, 0, 5], np.int64),
        np.array([2**64 - 1, 0, 1, 2], np.uint64), np.array([-3, 9, 0, 1], np.int8),
        np.ones((4, 4), np.float16), np.full((4, 4), np.nan, f32),
        np.array([[np.inf, -np.inf, np.nan, 0]] * 4, np.float64),
        np.zeros(4, dtype=[("a", f32)]), np.array(["2020-01-01"] * 4, "datetime64[D]"),
        np.ma.masked_array(np.ones((4, 4), f32), mask=np.eye(4, dtype=bool)),
        np.matrix(np.ones((4, 4), f32)), memoryview(np.ones(3)), iter([1.0, 2.0]),
        np.ones(3, f32).reshape(3, 1)[:, 0],  # 1-D with a stride of one element
    ]


def plausible():
    """Valid-looking inputs (4x4 matrices, 4 labels, small ints): mixed in so
    calls get past the first argument's check and reach the later ones."""
    rng = np.random.default_rng(0)
    return [
        rng.standard_normal((4, 4)).astype(np.float32), rng.standard_normal((4, 4)),
        rng.standard_normal(4).astype(np.float32), rng.standard_normal(4),
        np.array([0, 3, 1, 2]), np.eye(4, dtype=np.float32), 4, 2, (4, 4), [4, 4], 0.01, 1.0,
        "relu", "sigmoid", "tanh", "identity",
    ]


# ------------------------------------------------------------- the callables

def public_callables():
    """(qualified name, callable) for every public function and class of the
    fastinit modules that exist."""
    found = {}
    for modname in MODULES:
        mod = built_module(modname)
        if mod is None:
            continue
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name, None)
            if not callable(obj) or inspect.ismodule(obj):
                continue
            owner = getattr(obj, "__module__", "") or ""
            if not owner.startswith("fastinit"):
                continue  # re-exported numpy/stdlib helpers
            found.setdefault(id(obj), (f"{modname}.{name}", obj))
    return sorted(found.values(), key=lambda item: item[0])


def _arity(func):
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return 2, []
    required, keywords = 0, []
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            required += 1
        elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            keywords.append(p.name)
    return required, keywords


# ------------------------------------------------------------ the subprocess

def _no_network():
    """Any attempt to open a socket fails at once (a loader must not hang)."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled in the crash test")
    socket.socket.connect = refuse
    socket.create_connection = refuse


def drive(logpath):
    import faulthandler

    faulthandler.enable()
    _no_network()
    if "libasan" not in os.environ.get("LD_PRELOAD", ""):
        import resource  # huge allocations must fail with MemoryError, not swap
        limit = 8 << 30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    import fastinit
    active = fastinit.build_info()["simd"]
    log = os.open(logpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    rnd = random.Random(20240607)
    counts, unclear = {}, {}

    spent = {}

    def call(label, func, args, kwargs):
        os.ftruncate(log, 0)
        os.pwrite(log, f"{label}(*{args!r:.300}, **{kwargs!r:.300})\n".encode(), 0)
        faulthandler.dump_traceback_later(120, exit=True)
        t0 = time.perf_counter()
        result = None
        try:
            result = func(*args, **kwargs)
            kind = "returned"
        except CLEAR as exc:
            kind = type(exc).__name__
        except ImportError as exc:  # clear only when it names the extra to install
            kind = type(exc).__name__
            if "pip install" not in str(exc):
                unclear.setdefault(f"{label}: {kind}", f"{exc}"[:200])
        except Exception as exc:  # noqa: BLE001 - classified below
            kind = type(exc).__name__
            unclear.setdefault(f"{label}: {kind}", f"{exc}"[:200])
        finally:
            faulthandler.cancel_dump_traceback_later()
            fastinit.set_num_threads(0)
            fastinit.set_simd(active)
        counts[kind] = counts.get(kind, 0) + 1
        took = time.perf_counter() - t0
        if took > spent.get(label, (0.0, ""))[0]:
            spent[label] = (took, f"{args!r:.120} {kwargs!r:.80}")
        return result

    def fuzz(label, func, trials):
        """Random argument lists; returns the objects a class call built."""
        required, keywords = _arity(func)
        built = []
        for trial in range(trials):
            bad, good = adversarial(), plausible()
            pick = lambda: rnd.choice(good if rnd.random() < 0.5 else bad)  # noqa: E731
            args = [pick() for _ in range(required + (trial % 3 == 2))]
            kwargs = {}
            if keywords and trial % 2:
                kwargs[rnd.choice(keywords)] = rnd.choice(bad)
            result = call(label, func, args, kwargs)
            if inspect.isclass(func) and isinstance(result, func) and len(built) < 2:
                built.append(result)
        return built

    for label, func in public_callables():
        # objects that could be built get their public methods fuzzed too
        for obj in fuzz(label, func, TRIALS):
            for name, attr in inspect.getmembers(type(obj), inspect.isfunction):
                if not name.startswith("_"):  # (properties are not called)
                    fuzz(f"{label}(...).{name}", getattr(obj, name), TRIALS // 10)

    for label, func, args, kwargs in targeted():
        call(label, func, args, kwargs)
    os.close(log)
    print("counts", sorted(counts.items()))
    for label, (took, what) in sorted(spent.items(), key=lambda kv: -kv[1][0])[:5]:
        print(f"SLOWEST {took:.2f} s {label} {what}")
    for where, example in sorted(unclear.items()):
        print("UNCLEAR", where, "e.g.", example)
    print("DONE", sum(counts.values()))


def targeted():
    """The named adversarial cases for fastinit.ops, each on every function
    it applies to (the fuzzing above may or may not hit them)."""
    import fastinit
    from fastinit import ops

    f = np.float32
    x, w = np.ones((4, 4), f), np.ones((4, 4), f)
    unary = [ops.sigmoid, ops.tanh, ops.relu, ops.leaky_relu, ops.identity, ops.softmax,
             ops.sum_rows]
    binary = [ops.sigmoid_backward, ops.tanh_backward, ops.relu_backward,
              ops.leaky_relu_backward]
    cases = []
    for fn in unary:
        n = f"ops.{fn.__name__}"
        cases += [(n, fn, (_huge(),), {}), (n, fn, (x,), {"out": _readonly(np.ones((4, 4), f))}),
                  (n, fn, (x,), {"out": np.broadcast_to(f(0), (4, 4))}),
                  (n, fn, (x,), {"out": np.ones((4, 4), np.float64)}),
                  (n, fn, (x,), {"out": np.ones((4, 8), f)[:, ::2]}),
                  (n, fn, (x,), {"out": np.ones(16, f)}), (n, fn, (x,), {"out": [0.0] * 16}),
                  (n, fn, (np.ones((3, 5), object),), {}), (n, fn, (np.ones((2, 2, 2, 2), f),), {}),
                  (n, fn, (np.full((4, 4), np.nan, f),), {}), (n, fn, (np.empty((0, 7), f),), {})]
    for fn in binary:
        n = f"ops.{fn.__name__}"
        cases += [(n, fn, (x, _huge()), {}), (n, fn, (_huge(), x), {}),
                  (n, fn, (x, np.ones((4, 5), f)), {}), (n, fn, (x, x.astype(np.float64)), {}),
                  (n, fn, (x, x), {"out": _readonly(np.ones((4, 4), f))})]
    t_bad = [np.array([0, 1, 2, 2**62]), np.array([0, -1, 1, 2]), np.array([-2**63, 0, 0, 0]),
             np.array([2**64 - 1, 0, 0, 0], np.uint64), np.array([0, 1, 2], np.int64),
             np.ones((4, 5)), np.ones((4, 4, 1)), np.array([0.0, 1.0, 2.0, 3.0])]
    for t in t_bad:
        cases += [("ops.softmax_cross_entropy", ops.softmax_cross_entropy, (x, t), {}),
                  ("ops.softmax_cross_entropy_backward", ops.softmax_cross_entropy_backward,
                   (x, t), {})]
    cases += [("ops.matmul", ops.matmul, (_huge(), w), {}),
              ("ops.matmul", ops.matmul, (x, _huge()), {}),
              ("ops.matmul", ops.matmul, (x, w), {"out": _readonly(np.ones((4, 4), f))}),
              ("ops.matmul", ops.matmul, (x, w), {"beta": 1.0}),
              ("ops.matmul", ops.matmul, (x, w), {"alpha": math.nan}),
              ("ops.matmul", ops.matmul, (np.ones((0, 2**40), f)[:, :0], w[:0]), {}),
              ("ops.affine", ops.affine, (x, w, np.ones(5, f)), {}),
              ("ops.affine", ops.affine, (x, w, np.ones((1, 4), f)), {}),
              ("ops.affine", ops.affine, (x, w, None), {"activation": "softplus"}),
              ("ops.affine", ops.affine, (x, w, None), {"activation": None})]
    # absurd thread counts must be refused or capped, not exhaust the OS
    # (libgomp exits the process when it cannot create a thread; a GEMM of
    # this size asks for ~30000 threads if the count is not capped)
    for n, size in ((10**5, 1300), (2**31 - 1, 200), (2**31, 200), (-5, 200)):
        cases.append(("set_num_threads+matmul", _threads_then_run, (fastinit, n, size), {}))
    return cases


def _threads_then_run(fastinit, n, size):
    fastinit.set_num_threads(n)
    a = np.ones((size, size), np.float32)
    fastinit.ops.matmul(a, a)
    fastinit.ops.relu(np.ones(1 << 20, np.float32))


# ------------------------------------------------------------------ the test

def _run_driver(tmp_path, extra_env=None):
    log = tmp_path / "last_call.txt"
    env = dict(os.environ, FASTINIT_DATA=str(tmp_path / "no-data"), MPLBACKEND="Agg",
               PYTHONFAULTHANDLER="1", **(extra_env or {}))
    proc = subprocess.run([sys.executable, str(pathlib.Path(__file__).resolve()), str(log)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
    last = log.read_text() if log.exists() else "(none)"
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name
        pytest.fail(f"the interpreter died with {name} during\n  {last}\n"
                    f"stderr:\n{textwrap.indent(proc.stderr[-4000:], '  ')}")
    assert proc.returncode == 0, (f"exit code {proc.returncode} during\n  {last}\n"
                                  f"stderr:\n{proc.stderr[-4000:]}")
    return proc.stdout


@pytest.fixture(scope="module")
def fuzz_report(tmp_path_factory):
    """The driver's output: run once, read by the tests below."""
    return _run_driver(tmp_path_factory.mktemp("fuzz"))


def test_adversarial_inputs_never_crash(fuzz_report):
    assert "DONE" in fuzz_report, fuzz_report[-2000:]
    calls = int(fuzz_report.rsplit("DONE", 1)[1].split()[0])
    assert calls >= TRIALS * len(public_callables())
    assert "SystemError" not in fuzz_report  # a C-level error without a Python one


@pytest.mark.parametrize("module", MODULES)
def test_adversarial_inputs_raise_clear_errors(fuzz_report, module):
    if built_module(module) is None:
        pytest.skip(f"{module} is not built in this tree yet")
    unclear = [line.split(" ", 1)[1] for line in fuzz_report.splitlines()
               if line.startswith("UNCLEAR ") and _module_of(line.split(" ", 2)[1]) == module]
    assert not unclear, "unclear exceptions (missing argument checks):\n" + "\n".join(unclear)


def _module_of(label):
    """'fastinit.nn.optim.Adam(...).update:' -> 'fastinit.nn.optim'."""
    return label.rstrip(":").split("(")[0].rsplit(".", 1)[0]


def test_every_ops_function_is_fuzzed():
    from fastinit import ops
    names = {label for label, _ in public_callables()}
    missing = [n for n in ops.__all__ if callable(getattr(ops, n))
               and f"fastinit.ops.{n}" not in names]
    assert not missing


if __name__ == "__main__":
    drive(sys.argv[1])
