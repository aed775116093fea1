"""Property tests: every ``fastinit.ops`` function on random shapes (0 and 1
included), both dtypes, C/Fortran/strided/reversed layouts and ``out=``
aliasing an input, against its NumPy twin — or a clear exception.

Hypothesis draws the shape, dtype, layout and a seed; the values come from
NumPy's generator (fast), with NaN/Inf sprinkled in where NumPy's semantics
are well defined.  Example counts stay modest (FASTINIT_HYPOTHESIS_EXAMPLES
raises them for a soak run)."""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastinit import ops

from conftest import built_module, tol

EXAMPLES = int(os.environ.get("FASTINIT_HYPOTHESIS_EXAMPLES", "25"))
PROP = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

dims = st.sampled_from([0, 1, 2, 3, 5, 17, 33])
dtypes = st.sampled_from([np.float32, np.float64])
layouts = st.sampled_from(["C", "F", "strided", "reversed"])
seeds = st.integers(0, 2**32 - 1)


def make(shape, dtype, layout="C", seed=0, special=False, scale=3.0):
    """An array of `shape` with the requested memory layout; `special` puts
    NaN, +Inf and -Inf at random positions."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    if special and x.size:
        flat = x.reshape(-1)
        idx = rng.integers(0, flat.size, size=min(3, flat.size))
        flat[idx] = rng.choice([np.nan, np.inf, -np.inf], size=idx.size)
    if layout == "F":
        x = np.asfortranarray(x)
    elif layout == "strided" and x.ndim:
        wide = np.zeros(shape[:-1] + (2 * shape[-1],), dtype)
        wide[..., ::2] = x
        x = wide[..., ::2]
    elif layout == "reversed" and x.ndim:
        x = np.ascontiguousarray(x[::-1])[::-1]
    return x


def close(got, want, dtype, scale=1.0):
    """Compare with the dtype's tolerance; NaN must match NaN, Inf Inf."""
    r = tol(dtype)
    np.testing.assert_allclose(got, want, rtol=r * 8, atol=r * scale, equal_nan=True)


def stable_sigmoid(x):
    x = x.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def ref_softmax(x):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


FORWARD = {
    "identity": lambda x, s: x.astype(np.float64),
    "sigmoid": lambda x, s: stable_sigmoid(x),
    "tanh": lambda x, s: np.tanh(x.astype(np.float64)),
    "relu": lambda x, s: np.where(np.isnan(x), x, np.maximum(x, 0)).astype(np.float64),
    "leaky_relu": lambda x, s: np.where(x > 0, x, s * x.astype(np.float64)),
}
BACKWARD = {  # saved is y for sigmoid/tanh, x for relu/leaky_relu
    "identity": lambda d, v, s: d,
    "sigmoid": lambda d, v, s: d * v * (1 - v),
    "tanh": lambda d, v, s: d * (1 - v * v),
    # a mask, as in the book's Relu.backward (dout[mask] = 0): a NaN/Inf
    # gradient where x <= 0 gives 0, not NaN
    "relu": lambda d, v, s: np.where(v > 0, d, 0.0),
    "leaky_relu": lambda d, v, s: np.where(v > 0, d, s * d),
}


def call_forward(name, x, slope, out=None):
    if name == "leaky_relu":
        return ops.leaky_relu(x, slope, out=out)
    return getattr(ops, name)(x, out=out)


def call_backward(name, d, v, slope, out=None):
    if name == "leaky_relu":
        return ops.leaky_relu_backward(d, v, slope, out=out)
    if name == "identity":
        return ops.activation_backward("identity", d, v, out=out)
    return getattr(ops, name + "_backward")(d, v, out=out)


shapes_nd = st.lists(dims, min_size=1, max_size=3).map(tuple)


# ---------------------------------------------------------------- activations

@PROP
@given(name=st.sampled_from(sorted(FORWARD)), shape=shapes_nd, dtype=dtypes, layout=layouts,
       seed=seeds, special=st.booleans(), alias=st.booleans(),
       slope=st.sampled_from([0.0, 0.01, 0.3, -1.5]))
@np.errstate(invalid="ignore", over="ignore")
def test_activation_forward(simd, name, shape, dtype, layout, seed, special, alias, slope):
    x = make(shape, dtype, layout, seed, special)
    want = FORWARD[name](x, slope)
    if alias:  # out= is the (C-contiguous) input itself
        x = np.ascontiguousarray(x)
        got = call_forward(name, x, slope, out=x)
        assert got is x
    else:
        got = call_forward(name, x, slope)
    assert got.dtype == dtype and got.shape == shape
    close(got, want, dtype)
    # the by-name entry point is the same kernel
    if not alias:
        np.testing.assert_array_equal(ops.activation(name, x, slope=slope), got)


