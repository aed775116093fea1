"""fastinit.nn.layers (compiled) against fastinit.reference.layers: same
constructor arguments, attributes and results."""
import numpy as np
import pytest

import fastinit
from fastinit.nn import layers as C
from fastinit.reference import layers as R

from conftest import DTYPES, ODD_SIZES, tol

SHAPES = [(n, d) for n in ODD_SIZES for d in (1, 17, 129)]
ACTIVATIONS = [("Relu", ()), ("LeakyRelu", (0.05,)), ("Sigmoid", ()), ("Tanh", ())]


def close(a, b, dtype, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=tol(dtype) * scale, atol=tol(dtype) * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_affine(shape, dtype, rng, simd):
    n, d = shape
    m = 7
    W = rng.standard_normal((d, m)).astype(dtype)
    b = rng.standard_normal(m).astype(dtype)
    x = rng.standard_normal((n, d)).astype(dtype)
    dout = rng.standard_normal((n, m)).astype(dtype)
    c, r = C.Affine(W, b), R.Affine(W, b)
    out = c.forward(x)
    assert out.dtype == dtype
    close(out, r.forward(x), dtype, scale=d)
    dx = c.backward(dout)
    close(dx, r.backward(dout), dtype, scale=m)
    close(c.dW, r.dW, dtype, scale=n)
    close(c.db, r.db, dtype, scale=n)
    assert c.dW.shape == W.shape and c.db.shape == b.shape and dx.shape == x.shape


def test_affine_flattens_and_restores_shape(rng):
    W, b = rng.standard_normal((12, 3)), np.zeros(3)
    x = rng.standard_normal((2, 3, 4))
    c = C.Affine(W, b)
    np.testing.assert_allclose(c.forward(x), x.reshape(2, 12) @ W)
    assert c.backward(np.ones((2, 3))).shape == (2, 3, 4)
    assert c.original_x_shape == (2, 3, 4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", ODD_SIZES)
@pytest.mark.parametrize("name,args", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations(name, args, n, dtype, rng, simd):
    x = (rng.standard_normal((n, 13)) * 3).astype(dtype)
    dout = rng.standard_normal((n, 13)).astype(dtype)
    c, r = getattr(C, name)(*args), getattr(R, name)(*args)
    close(c.forward(x), r.forward(x), dtype)
    close(c.backward(dout), r.backward(dout), dtype)
    for attr in ("mask", "out", "slope"):
        assert hasattr(c, attr) == hasattr(r, attr), attr
        if hasattr(r, attr):
            close(np.asarray(getattr(c, attr), dtype=float),
                  np.asarray(getattr(r, attr), dtype=float), dtype)


@pytest.mark.parametrize("name,args", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations_on_non_contiguous_input(name, args, rng):
    x = rng.standard_normal((9, 14))[:, ::2]
    dout = rng.standard_normal((9, 7))
    c, r = getattr(C, name)(*args), getattr(R, name)(*args)
    np.testing.assert_allclose(c.forward(x), r.forward(x), rtol=1e-12)
    np.testing.assert_allclose(c.backward(dout), r.backward(dout), rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", ODD_SIZES)
@pytest.mark.parametrize("onehot", [False, True])
def test_softmax_with_loss(n, dtype, onehot, rng, simd):
    k = 11
    x = (rng.standard_normal((n, k)) * 4).astype(dtype)
    labels = rng.integers(0, k, n)
    t = np.eye(k, dtype=dtype)[labels] if onehot else labels
    c, r = C.SoftmaxWithLoss(), R.SoftmaxWithLoss()
    assert c.forward(x, t) == pytest.approx(r.forward(x, t), rel=tol(dtype))
    assert c.loss == pytest.approx(r.loss, rel=tol(dtype))
    close(c.y, r.y, dtype)
    close(c.backward(), r.backward(), dtype)
    close(c.backward(2.5), r.backward(2.5), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_thread_count_does_not_change_layer_results(dtype, rng, threads):
    W = rng.standard_normal((300, 129)).astype(dtype)
    x = rng.standard_normal((1000, 300)).astype(dtype)
    outs = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        a = C.Affine(W, np.zeros(129, dtype))
        act = C.Tanh()
        y = act.forward(a.forward(x))
        dx = a.backward(act.backward(np.ones_like(y)))
        outs.append((y, dx, a.dW, a.db))
    for u, v in zip(*outs):
        close(u, v, dtype, scale=10)


def test_layer_errors(rng):
    a = C.Affine(np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="not aligned"):
        a.forward(np.zeros((2, 5)))
    with pytest.raises(TypeError, match="dtype"):
        a.forward(np.zeros((2, 4), np.float32))
    loss = C.SoftmaxWithLoss()
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        loss.forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="labels"):
        loss.forward(np.zeros((2, 3)), np.array([0, 1, 2]))
    relu = C.Relu()
    relu.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        relu.backward(np.zeros((3, 2)))


def test_compiled_layers_are_reference_layers():
    for name in ("Affine", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "SoftmaxWithLoss"):
        assert issubclass(getattr(C, name), getattr(R, name))
    assert C.LeakyRelu().slope == R.LeakyRelu().slope == 0.01
    assert C.Relu().mask is None
