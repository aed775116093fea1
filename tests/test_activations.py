"""Activations, their backward kernels, the fused bias+activation epilogue and
sum_rows against fastinit.reference.functional, on every SIMD set."""
import numpy as np
import pytest
from conftest import DTYPES, ODD_SIZES, outputs_per_simd

import fastinit
from fastinit import _core, ops
from fastinit.reference import functional as F

SHAPES = ODD_SIZES + ((3, 17), (129, 1), (2, 3, 17), (5, 1, 129))
FORWARD = ("identity", "sigmoid", "tanh", "relu", "leaky_relu")
BACKWARD = ("sigmoid_backward", "tanh_backward", "relu_backward", "leaky_relu_backward")
# Transcendental results may differ from NumPy's by a few ulp; everything
# else is the same sequence of IEEE operations and must match bit for bit.
ULPS = {"sigmoid": 6, "tanh": 4}
# Accuracy against the exact value (computed in long double).
ACCURACY_ULPS = 4


def wide_values(rng, shape, dtype):
    """Normal values over several scales, including saturating ones."""
    x = rng.standard_normal(shape) * rng.choice([0.1, 1.0, 5.0, 30.0], size=shape)
    return x.astype(dtype)


def special_values(dtype):
    f = np.finfo(dtype)
    v = [0.0, -0.0, np.inf, -np.inf, np.nan, f.tiny, -f.tiny, f.smallest_subnormal,
         -f.smallest_subnormal, f.max, -f.max, 1e-30, -1e-30, 0.5, -0.5, 0.625, -0.625, 9.0, -9.0,
         20.0, -20.0, 88.5, -88.5, 100.0, -100.0, 104.0, -104.0, 700.0, -700.0, 710.0, -710.0,
         746.0, -746.0, 1000.0, -1000.0]
    return np.array(v, dtype=dtype)


def ulp_distance(got, want):
    """Largest |got - want| in units of the last place of `want`; NaNs and
    infinities must sit in the same places (and infinities agree)."""
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    fin = np.isfinite(want)
    np.testing.assert_array_equal(got[~fin], want[~fin])
    if not fin.any():
        return 0.0
    g = got[fin].astype(np.longdouble)
    w = want[fin]
    unit = np.maximum(np.spacing(np.abs(w)), np.finfo(w.dtype).smallest_subnormal)
    return float(np.max(np.abs(g - w.astype(np.longdouble)) / unit.astype(np.longdouble)))


def assert_same(got, want):
    """Bitwise-equal values (NaN in the same places, same sign of zero)."""
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    zeros = want == 0
    np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]))


def check_forward(name, got, x):
    want = F.activation(name, x)
    if name in ULPS:
        assert ulp_distance(got, want) <= ULPS[name]
    else:
        assert_same(got, want)


def call_forward(name, x, out=None):
    return getattr(ops, name)(x, out=out)


# --------------------------------------------------------------------------
# forward
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", FORWARD)
def test_forward_matches_reference(name, shape, dtype, rng):
    x = wide_values(rng, shape, dtype)
    y = call_forward(name, x)
    assert y.shape == x.shape and y.dtype == x.dtype
    check_forward(name, y, x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FORWARD)
def test_forward_special_values(name, dtype):
    x = special_values(dtype)
    check_forward(name, call_forward(name, x), x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_special_values_exact(dtype):
    inf, nan = np.inf, np.nan
    x = np.array([-inf, inf, 0.0, -0.0, nan, -1000.0, 1000.0], dtype)
    s = ops.sigmoid(x)
    np.testing.assert_array_equal(s, np.array([0, 1, 0.5, 0.5, nan, 0, 1], dtype))
    t = ops.tanh(x)
    np.testing.assert_array_equal(t, np.array([-1, 1, 0, 0, nan, -1, 1], dtype))
    assert np.signbit(t[3]) and not np.signbit(t[2])
    r = ops.relu(x)
    np.testing.assert_array_equal(r, np.array([0, inf, 0, 0, nan, 0, 1000], dtype))
    assert np.signbit(r[3])  # np.maximum(0, -0.0) is -0.0
    lr = ops.leaky_relu(x, 0.1)
    np.testing.assert_array_equal(lr, dtype(0.1) * np.array([-inf, 0, 0, 0, nan, -1000, 0], dtype)
                                  + np.array([0, inf, 0, 0, 0, 0, 1000], dtype))
    # sigmoid never overflows and saturates monotonically
    lim = 200 if dtype == np.float32 else 800
    big = np.linspace(-lim, lim, 40001).astype(dtype)
    with np.errstate(all="raise"):
        sb = ops.sigmoid(big)
    assert np.all(np.diff(sb) >= 0) and sb[0] == 0 and sb[-1] == 1
    assert np.all((sb >= 0) & (sb <= 1))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ("sigmoid", "tanh"))