@PROP
@given(name=st.sampled_from(sorted(BACKWARD)), shape=shapes_nd, dtype=dtypes,
       layouts_=st.tuples(layouts, layouts), seed=seeds, special=st.booleans(),
       alias=st.sampled_from([None, "dout", "saved"]), slope=st.sampled_from([0.01, 0.5]))
@np.errstate(invalid="ignore", over="ignore")
def test_activation_backward(simd, name, shape, dtype, layouts_, seed, special, alias, slope):
    d = make(shape, dtype, layouts_[0], seed, special)
    v = make(shape, dtype, layouts_[1], seed + 1, special)
    if name in ("sigmoid", "tanh"):
        v = (stable_sigmoid(v) if name == "sigmoid" else np.tanh(v)).astype(dtype)
    want = BACKWARD[name](d.astype(np.float64), v.astype(np.float64), slope)
    out = None
    if alias:
        d, v = np.ascontiguousarray(d), np.ascontiguousarray(v)
        out = d if alias == "dout" else v
    got = call_backward(name, d, v, slope, out=out)
    if out is not None:
        assert got is out
    assert got.dtype == dtype and got.shape == shape
    close(got, want, dtype)


@PROP
@given(n=st.integers(2, 300), shift=st.integers(1, 7), dtype=dtypes, seed=seeds,
       backward=st.booleans())
def test_activation_partial_overlap(n, shift, dtype, seed, backward):
    """out= overlapping an input at an offset behaves as if the input had
    been copied first (NumPy's ufunc semantics)."""
    buf = make((n + shift,), dtype, seed=seed)
    x, out = buf[shift:], buf[:n]
    if backward:
        d = make((n,), dtype, seed=seed + 1)
        want = d.astype(np.float64) * (1 - x.astype(np.float64) ** 2)
        got = ops.tanh_backward(d, x, out=out)
    else:
        want = np.tanh(x.astype(np.float64))
        got = ops.tanh(x, out=out)
    assert got is out
    close(got, want, dtype)


# ------------------------------------------------------------ matmul / affine

@PROP
@given(m=dims, n=dims, k=dims, dtype=dtypes, la=layouts, lb=layouts, seed=seeds,
       ta=st.booleans(), tb=st.booleans(), alpha=st.sampled_from([1.0, -0.5, 2.0]),
       beta=st.sampled_from([0.0, 1.0, -2.0]))
def test_matmul(simd, m, n, k, dtype, la, lb, seed, ta, tb, alpha, beta):
    a = make((k, m) if ta else (m, k), dtype, la, seed)
    b = make((n, k) if tb else (k, n), dtype, lb, seed + 1)
    c0 = make((m, n), dtype, seed=seed + 2)
    opa = a.T if ta else a
    opb = b.T if tb else b
    want = alpha * (opa.astype(np.float64) @ opb.astype(np.float64)) + beta * c0
    c = c0.copy()
    got = ops.matmul(a, b, out=c if beta != 0 else None, trans_a=ta, trans_b=tb,
                     alpha=alpha, beta=beta)
    assert got.dtype == dtype and got.shape == (m, n)
    close(got, want, dtype, scale=9.0 * (k + 1) * 4)


@PROP
@given(n=st.sampled_from([1, 3, 17]), dtype=dtypes, seed=seeds,
       which=st.sampled_from(["a", "b", "both"]), beta=st.sampled_from([0.0, 0.5]))
def test_matmul_out_aliases_input(n, dtype, seed, which, beta):
    a = make((n, n), dtype, seed=seed)
    b = a if which == "both" else make((n, n), dtype, seed=seed + 1)
    want = (a.astype(np.float64) @ b.astype(np.float64)) + beta * \
        (a if which != "b" else b).astype(np.float64)
    out = a if which != "b" else b
    got = ops.matmul(a, b, out=out, beta=beta)
    assert got is out
    close(got, want, dtype, scale=9.0 * (n + 1) * 4)


@PROP
@given(m=dims, n=dims, k=dims, dtype=dtypes, lx=layouts, lw=layouts, seed=seeds,
       act=st.sampled_from(sorted(FORWARD)), bias=st.booleans())
