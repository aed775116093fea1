"""softmax, softmax_cross_entropy and its backward against
fastinit.reference.functional, on every SIMD set."""
import numpy as np
import pytest
from conftest import DTYPES, ODD_SIZES, outputs_per_simd

import fastinit
from fastinit import ops
from fastinit.reference import functional as F

SHAPES_2D = [(m, n) for m in (1, 3, 129) for n in ODD_SIZES] + [(1000, 10), (17, 1)]


def rtol(dtype, n=1):
    """exp is within 1 ulp and scaling adds a few more; for float64 the row
    sum (vector lanes here, pairwise in NumPy) adds ~sqrt(n) ulp of rounding
    noise (float32 sums are accumulated in double)."""
    noise = np.sqrt(n) if dtype == np.float64 else 0.0
    return (8 + noise) * np.finfo(dtype).eps


def logits(rng, shape, dtype, scale=4.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def loss_tol(dtype):
    return dict(rtol=1e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-13)


# --------------------------------------------------------------------------
# softmax
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES_2D + [(n,) for n in ODD_SIZES])
def test_softmax_matches_reference(shape, dtype, rng):
    x = logits(rng, shape, dtype)
    y = ops.softmax(x)
    assert y.shape == x.shape and y.dtype == dtype
    np.testing.assert_allclose(y, F.softmax(x), rtol=rtol(dtype, shape[-1]), atol=0)
    np.testing.assert_allclose(y.sum(axis=-1), 1, rtol=4 * x.shape[-1] * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_extreme_and_special_rows(dtype):
    inf, nan = np.inf, np.nan
    big = np.finfo(dtype).max
    x = np.array([[1e4, 1e4 - 1, -1e4, 0],  # no overflow
                  [-big, big, 0, 1],
                  [-inf, 0, 1, -inf],  # -inf has probability 0
                  [nan, 0, 1, 2],  # NaN anywhere: the row is NaN
                  [0, 1, inf, 2],  # +inf: NaN as in NumPy (inf - inf)
                  [-inf, -inf, -inf, -inf],
                  [0, 0, 0, 0]], dtype)
    with np.errstate(all="ignore"):
        want = F.softmax(x)
    got = ops.softmax(x)
    np.testing.assert_allclose(got, want, rtol=rtol(dtype), atol=0, equal_nan=True)
    assert np.isnan(got[3:6]).all() and not np.isnan(got[[0, 1, 2, 6]]).any()
    np.testing.assert_array_equal(got[6], dtype(0.25))


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_out_inplace_noncontiguous(dtype, rng):
    x = logits(rng, (40, 26), dtype)
    want = F.softmax(x[::2, ::3])
    np.testing.assert_allclose(ops.softmax(x[::2, ::3]), want, rtol=rtol(dtype))
    xc = np.ascontiguousarray(x[::2, ::3])
    assert ops.softmax(xc, out=xc) is xc
    np.testing.assert_allclose(xc, want, rtol=rtol(dtype))
    out = np.empty_like(xc)
    assert ops.softmax(x[::2, ::3], out=out) is out
    np.testing.assert_allclose(out, want, rtol=rtol(dtype))
    with pytest.raises(ValueError, match="shape"):
        ops.softmax(xc, out=np.empty((2, 3), dtype))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        ops.softmax(np.ones((2, 3, 4), dtype))
    with pytest.raises(TypeError, match="int64"):
        ops.softmax(np.ones((2, 3), np.int64))
    for shape in ((0, 5), (5, 0), (0,)):
        assert ops.softmax(np.empty(shape, dtype)).shape == shape


# --------------------------------------------------------------------------
# cross-entropy
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES_2D)
def test_cross_entropy_labels_and_onehot(shape, dtype, rng):
    x = logits(rng, shape, dtype)
    t = rng.integers(0, shape[1], shape[0])
    loss, probs = ops.softmax_cross_entropy(x, t)
    want_loss, want_probs = F.softmax_cross_entropy(x, t)
    assert isinstance(loss, float) and probs.dtype == dtype
    np.testing.assert_allclose(loss, want_loss, **loss_tol(dtype))
    np.testing.assert_allclose(probs, want_probs, rtol=rtol(dtype, shape[1]))
    np.testing.assert_array_equal(probs, ops.softmax(x))
    onehot = np.eye(shape[1], dtype=dtype)[t]
    loss_oh, probs_oh = ops.softmax_cross_entropy(x, onehot)
    assert loss_oh == loss  # the same terms, summed the same way
    np.testing.assert_array_equal(probs_oh, probs)
    # integer and boolean one-hot arrays, and other integer label dtypes
    assert ops.softmax_cross_entropy(x, onehot.astype(np.int8))[0] == loss
    assert ops.softmax_cross_entropy(x, onehot.astype(bool))[0] == loss
    assert ops.softmax_cross_entropy(x, t.astype(np.uint16))[0] == loss
    assert ops.softmax_cross_entropy(x, t.astype(np.int32).tolist())[0] == loss


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_soft_targets_and_extremes(dtype, rng):
    x = logits(rng, (50, 7), dtype, scale=30.0)
    t = rng.dirichlet(np.ones(7), 50).astype(dtype)
    loss, probs = ops.softmax_cross_entropy(x, t)
    want_loss, want_probs = F.softmax_cross_entropy(x, t)
    np.testing.assert_allclose(loss, want_loss, **loss_tol(dtype))
    np.testing.assert_allclose(probs, want_probs, rtol=rtol(dtype))
    # exact log-softmax: a confident wrong answer costs its full margin, no epsilon
    x = np.array([[0.0, 200.0]], dtype)
    loss, _ = ops.softmax_cross_entropy(x, np.array([0]))
    assert loss == pytest.approx(200.0, rel=1e-6)
    loss, _ = ops.softmax_cross_entropy(np.array([[1e4, 0.0]], dtype), np.array([0]))
    assert loss == 0.0
    loss, _ = ops.softmax_cross_entropy(np.array([[np.nan, 0.0]], dtype), np.array([1]))
    assert np.isnan(loss)


