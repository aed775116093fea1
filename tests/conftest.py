import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import fastinit

ODD_SIZES = (1, 3, 17, 129, 1000)
DTYPES = (np.float32, np.float64)


def tol(dtype):
    """Relative tolerance for comparing a kernel with its NumPy twin."""
    return 2e-5 if np.dtype(dtype) == np.float32 else 1e-12


@pytest.fixture(autouse=True)
def runtime_left_as_found():
    """Every test leaves the process's kernel set and thread count as it
    found them: later tests compare this process with fresh children (which
    start from the environment), and a leaked setting makes their bits
    differ by rounding only, far from the test that leaked it."""
    from fastinit import _core
    before = (_core.get_simd(), fastinit.get_num_threads())
    yield
    after = (_core.get_simd(), fastinit.get_num_threads())
    assert after == before, f"(kernel set, threads) left at {after}, found at {before}"


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def interactive_sigint():
    """Ctrl-C as in an interactive session: Python's KeyboardInterrupt
    handler for SIGINT during the test (and in the processes it starts).  A
    suite started in the background by a non-interactive shell (`pytest
    tests &`) inherits SIGINT ignored, as POSIX shells do for background
    jobs; fastinit then rightly leaves Ctrl-C alone, and the Ctrl-C tests
    would test nothing."""
    import signal
    before = signal.getsignal(signal.SIGINT)
    if before is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.fixture
def threads():
    """Restore the thread setting after a test changes it."""
    yield
    fastinit.set_num_threads(0)


def mnist_dir():
    """The MNIST folder from $FASTINIT_DATA, or None."""
    d = os.environ.get("FASTINIT_DATA")
    if d and pathlib.Path(d).is_dir():
        return pathlib.Path(d)
    return None


def run_python(code, env=None, timeout=120, check=True, **kwargs):
    """Run `code` in a fresh interpreter, from a temporary directory so that
    `import fastinit` finds the installed package, never the source tree.
    `env` adds to this process's environment; a value of None unsets it."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env = {k: v for k, v in full_env.items() if v is not None}  # None: unset it
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run([sys.executable, "-c", code], env=full_env, cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, check=check,
                              **kwargs)


def simd_sets():
    """Every kernel set this CPU runs (generic .. best)."""
    order = ["generic", "avx2", "avx512"]
    return order[:order.index(fastinit.build_info()["cpu_simd"]) + 1]


@pytest.fixture
def restore_simd():
    """Put back, after the test, the kernel set that was active before it:
    not always the CPU's best, since the suite also runs under
    FASTINIT_SIMD=generic, and child processes compared with this one
    start with that variable's set."""
    before = fastinit.build_info()["simd"]
    yield before
    fastinit.set_simd(before)


@pytest.fixture(params=simd_sets())
def simd(request, restore_simd):
    """Run the test once per SIMD kernel set, restoring the active one after."""
    fastinit.set_simd(request.param)
    yield request.param


def outputs_per_simd(script, inputs):
    """Run `script` once per supported SIMD set, each in a fresh interpreter
    started with FASTINIT_SIMD=<set>.  The script sees `inputs` (a dict of
    arrays), `np`, `fastinit` and `ops`, and fills the dict `out` with
    arrays.  Returns {set name: out}."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "inputs.npz")
        np.savez(src, **inputs)
        for name in simd_sets():
            dst = os.path.join(tmp, f"out_{name}.npz")
            code = "\n".join([
                "import numpy as np, fastinit",
                "from fastinit import ops",
                f"assert fastinit.build_info()['simd'] == {name!r}, fastinit.build_info()",
                f"inputs = dict(np.load({src!r}))",
                "out = {}",
                script,
                f"np.savez({dst!r}, **out)",
            ])
            run_python(code, env={"FASTINIT_SIMD": name})
            with np.load(dst) as f:
                results[name] = dict(f)
    return results


def built_module(name):
    """The fastinit submodule `name` if this copy of fastinit has it, else
    None.  Only files inside the imported package count: an editable install
    of another checkout elsewhere on the machine must not stand in for a
    module this tree lacks."""
    import importlib

    root = os.path.dirname(os.path.abspath(fastinit.__file__))
    try:
        mod = importlib.import_module(name)
    except ImportError:
        return None
    path = os.path.abspath(getattr(mod, "__file__", "") or "")
    return mod if path.startswith(root + os.sep) or name == "fastinit" else None


def source_toolchain(*needed):
    """(csrc folder, tests folder, C compiler) for tests that compile kernels
    from the source tree (the AVX-512 emulation checks); skips when the tree,
    x86-64 or a compiler is missing.  `needed`: paths relative to the repo."""
    import platform
    import shutil
    import sysconfig

    root = pathlib.Path(__file__).resolve().parent.parent
    if not all((root / p).exists() for p in needed):
        pytest.skip(f"needs the source tree ({', '.join(needed)})")
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("the AVX-512 kernels exist on x86-64 only")
    cc = shutil.which((sysconfig.get_config_var("CC") or "cc").split()[0]) or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    return root / "csrc", root / "tests", cc