def test_affine(simd, m, n, k, dtype, lx, lw, seed, act, bias):
    x = make((m, k), dtype, lx, seed)
    W = make((k, n), dtype, lw, seed + 1)
    b = make((n,), dtype, seed=seed + 2) if bias else None
    z = x.astype(np.float64) @ W.astype(np.float64) + (0 if b is None else b)
    want = FORWARD[act](z, 0.01)
    got = ops.affine(x, W, b, activation=act)
    assert got.dtype == dtype and got.shape == (m, n)
    close(got, want, dtype, scale=9.0 * (k + 1) * 4)


# ------------------------------------------------------------------ reductions

@PROP
@given(m=dims, n=dims, dtype=dtypes, layout=layouts, seed=seeds, special=st.booleans(),
       alias_row=st.booleans())
@np.errstate(invalid="ignore", over="ignore")
def test_sum_rows(simd, m, n, dtype, layout, seed, special, alias_row):
    x = make((m, n), dtype, layout, seed, special)
    want = x.astype(np.float64).sum(axis=0)
    if alias_row and m:
        x = np.ascontiguousarray(x)
        got = ops.sum_rows(x, out=x[0])  # the output is the first row of the input
    else:
        got = ops.sum_rows(x)
    assert got.dtype == dtype and got.shape == (n,)
    close(got, want, dtype, scale=4.0 * (m + 1) * 3)


# ------------------------------------------------------------------- softmax

@PROP
@given(shape=st.one_of(st.tuples(dims), st.tuples(dims, dims)), dtype=dtypes, layout=layouts,
       seed=seeds, alias=st.sampled_from([None, "exact", "before", "after"]))
def test_softmax(simd, shape, dtype, layout, seed, alias):
    x = make(shape, dtype, layout, seed, scale=10.0)
    if alias in ("before", "after") and x.size:
        x, out = overlapping_pair(x, alias)
    elif alias:
        x = np.ascontiguousarray(x)
        out = x
    else:
        out = None
    if x.shape[-1] == 0 or x.size == 0:
        want = np.empty(shape)
    else:
        want = ref_softmax(x)
    got = ops.softmax(x, out=out)
    if out is not None:
        assert got is out
    assert got.dtype == dtype and got.shape == shape
    if x.size:
        close(got, want, dtype)


def overlapping_pair(x, where):
    """(x', out): x' equals x, and out (same shape, C-contiguous) starts one
    element before or after x' in the same buffer."""
    buf = np.empty(x.size + 1, x.dtype)
    lo, hi = (1, 0) if where == "before" else (0, 1)
    buf[lo:lo + x.size] = x.reshape(-1)
    return buf[lo:lo + x.size].reshape(x.shape), buf[hi:hi + x.size].reshape(x.shape)


def one_hot(labels, k, dtype):
    t = np.zeros((labels.size, k), dtype)
    t[np.arange(labels.size), labels] = 1
    return t


@PROP
@given(m=dims, k=st.integers(1, 20), dtype=dtypes, layout=layouts, seed=seeds,
       onehot=st.booleans(), label_dtype=st.sampled_from([np.int64, np.int32, np.uint8]))
def test_softmax_cross_entropy(simd, m, k, dtype, layout, seed, onehot, label_dtype):
    x = make((m, k), dtype, layout, seed, scale=10.0)
    labels = np.random.default_rng(seed).integers(0, k, m).astype(label_dtype)
    t = one_hot(labels, k, dtype) if onehot else labels
    loss, probs = ops.softmax_cross_entropy(x, t)
    assert probs.dtype == dtype and probs.shape == (m, k)
    p = ref_softmax(x) if m else np.empty((0, k))
    if m:
        logp = x - x.max(axis=1, keepdims=True).astype(np.float64)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        want = -logp[np.arange(m), labels.astype(np.int64)].mean()
        np.testing.assert_allclose(loss, want, rtol=tol(dtype) * 8, atol=tol(dtype) * 10)
        close(probs, p, dtype)
    else:
        assert np.isnan(loss)
    dx = ops.softmax_cross_entropy_backward(probs, t)
    assert dx.dtype == dtype and dx.shape == (m, k)
    if m:
        close(dx, (probs - one_hot(labels.astype(np.int64), k, np.float64)) / m, dtype)
    # in place: the gradient overwrites the probabilities, exactly or shifted
    for where in ("exact", "before", "after"):
        p_in, out = (probs.copy(),) * 2 if where == "exact" else overlapping_pair(probs, where)
        got = ops.softmax_cross_entropy_backward(p_in, t, out=out)
        assert got is out
        np.testing.assert_array_equal(got, dx)