def test_cross_entropy_errors():
    x = np.zeros((4, 3), np.float32)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        ops.softmax_cross_entropy(x, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        ops.softmax_cross_entropy(x, np.array([0, -1, 2, 1]))
    with pytest.raises(ValueError, match=r"\(3,\).*\(4, 3\)"):
        ops.softmax_cross_entropy(x, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="float"):
        ops.softmax_cross_entropy(x, np.array([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        ops.softmax_cross_entropy(x, np.zeros((4, 2), np.float32))
    with pytest.raises(TypeError, match="float64"):
        ops.softmax_cross_entropy(x, np.zeros((4, 3), np.float64))
    with pytest.raises(ValueError):
        ops.softmax_cross_entropy(x, np.zeros((4, 3, 1), np.float32))
    with pytest.raises(ValueError):
        ops.softmax_cross_entropy(x, 2)
    with pytest.raises(ValueError, match="2-D"):
        ops.softmax_cross_entropy(np.zeros(3, np.float32), np.array([0]))
    with pytest.raises(TypeError, match="int64"):
        ops.softmax_cross_entropy(np.zeros((2, 2), np.int64), np.array([0, 1]))
    with pytest.raises(ValueError):
        ops.softmax_cross_entropy_backward(x, np.array([0, 1, 5, 0]))
    with pytest.raises(ValueError, match="shape"):
        ops.softmax_cross_entropy_backward(x, np.array([0, 1, 2, 0]),
                                           out=np.empty((3, 4), np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_zero_size(dtype):
    loss, probs = ops.softmax_cross_entropy(np.empty((0, 5), dtype), np.empty(0, np.int64))
    assert np.isnan(loss) and probs.shape == (0, 5)
    with np.errstate(all="ignore"):
        assert np.isnan(F.softmax_cross_entropy(np.empty((0, 5), dtype), np.empty(0, int))[0])
    loss, probs = ops.softmax_cross_entropy(np.empty((3, 0), dtype), np.empty((3, 0), dtype))
    assert loss == 0.0 and probs.shape == (3, 0)
    g = ops.softmax_cross_entropy_backward(np.empty((0, 5), dtype), np.empty(0, np.int64))
    assert g.shape == (0, 5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 17), (129, 10), (1000, 3)])
def test_cross_entropy_backward_bitwise(shape, dtype, rng):
    x = logits(rng, shape, dtype)
    t = rng.integers(0, shape[1], shape[0])
    _, probs = ops.softmax_cross_entropy(x, t)
    for dout in (1.0, 0.5, -3.0):
        want = F.softmax_cross_entropy_backward(probs, t, dout)
        np.testing.assert_array_equal(ops.softmax_cross_entropy_backward(probs, t, dout), want)
        onehot = np.eye(shape[1], dtype=dtype)[t]
        np.testing.assert_array_equal(ops.softmax_cross_entropy_backward(probs, onehot, dout),
                                      want)
    p = probs.copy()
    assert ops.softmax_cross_entropy_backward(p, t, out=p) is p  # in place over probs
    np.testing.assert_array_equal(p, F.softmax_cross_entropy_backward(probs, t))
    g = ops.softmax_cross_entropy_backward(np.asfortranarray(probs), t)
    np.testing.assert_array_equal(g, F.softmax_cross_entropy_backward(probs, t))


# --------------------------------------------------------------------------
# threads and SIMD sets
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_one_and_two_threads_bitwise(dtype, rng, threads):
    # more rows than one internal reduction chunk (16384), big enough for 2 threads
    x = logits(rng, (40_001, 10), dtype)
    t = rng.integers(0, 10, x.shape[0])
    soft = rng.dirichlet(np.ones(10), x.shape[0]).astype(dtype)
    res = []
    for n in (1, 2):
        fastinit.set_num_threads(n)
        la, pa = ops.softmax_cross_entropy(x, t)
        lb, _ = ops.softmax_cross_entropy(x, soft)
        res.append((la, lb, pa, ops.softmax(x), ops.softmax_cross_entropy_backward(pa, t)))
    (la1, lb1, *arrs1), (la2, lb2, *arrs2) = res
    assert la1 == la2 and lb1 == lb2
    for a, b in zip(arrs1, arrs2):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(la1, F.softmax_cross_entropy(x, t)[0], **loss_tol(dtype))


def test_every_simd_set_matches_reference(rng):
    inputs = {}
    for dt in DTYPES:
        k = np.dtype(dt).name
        inputs[f"x_{k}"] = logits(rng, (37, 29), dt, scale=10.0)
        inputs[f"w_{k}"] = logits(rng, (5, 1000), dt)  # long rows
    inputs["t"] = rng.integers(0, 29, 37)
    script = """
for k in ('float32', 'float64'):
    x = inputs['x_' + k]
    out['softmax_' + k] = ops.softmax(x)
    out['softmax_long_' + k] = ops.softmax(inputs['w_' + k])
    loss, probs = ops.softmax_cross_entropy(x, inputs['t'])
    out['loss_' + k] = np.array(loss)
    out['probs_' + k] = probs
"""
    per_set = outputs_per_simd(script, inputs)
    for isa, out in per_set.items():
        for dt in DTYPES:
            k = np.dtype(dt).name
            x = inputs[f"x_{k}"]
            np.testing.assert_allclose(out[f"softmax_{k}"], F.softmax(x), rtol=rtol(dt, 29))
            np.testing.assert_allclose(out[f"softmax_long_{k}"], F.softmax(inputs[f"w_{k}"]),
                                       rtol=rtol(dt, 1000))
            want_loss, want_probs = F.softmax_cross_entropy(x, inputs["t"])
            np.testing.assert_allclose(out[f"loss_{k}"], want_loss, **loss_tol(dt))
            np.testing.assert_allclose(out[f"probs_{k}"], want_probs, rtol=rtol(dt, 29))