def test_accuracy_against_exact(name, dtype, rng):
    """Within ACCURACY_ULPS of the exact value over the whole range,
    denormal results included."""
    if np.finfo(np.longdouble).eps >= np.finfo(dtype).eps:
        pytest.skip("long double is no wider than float64 on this platform")
    lim = 110.0 if dtype == np.float32 else 750.0
    x = np.concatenate([rng.uniform(-1, 1, 100_000), rng.uniform(-20, 20, 100_000),
                        rng.uniform(-lim, lim, 100_000), np.linspace(-0.7, 0.7, 20001)])
    x = x.astype(dtype)
    X = x.astype(np.longdouble)
    if name == "sigmoid":
        e = np.exp(-np.abs(X))
        exact = np.where(X >= 0, 1 / (1 + e), e / (1 + e))
    else:
        exact = np.tanh(X)
    got = call_forward(name, x)
    assert ulp_distance(got, exact.astype(dtype)) <= ACCURACY_ULPS


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FORWARD)
def test_forward_out_noncontiguous_inplace(name, dtype, rng):
    base = wide_values(rng, (40, 34), dtype)
    x = base[::2, 1::3]  # non-contiguous input is copied
    assert not x.flags.c_contiguous
    want = call_forward(name, np.ascontiguousarray(x))
    out = np.empty(x.shape, dtype)
    assert call_forward(name, x, out=out) is out
    assert_same(out, want)
    xc = np.ascontiguousarray(x)
    assert call_forward(name, xc, out=xc) is xc  # exactly in place
    assert_same(xc, want)
    # out overlapping x partially: must equal the non-overlapping result
    buf = wide_values(rng, 1001, dtype)
    want2 = call_forward(name, buf[:-1].copy())
    res = call_forward(name, buf[:-1], out=buf[1:])
    assert_same(res, want2)


@pytest.mark.parametrize("name", FORWARD)
def test_forward_zero_size_and_scalars(name):
    for shape in ((0,), (3, 0), (0, 5, 2)):
        x = np.empty(shape, np.float32)
        y = call_forward(name, x)
        assert y.shape == shape and y.dtype == np.float32
    y = call_forward(name, np.float64(0.5))
    assert y.shape == () and y.dtype == np.float64
    np.testing.assert_allclose(y, F.activation(name, np.float64(0.5)), rtol=1e-15)
    y = call_forward(name, [1.0, -2.0])  # lists become float64 arrays
    assert y.dtype == np.float64