# --------------------------------------------------------------- initializers

init = built_module("fastinit.init")
INIT_NAMES = sorted(init.INITIALIZERS) if init else []
INIT_ARGS = {"sparse": (0.3,)}  # required arguments besides the shape
# Normal-type fills whose std follows from the fans (the NumPy reference).
INIT_STD = {
    "xavier_normal": lambda fi, fo: np.sqrt(2.0 / (fi + fo)),
    "glorot_normal": lambda fi, fo: np.sqrt(2.0 / (fi + fo)),
    "he_normal": lambda fi, fo: np.sqrt(2.0 / fi),
    "kaiming_normal": lambda fi, fo: np.sqrt(2.0 / fi),
    "lecun_normal": lambda fi, fo: np.sqrt(1.0 / fi) / 0.87962566103423978,
    "normal": lambda fi, fo: 1.0,
}
init_shapes = st.lists(st.sampled_from([0, 1, 2, 3, 5, 17, 64]), min_size=1, max_size=4).map(tuple)


def _init_call(fn, target, name, seed, layout):
    """fn(target, ...) with the initializer's required arguments."""
    return fn(target, *INIT_ARGS.get(name, ()), seed=seed, layout=layout)


@pytest.mark.skipif(init is None, reason="fastinit.init is not built in this tree yet")
@PROP
@given(name=st.sampled_from(INIT_NAMES or ["-"]), shape=init_shapes, dtype=dtypes,
       layout=st.sampled_from(["io", "oi"]), target=layouts, seed=st.integers(0, 2**63 - 1))
def test_initializer(name, shape, dtype, layout, target, seed):
    """Functional and in-place twins agree bitwise on every memory layout,
    touch nothing outside the view, reproduce from a seed, and either fill
    finite values (normal-type ones with the std the fans give) or raise a
    clear exception for a shape they do not support."""
    functional = init.INITIALIZERS[name]
    inplace = getattr(init, name + "_")
    if 0 in shape:  # a no-op with a warning, or the shape's own clear error
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                _init_call(inplace, np.empty(shape, dtype), name, seed, layout)
            except (ValueError, TypeError):
                return
        assert any(issubclass(w.category, UserWarning) for w in caught)
        return
    try:
        want = functional(shape, *INIT_ARGS.get(name, ()), dtype=dtype, seed=seed, layout=layout)
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)):
            _init_call(inplace, np.empty(shape, dtype), name, seed, layout)
        return
    assert want.shape == shape and want.dtype == dtype
    assert np.all(np.isfinite(want))
    np.testing.assert_array_equal(
        functional(shape, *INIT_ARGS.get(name, ()), dtype=dtype, seed=seed, layout=layout), want)
    # in place, on a C, Fortran, strided or reversed view of a sentinel buffer
    buf = np.full(shape[:-1] + (2 * shape[-1],), 7.5, dtype)
    view = {"C": lambda: np.full(shape, 7.5, dtype),
            "F": lambda: np.asfortranarray(np.full(shape, 7.5, dtype)),
            "strided": lambda: buf[..., ::2],
            "reversed": lambda: np.full(shape, 7.5, dtype)[::-1]}[target]()
    got = _init_call(inplace, view, name, seed, layout)
    assert got is view
    np.testing.assert_array_equal(view, want)
    if target == "strided":
        assert np.all(buf[..., 1::2] == 7.5), "wrote outside the view"
    if name in INIT_STD and want.size >= 4096:
        fan_in, fan_out = init.fan_in_fan_out(shape, layout) if len(shape) > 1 else (1, 1)
        expected = INIT_STD[name](fan_in, fan_out)
        assert abs(want.astype(np.float64).std() / expected - 1) < 0.1


@pytest.mark.skipif(init is None, reason="fastinit.init is not built in this tree yet")
@PROP
@given(name=st.sampled_from(INIT_NAMES or ["-"]),
       bad=st.sampled_from(["int", "readonly", "list", "object"]))
def test_initializer_rejects_bad_targets(name, bad):
    target = {"int": lambda: np.zeros((4, 4), np.int64),
              "readonly": lambda: np.broadcast_to(np.float32(0), (4, 4)),
              "list": lambda: [[0.0] * 4] * 4,
              "object": lambda: np.zeros((4, 4), object)}[bad]()
    with pytest.raises((TypeError, ValueError)):
        _init_call(getattr(init, name + "_"), target, name, 1, "io")


