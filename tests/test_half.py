"""16-bit outputs (float16, bfloat16): every fill and initializer, the
rounding contract of csrc/core/half.h, on every kernel set.

The contract: element i of a 16-bit fill is element i of the float32 fill
(same seed and offset) rounded to nearest, ties to even -- exactly what
NumPy's ``astype(np.float16)`` and ml_dtypes' ``astype(bfloat16)`` do -- for
any thread count, chunking and kernel set."""
import ml_dtypes
import numpy as np
import pytest

import fastinit
from conftest import ODD_SIZES, simd_sets
from fastinit import _core, init
from fastinit.random import Generator

BF16 = np.dtype(ml_dtypes.bfloat16)
HALVES = [np.dtype(np.float16), BF16]
F16_FMT, BF16_FMT = int(_core.fi_out_fmt.FI_OUT_F16), int(_core.fi_out_fmt.FI_OUT_BF16)
FILLS = {
    "uniform": {}, "random": {}, "normal": {}, "standard_normal": {}, "truncated_normal": {},
    "uniform_wide": {"low": -7e4, "high": 7e4},        # beyond float16's range
    "normal_tiny": {"std": 1e-6},                       # float16 subnormals
    "normal_huge": {"mean": 0.0, "std": 3e4},           # the float16 overflow edge
    "truncated_shifted": {"mean": 1.0, "std": 0.5, "a": -1.0, "b": 3.0},
}


def _draw(method, dtype, n, seed=3, offset=None, out=None):
    kwargs = dict(FILLS[method])
    name = method.split("_")[0] if method not in ("standard_normal", "truncated_normal") \
        else method
    name = {"truncated": "truncated_normal"}.get(name, name)
    return getattr(Generator(seed), name)(None if out is not None else n, dtype=dtype,
                                          offset=offset, out=out, **kwargs)


def _rounded_float32(method, dtype, n, seed=3, offset=None):
    with np.errstate(over="ignore"):
        return _draw(method, np.float32, n, seed, offset).astype(dtype)


def _bits(x):
    return np.asarray(x).view(np.uint16)


@pytest.mark.parametrize("method", sorted(FILLS))
@pytest.mark.parametrize("dtype", HALVES + ["bfloat16"], ids=["float16", "bfloat16", "str"])
def test_every_fill_is_the_rounded_float32_fill(method, dtype, simd):
    want_dtype = BF16 if dtype == "bfloat16" else dtype
    for n in ODD_SIZES:
        for offset in (None, 1, 6):  # mid-block and mid-vector starts
            got = _draw(method, dtype, n, offset=offset)
            assert got.dtype == want_dtype and got.shape == (n,)
            np.testing.assert_array_equal(
                _bits(got), _bits(_rounded_float32(method, want_dtype, n, offset=offset)))


@pytest.mark.parametrize("dtype", HALVES, ids=["float16", "bfloat16"])
@pytest.mark.parametrize("method", ["uniform", "normal", "truncated_normal"])
def test_same_bits_for_any_thread_count_chunk_and_out(method, dtype, threads):
    n = 1_000_003
    want = _bits(_rounded_float32(method, dtype, n, offset=5))
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        np.testing.assert_array_equal(_bits(_draw(method, dtype, n, offset=5)), want)
    out = np.empty(n, dtype)
    assert _draw(method, dtype, n, offset=5, out=out) is out
    np.testing.assert_array_equal(_bits(out), want)
    # the same elements drawn as two pieces at their offsets
    a = _draw(method, dtype, 777, offset=5)
    b = _draw(method, dtype, n - 777, offset=5 + 777)
    np.testing.assert_array_equal(np.concatenate([_bits(a), _bits(b)]), want)


