"""One compiled core: every C setting exists once per process, so a setting
made through one kernel family's bridge is what another family's kernels
see; and the C enums reach Python from the headers, not from copies."""
import pathlib

import numpy as np
import pytest

import fastinit
from fastinit import _core, ops, optim


def test_the_package_has_exactly_one_compiled_extension():
    folder = pathlib.Path(fastinit.__file__).parent
    compiled = sorted(p.name for pattern in ("*.so", "*.pyd") for p in folder.rglob(pattern))
    assert len(compiled) == 1 and compiled[0].startswith("_core."), compiled


def _team_runs():
    return _core.pool_stats()[1]


def test_num_threads_set_by_the_runtime_drive_the_gemm_team(rng, threads):
    """The thread count is one setting for the process: GEMM hands work to
    the thread team only when set_num_threads allows two threads."""
    a = rng.standard_normal((1000, 200)).astype(np.float32)
    b = rng.standard_normal((200, 100)).astype(np.float32)
    fastinit.set_num_threads(1)
    before = _team_runs()
    ops.matmul(a, b)
    assert _team_runs() == before  # one thread: no team ran
    fastinit.set_num_threads(2)
    ops.matmul(a, b)
    assert _team_runs() > before
    assert _core.pool_stats()[0] >= 1


def test_num_threads_set_by_the_runtime_drive_the_fused_step(rng, threads):
    """The fused MLP step (another family) obeys the same setting: no team
    run on the 1 thread set from Python, two (one per phase) on 2."""
    x = rng.standard_normal((600, 257)).astype(np.float32)
    t = rng.integers(0, 10, 600)
    used = {}
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        net = fastinit.MultiLayerNet(257, [300, 129], 10, dtype=np.float32, seed=5)
        net.train_step(x, t, optim.SGD(lr=0.01))
        before = _team_runs()
        net.train_step(x, t, optim.SGD(lr=0.01))
        used[nt] = _team_runs() - before
    assert used[1] == 0
    assert used[2] >= 2


def test_set_simd_reaches_the_gemm_kernel_table(restore_simd):
    """The row grain is a field of the kernel table that the active SIMD set
    selects (1 with short-tile kernels, the tile height without)."""
    best = fastinit.build_info()["cpu_simd"]
    assert fastinit.set_simd("generic") == "generic"
    generic = (_core.gemm_row_grain(False), _core.gemm_row_grain(True))
    assert generic[0] > 1 and generic[1] > 1  # the generic kernels pad short tiles
    if best != "generic":
        fastinit.set_simd(best)
        assert (_core.gemm_row_grain(False), _core.gemm_row_grain(True)) == (1, 1)


def test_buffer_cache_is_one_instance_for_every_family():
    """A large array made by the random family comes from, and goes back to,
    the cache that the runtime's buffer_cache_info reports."""
    old = fastinit.set_buffer_cache(64 << 20)
    try:
        fastinit.set_buffer_cache(0)  # empty it
        fastinit.set_buffer_cache(64 << 20)
        start = fastinit.buffer_cache_info()
        g = fastinit.random.Generator(0)
        x = g.normal((1024, 1024), dtype=np.float32)  # 4 MiB: cacheable
        del x
        held = fastinit.buffer_cache_info()
        assert held["blocks"] == start["blocks"] + 1
        assert held["bytes"] >= start["bytes"] + (4 << 20)
        y = g.uniform((1024, 1024), dtype=np.float32)  # the same size: reused
        after = fastinit.buffer_cache_info()
        assert after["hits"] == held["hits"] + 1 and after["blocks"] == held["blocks"] - 1
        del y
    finally:
        fastinit.set_buffer_cache(old)


@pytest.mark.parametrize("enum, prefix, python_side", [
    (_core.fi_act, "FI_ACT_", lambda: ops.ACTIVATIONS),
    (_core.fi_opt_kind, "FI_OPT_", lambda: {c.__name__.lower(): k
                                            for c, k in optim._KINDS.items()}),
])
def test_python_codes_are_the_c_enums(enum, prefix, python_side):
    codes = python_side()
    for name, code in codes.items():
        assert enum[prefix + name.upper()] == code


def test_c_enums_are_checked_at_import():
    with pytest.raises(ImportError, match="fi_act.*elementwise.h declares 6"):
        _core._check_enum(_core.fi_act, 6, "elementwise.h")
    _core._check_enum(_core.fi_act, len(_core.fi_act), "elementwise.h")


def test_numpy_minimum_is_checked_before_its_c_api():
    assert _core._numpy_version("1.22.4") < _core.NUMPY_MIN <= _core._numpy_version("1.23.0")
    assert _core._numpy_version("2.5.0rc1") == (2, 5)
    assert _core._numpy_version(np.__version__) >= _core.NUMPY_MIN