@pytest.mark.parametrize("name", FORWARD)
def test_forward_errors(name):
    with pytest.raises(TypeError, match="int64"):
        call_forward(name, np.arange(3))
    with pytest.raises(TypeError, match="complex"):
        call_forward(name, np.ones(3, np.complex128))
    with pytest.raises(TypeError, match="bool"):
        call_forward(name, np.ones(3, bool))
    with pytest.raises(TypeError):
        call_forward(name, None)
    x = np.ones(4, np.float32)
    with pytest.raises(ValueError, match="shape"):
        call_forward(name, x, out=np.empty(5, np.float32))
    with pytest.raises(ValueError, match="dtype"):
        call_forward(name, x, out=np.empty(4, np.float64))
    with pytest.raises(ValueError, match="C-contiguous"):
        call_forward(name, x, out=np.empty(8, np.float32)[::2])
    ro = np.empty(4, np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        call_forward(name, x, out=ro)


def test_bridge_rejects_what_would_crash():
    """The private bridge re-checks what the public layer guarantees."""
    x = np.ones(8, np.float32)
    with pytest.raises(ValueError):
        _core.act_forward(3, 0.0, x, np.empty(7, np.float32))
    with pytest.raises(ValueError):
        _core.act_forward(3, 0.0, x, np.empty(16, np.float32)[::2])
    with pytest.raises(TypeError):
        _core.act_forward(3, 0.0, x, np.empty(8, np.float64))
    with pytest.raises(TypeError):
        _core.act_backward(3, 0.0, x, np.ones(8, np.int32), np.empty(8, np.float32))
    ro = np.empty(8, np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError):
        _core.act_forward(3, 0.0, x, ro)
    with pytest.raises(TypeError):
        _core.act_forward(3, 0.0, x, None)


def test_leaky_relu_slope_and_by_name(rng):
    x = wide_values(rng, 1000, np.float32)
    for slope in (0.0, 0.01, 0.2, -1.5, 3.0):
        assert_same(ops.leaky_relu(x, slope), F.leaky_relu(x, slope))
        assert_same(ops.activation("leaky_relu", x, slope=slope), F.leaky_relu(x, slope))
    for name in FORWARD:
        assert_same(ops.activation(name, x), call_forward(name, x))
    with pytest.raises(ValueError, match="unknown activation"):
        ops.activation("softplus", x)
    with pytest.raises(TypeError, match="slope"):
        ops.leaky_relu(x, "0.1")
    with pytest.raises(TypeError, match="slope"):
        ops.leaky_relu(x, True)


# --------------------------------------------------------------------------
# backward
# --------------------------------------------------------------------------

def backward_inputs(name, rng, shape, dtype):
    dout = wide_values(rng, shape, dtype)
    x = wide_values(rng, shape, dtype)
    # sigmoid/tanh take the forward output, relu/leaky the forward input
    saved = F.sigmoid(x) if name.startswith("sigmoid") else F.tanh(x) if name.startswith(
        "tanh") else x
    return dout, saved


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", BACKWARD)
def test_backward_matches_reference_bitwise(name, shape, dtype, rng):
    dout, saved = backward_inputs(name, rng, shape, dtype)
    got = getattr(ops, name)(dout, saved)
    assert_same(got, getattr(F, name)(dout, saved))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BACKWARD)
def test_backward_special_values(name, dtype):
    s = special_values(dtype)
    dout = np.repeat(s, s.size)
    saved = np.tile(s, s.size)
    with np.errstate(all="ignore"):  # NumPy warns about inf * 0 and overflow
        want = getattr(F, name)(dout, saved)
    assert_same(getattr(ops, name)(dout, saved), want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BACKWARD)
def test_backward_out_aliasing_noncontiguous(name, dtype, rng):
    dout, saved = backward_inputs(name, rng, (30, 20), dtype)
    want = getattr(F, name)(dout, saved)
    f = getattr(ops, name)
    assert_same(f(np.asfortranarray(dout), saved[:, :]), want)
    d = dout.copy()
    assert f(d, saved, out=d) is d  # dx over dout
    assert_same(d, want)
    s = saved.copy()
    assert f(dout, s, out=s) is s  # dx over the saved array
    assert_same(s, want)
    buf = np.concatenate([dout.ravel(), [1.0]]).astype(dtype)
    res = f(buf[:-1], saved.ravel(), out=buf[1:])  # partial overlap
    assert_same(res, want.ravel())


def test_relu_backward_blocks_inactive_units():
    """An inactive unit (x <= 0 or NaN) passes exactly 0, even for inf/NaN
    gradients; active units pass dout unchanged."""
    inf, nan = np.inf, np.nan
    d = np.array([inf, nan, -inf, inf, nan, 2.0, 3.0], np.float32)
    x = np.array([-1.0, -1.0, 0.0, 1.0, 1.0, nan, -0.0], np.float32)
    np.testing.assert_array_equal(ops.relu_backward(d, x), [0, 0, 0, inf, nan, 0, 0])
    np.testing.assert_array_equal(F.relu_backward(d, x), [0, 0, 0, inf, nan, 0, 0])