def _edge_floats():
    """Every float32 exponent with mantissas at and next to the 16-bit
    rounding points (ties both ways), zeros, infinities, NaNs, and random
    bit patterns."""
    exps = np.arange(256, dtype=np.uint32) << 23
    tails = np.array([0, 1, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x7fff, 0x8000,
                      0x8001, 0x17fff, 0x18000, 0x7fe000, 0x7fefff, 0x7ff000, 0x7fffff],
                     dtype=np.uint32)
    grid = (exps[:, None] | tails[None, :]).ravel()
    rng = np.random.default_rng(11)
    bits = np.concatenate([grid, rng.integers(0, 1 << 32, 200_000, dtype=np.uint64)
                           .astype(np.uint32)])
    bits = np.concatenate([bits, bits | np.uint32(1 << 31)])
    return bits.view(np.float32)


@pytest.mark.parametrize("fmt, dtype", [(F16_FMT, HALVES[0]), (BF16_FMT, BF16)],
                         ids=["float16", "bfloat16"])
def test_rounding_edges_on_every_kernel_set(fmt, dtype, restore_simd):
    x = _edge_floats()
    nan = np.isnan(x)
    with np.errstate(all="ignore"):
        want = _bits(x.astype(dtype))
    results = {}
    for isa in simd_sets():
        fastinit.set_simd(isa)
        for n in (x.size, 17):  # 17: the vector tail of each set
            out = np.empty(n, np.uint16)
            _core.round_f32_h16(x[:n], fmt, out)
            np.testing.assert_array_equal(out[~nan[:n]], want[:n][~nan[:n]])
            # a NaN stays a NaN of the same sign
            got_nan = out[nan[:n]]
            assert np.isnan(got_nan.view(dtype).astype(np.float32)).all()
            assert ((got_nan >> 15) == (x[:n][nan[:n]].view(np.uint32) >> 31)).all()
        results[isa] = out
    assert all(np.array_equal(r, results["generic"]) for r in results.values())


def test_float16_overflow_edge():
    """|x| >= 65520 rounds to infinity in float16 (65504 is the largest
    finite value); below stays finite.  A normal fill with std so large that
    its draws pass 65520 gets +-inf there, exactly where the float32 fill's
    values do."""
    x = np.array([65504, 65519.996, 65520, 65536, 1e6, -65520, -65519.996], np.float32)
    out = np.empty(x.size, np.uint16)
    _core.round_f32_h16(x, F16_FMT, out)
    h = out.view(np.float16)
    assert list(np.isinf(h)) == [False, False, True, True, True, True, False]
    big = Generator(1).normal(100_000, std=3e4, dtype=np.float16)
    f32 = Generator(1).normal(100_000, std=3e4, dtype=np.float32)
    np.testing.assert_array_equal(np.isinf(big), np.abs(f32) >= 65520)
    assert np.isinf(big).any() and np.isfinite(big).any()


def test_bfloat16_keeps_float32_range_and_subnormals():
    tiny = Generator(2).normal(10_000, std=1e-39, dtype="bfloat16")  # float32 subnormals
    ref = Generator(2).normal(10_000, std=1e-39, dtype=np.float32)
    np.testing.assert_array_equal(_bits(tiny), _bits(ref.astype(BF16)))
    assert (tiny != 0).mean() > 0.9  # not flushed to zero
    big = Generator(2).uniform(1000, -1.5e38, 1.5e38, dtype="bfloat16")
    assert np.abs(big.astype(np.float32)).max() > 1e38  # float16 would be all inf
    np.testing.assert_array_equal(
        _bits(big),
        _bits(Generator(2).uniform(1000, -1.5e38, 1.5e38, dtype=np.float32).astype(BF16)))


def test_fill_h16_writes_any_two_byte_buffer():
    """The C entry point fills memory NumPy knows nothing about (as the
    PyTorch adapter uses it on a bf16 tensor): a bytearray here."""
    n = 1001
    buf = bytearray(2 * n)
    g = Generator(9)
    state, off = g._take(n, 4, 3)
    _core.fill_h16(int(_core.fi_dist_kind.FI_DIST_NORMAL), state, off,
                   memoryview(buf).cast("H"), BF16_FMT, 0.0, 2.0)
    want = Generator(9).normal(n, std=2.0, dtype=np.float32, offset=3).astype(BF16)
    assert bytes(buf) == want.tobytes()
    with pytest.raises(ValueError, match="fmt"):
        _core.fill_h16(0, state, off, memoryview(buf).cast("H"), 7, 0.0, 1.0)