# ------------------------------------------------------------- error contract

@PROP
@given(bad=st.sampled_from(["int", "bool", "complex", "object", "mixed"]), seed=seeds)
def test_bad_dtypes_raise_type_error(bad, seed):
    x = make((3, 4), np.float32, seed=seed)
    w = make((4, 2), np.float32, seed=seed + 1)
    conv = {"int": lambda a: a.astype(np.int64), "bool": lambda a: a > 0,
            "complex": lambda a: a.astype(np.complex64), "object": lambda a: a.astype(object),
            "mixed": lambda a: a.astype(np.float64)}[bad]
    cases = [lambda: ops.matmul(x, conv(w)), lambda: ops.affine(x, conv(w), None)]
    if bad != "mixed":
        cases += [lambda: ops.sigmoid(conv(x)), lambda: ops.softmax(conv(x)),
                  lambda: ops.sum_rows(conv(x))]
    cases += [lambda: ops.relu_backward(x, conv(x))]
    for case in cases:
        with pytest.raises(TypeError):
            case()


@PROP
@given(shape=shapes_nd, dtype=dtypes, layout=layouts, seed=seeds,
       bins=st.sampled_from([1, 3, 17, 129]), ranged=st.booleans(), special=st.booleans())
@np.errstate(invalid="ignore")
def test_histogram(simd, shape, dtype, layout, seed, bins, ranged, special):
    x = make(shape, dtype, layout, seed, special=special)
    hist_range = (-2.0, 2.5) if ranged else None
    try:
        want = np.histogram(x, bins, hist_range)
    except ValueError:  # an autodetected range that is not finite
        with pytest.raises(ValueError, match="not finite"):
            ops.histogram(x, bins, hist_range)
        return
    counts, edges = ops.histogram(x, bins, hist_range)
    np.testing.assert_array_equal(counts, want[0])
    assert edges.dtype == x.dtype
    np.testing.assert_array_equal(edges, want[1].astype(x.dtype))


@PROP
@given(n=st.sampled_from([0, 1, 3, 17, 129, 1000]), dtype=dtypes, seed=seeds,
       bins=st.sampled_from([1, 3, 17]), skip_zeros=st.booleans(), special=st.booleans())
@np.errstate(invalid="ignore")
def test_histogram_slots(simd, n, dtype, seed, bins, skip_zeros, special):
    x = make((n,), dtype, "strided", seed, special=special)
    if n:
        x[::3] = 0  # zeros for skip_zeros to set aside
    low, high = -1.5, 2.0
    slots, (zeros, low_tail, high_tail, total, sumsq) = ops.histogram_slots(
        x, bins, (low, high), skip_zeros=skip_zeros, cuts=(-1.0, 1.0))
    edges = np.histogram_bin_edges(np.empty(0, dtype), bins, (low, high)).astype(dtype)
    kept = x[x != 0] if skip_zeros else x
    np.testing.assert_array_equal(slots[1:bins + 1], np.histogram(kept, bins, (low, high))[0])
    assert slots[0] == np.count_nonzero(x < edges[0])
    assert slots[bins + 1] == np.count_nonzero(x > edges[-1])
    assert slots[bins + 2] == (np.count_nonzero(x == 0) if skip_zeros else 0)
    assert slots[bins + 3] == np.count_nonzero(np.isnan(x))
    assert (zeros, low_tail, high_tail) == (np.count_nonzero(x == 0), np.count_nonzero(x < -1.0),
                                            np.count_nonzero(x > 1.0))
    wide = x.astype(np.float64)
    np.testing.assert_allclose([total, sumsq], [wide.sum(), (wide * wide).sum()],
                               rtol=1e-12, atol=1e-12, equal_nan=True)


def test_every_ops_function_is_covered():
    """A new public function in fastinit.ops must get a property test here."""
    covered = {"matmul", "affine", "sum_rows", "softmax", "softmax_cross_entropy",
               "softmax_cross_entropy_backward", "activation", "activation_backward",
               "histogram", "histogram_slots",
               *FORWARD, *(f"{n}_backward" for n in BACKWARD if n != "identity")}
    public = {n for n in ops.__all__ if callable(getattr(ops, n))}
    assert public <= covered, f"no property test for {sorted(public - covered)}"