def test_backward_by_name_and_errors(rng):
    d = wide_values(rng, 50, np.float64)
    x = wide_values(rng, 50, np.float64)
    for name in FORWARD:
        saved = F.activation(name, x) if name in ("sigmoid", "tanh") else x
        assert_same(ops.activation_backward(name, d, saved),
                    F.activation_backward(name, d, saved))
    assert_same(ops.activation_backward("leaky_relu", d, x, slope=0.3),
                F.leaky_relu_backward(d, x, 0.3))
    with pytest.raises(ValueError, match=r"\(50,\).*\(49,\)"):
        ops.relu_backward(d, x[:49])
    with pytest.raises(TypeError, match="float32"):
        ops.tanh_backward(d, x.astype(np.float32))
    with pytest.raises(TypeError, match="int64"):
        ops.sigmoid_backward(np.arange(3), np.ones(3))
    with pytest.raises(ValueError, match="unknown activation"):
        ops.activation_backward("gelu", d, x)
    for shape in ((0,), (4, 0)):
        e = np.empty(shape, np.float32)
        assert ops.relu_backward(e, e).shape == shape


# --------------------------------------------------------------------------
# threads, SIMD sets, chunking
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_one_and_two_threads_bitwise(dtype, rng, threads):
    x = wide_values(rng, 300_007, dtype)  # large enough to use both threads
    d = wide_values(rng, 300_007, dtype)
    results = []
    for n in (1, 2):
        fastinit.set_num_threads(n)
        r = [call_forward(name, x) for name in FORWARD]
        r += [getattr(ops, name)(d, x) for name in BACKWARD]
        y = x[:111 * 2700].reshape(-1, 111).copy()
        _core.bias_act(1, 0.0, y, x[:111].copy())
        r += [y, ops.sum_rows(x[:300_000].reshape(60, 5000))]
        results.append(r)
    for a, b in zip(*results):
        assert_same(a, b)


def test_every_simd_set_matches_reference(rng):
    """Each supported kernel set (each in its own interpreter started with
    FASTINIT_SIMD) against the reference, and the sets against each other."""
    inputs = {}
    for dt in DTYPES:
        k = np.dtype(dt).name
        x = np.concatenate([wide_values(rng, 4099, dt), special_values(dt)])
        inputs[f"x_{k}"] = x
        inputs[f"d_{k}"] = wide_values(rng, x.size, dt)
        inputs[f"b_{k}"] = wide_values(rng, 37, dt)
    script = """
from fastinit import _core
for key in [k for k in inputs if k.startswith('x_')]:
    k = key[2:]
    x, d, b = inputs[key], inputs['d_' + k], inputs['b_' + k]
    for name in ('identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu'):
        out[f'{name}_{k}'] = getattr(ops, name)(x)
        y = x[:37 * 100].reshape(100, 37).copy()
        _core.bias_act(ops.ACTIVATIONS[name], 0.01, y, b)
        out[f'bias_{name}_{k}'] = y
    for name in ('sigmoid_backward', 'tanh_backward', 'relu_backward', 'leaky_relu_backward'):
        out[f'{name}_{k}'] = getattr(ops, name)(d, x)
    out[f'sum_rows_{k}'] = ops.sum_rows(x[:37 * 100].reshape(100, 37))
"""
    per_set = outputs_per_simd(script, inputs)
    first = None
    for isa, out in per_set.items():
        for dt in DTYPES:
            k = np.dtype(dt).name
            x, d, b = inputs[f"x_{k}"], inputs[f"d_{k}"], inputs[f"b_{k}"]
            for name in FORWARD:
                check_forward(name, out[f"{name}_{k}"], x)
                want = F.activation(name, x[:3700].reshape(100, 37) + b)
                got = out[f"bias_{name}_{k}"]
                if name in ULPS:
                    assert ulp_distance(got, want) <= ULPS[name], (isa, name)
                else:
                    assert_same(got, want)
            for name in BACKWARD:
                with np.errstate(all="ignore"):  # inf * 0 in the special values
                    want = getattr(F, name)(d, x)
                assert_same(out[f"{name}_{k}"], want)
            np.testing.assert_allclose(out[f"sum_rows_{k}"], x[:3700].reshape(100, 37).sum(0),
                                       rtol=1e-5 if dt == np.float32 else 1e-13)
        if first is None:
            first = out
            continue
        for key, arr in out.items():  # sets agree closely with each other
            if any(key.startswith(p) for p in ("sigmoid_", "tanh_", "bias_sigmoid",
                                                 "bias_tanh")) and "backward" not in key:
                assert ulp_distance(arr, first[key]) <= 4, (isa, key)
            else:
                assert_same(arr, first[key])


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_misaligned_output(dtype, rng, threads):
    """Outputs of many MiB are streamed past the cache starting at the first
    vector-aligned element: same values, misaligned or not, any threads."""
    n = 5_000_003
    x = wide_values(rng, n + 1, dtype)[1:]  # misaligned input
    buf = np.empty(n + 1, dtype)
    results = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        r = []
        for name in ("relu", "sigmoid", "tanh"):
            r.append(call_forward(name, x, out=buf[1:]).copy())
        r.append(ops.relu_backward(x, x, out=buf[1:]).copy())
        r.append(ops.sigmoid_backward(x, x, out=buf[:-1]).copy())
        results.append(r)
    for a, b in zip(*results):
        assert_same(a, b)
    relu, sig, tanh, rb, sb = results[0]
    assert_same(relu, F.relu(x))
    assert ulp_distance(sig, F.sigmoid(x)) <= ULPS["sigmoid"]
    assert ulp_distance(tanh, F.tanh(x)) <= ULPS["tanh"]
    assert_same(rb, F.relu_backward(x, x))
    assert_same(sb, F.sigmoid_backward(x, x))