# ---------------------------------------------------------------------------
# Initializers and fastinit.dask
# ---------------------------------------------------------------------------

INIT_CASES = {  # name: (shape, kwargs)
    name: ((6, 17, 9), {}) for name in init.INITIALIZERS
}
INIT_CASES.update({"eye": ((17, 9), {}), "dirac": ((4, 3, 5), {}),
                   "delta_orthogonal": ((3, 9, 17), {}),
                   "sparse": ((17, 9), {"sparsity": 0.3}), "constant": ((6, 17, 9), {"value": 0.1})})


@pytest.mark.parametrize("name", sorted(INIT_CASES))
@pytest.mark.parametrize("dtype", HALVES + ["bfloat16"], ids=["float16", "bfloat16", "str"])
def test_every_initializer_is_the_rounded_float32_one(name, dtype):
    shape, kw = INIT_CASES[name]
    f = init.INITIALIZERS[name]
    want_dtype = BF16 if dtype == "bfloat16" else np.dtype(dtype)
    ref = f(shape, seed=4, dtype=np.float32, **kw).astype(want_dtype)
    got = f(shape, seed=4, dtype=dtype, **kw)
    assert got.dtype == want_dtype
    np.testing.assert_array_equal(_bits(got), _bits(ref))
    # in place: C-contiguous, then a non-contiguous view (through a temporary)
    f_ = getattr(init, name + "_")
    w = np.empty(shape, want_dtype)
    assert f_(w, seed=4, **kw) is w
    np.testing.assert_array_equal(_bits(w), _bits(ref))
    t = np.zeros(shape[::-1], want_dtype).transpose()
    f_(t, seed=4, **kw)
    np.testing.assert_array_equal(_bits(np.ascontiguousarray(t)), _bits(ref))


@pytest.mark.parametrize("name", ["he_normal", "xavier_uniform", "truncated_normal",
                                  "orthogonal", "lecun_uniform"])
@pytest.mark.parametrize("dtype", HALVES, ids=["float16", "bfloat16"])
def test_dask_half_equals_init(name, dtype):
    pytest.importorskip("dask.array", reason="fastinit.dask needs dask (extra 'dask')")
    fd = pytest.importorskip("fastinit.dask")
    arr = getattr(fd, name)((37, 23), chunks=(5, 7), seed=17, dtype=dtype)
    assert arr.dtype == dtype
    np.testing.assert_array_equal(_bits(arr.compute(scheduler="sync")),
                                  _bits(init.INITIALIZERS[name]((37, 23), seed=17, dtype=dtype)))


def test_dtype_errors_name_the_dtype():
    g = Generator(0)
    with pytest.raises(TypeError, match="dtype must be float32, float64, float16 or bfloat16"):
        g.normal(3, dtype=np.int16)
    with pytest.raises(TypeError, match="float8"):
        g.normal(3, dtype="float8")
    with pytest.raises(TypeError, match="out must have dtype .* got int16"):
        g.normal(out=np.empty(3, np.int16))
    with pytest.raises(ValueError, match="out has dtype float16, expected bfloat16"):
        g.normal(3, dtype="bfloat16", out=np.empty(3, np.float16))
    with pytest.raises(TypeError, match="array must have dtype .* got int32"):
        init.he_normal_(np.empty((3, 3), np.int32))


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].split() for line in f
                         if line.startswith("flags")), [])
    except OSError:
        return []


def test_bf16_store_uses_the_cpu_conversion_where_it_exists(restore_simd):
    """AVX-512 BF16's vcvtneps2bf16 where the CPU has it (its subnormal
    flush fixed up: the rounding-edge test above covers those lanes), exact
    integer rounding on the other sets; build_info() says which."""
    assert fastinit.build_info()["bf16_store"] == _core.bf16_store()
    fastinit.set_simd("generic")
    assert _core.bf16_store() == "integer"
    if fastinit.build_info()["cpu_simd"] == "avx512" and "avx512_bf16" in _cpu_flags():
        fastinit.set_simd("avx512")
        assert _core.bf16_store() == "vcvtneps2bf16"