def test_set_simd_reaches_the_activation_kernels(restore_simd):
    best = fastinit.build_info()["cpu_simd"]
    if best == "generic":
        pytest.skip("this CPU has a single kernel set")
    x = np.linspace(-5, 5, 10001, dtype=np.float32)
    fastinit.set_simd("generic")
    generic = ops.tanh(x)
    fastinit.set_simd(best)
    # libm's tanhf and the vector polynomial differ in the last bit somewhere
    assert not np.array_equal(generic, ops.tanh(x))


def test_larger_than_one_chunk():
    """The bridge splits calls above 2**24 elements for Ctrl-C; the split is
    invisible in the result."""
    n = (1 << 24) + 17
    x = np.linspace(-3, 3, n, dtype=np.float32)
    y = ops.relu(x)
    assert_same(y, F.relu(x))
    d = ops.leaky_relu_backward(x, x, 0.5)
    assert_same(d, F.leaky_relu_backward(x, x, 0.5))


# --------------------------------------------------------------------------
# fused bias + activation (GEMM epilogue) and sum_rows
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", (1, 3, 8, 17, 100, 129))
@pytest.mark.parametrize("name", FORWARD)
def test_bias_act_short_rows(name, n, dtype, rng):
    y0 = wide_values(rng, (7, n), dtype)
    b = wide_values(rng, n, dtype)
    for bias in (b, None):
        y = y0.copy()
        _core.bias_act(ops.ACTIVATIONS[name], 0.01, y, bias)
        z = y0 + b if bias is not None else y0
        # same kernel as the standalone activation, so bitwise equal to it
        assert_same(y, call_forward(name, z))
        check_forward(name, y, z)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 17), (129, 3), (1000, 100), (17, 1000),
                                   (5, 1500), (0, 4), (4, 0)])
def test_sum_rows(shape, dtype, rng):
    x = wide_values(rng, shape, dtype)
    got = ops.sum_rows(x)
    assert got.shape == (shape[1],) and got.dtype == dtype
    # fixed top-to-bottom order: exactly a sequential float accumulation
    want = np.zeros(shape[1], dtype)
    for row in x:
        want += row
    assert_same(got, want)
    np.testing.assert_allclose(got, F.sum_rows(x), rtol=1e-4 if dtype == np.float32 else 1e-12,
                               atol=1e-4 if dtype == np.float32 else 1e-12)
    out = np.empty(shape[1], dtype)
    assert ops.sum_rows(np.asfortranarray(x), out=out) is out
    assert_same(out, want)
