"""fastinit.reference layers, optimizers and net: the spec itself, checked
against numerical derivatives and the formulas they implement."""
import numpy as np
import pytest

from fastinit.reference import layers as L
from fastinit.reference import optim as O
from fastinit.reference.net import MultiLayerNet, numerical_gradient


def check_layer_grad(layer, x, rng, h=1e-6):
    """backward(dout) equals the derivative of sum(forward(x) * dout)."""
    dout = rng.standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    num = numerical_gradient(lambda: float(np.sum(layer.forward(x) * dout)), x, h)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("layer", [L.Relu(), L.LeakyRelu(0.1), L.Sigmoid(), L.Tanh()],
                         ids=lambda layer: type(layer).__name__)
def test_activation_gradients(layer, rng):
    x = rng.standard_normal((5, 7))
    x[np.abs(x) < 1e-3] = 0.5  # stay off the kink of relu
    check_layer_grad(layer, x, rng)


def test_activation_values(rng):
    x = np.array([[-2.0, -0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(L.Relu().forward(x), [[0, 0, 0, 3]])
    np.testing.assert_allclose(L.LeakyRelu(0.1).forward(x), [[-0.2, 0, 0, 3]])
    np.testing.assert_allclose(L.Sigmoid().forward(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(L.Tanh().forward(x), np.tanh(x))
    relu = L.Relu()
    relu.forward(x)
    np.testing.assert_array_equal(relu.mask, x <= 0)


def test_affine_gradients_and_flattening(rng):
    W, b = rng.standard_normal((12, 4)), rng.standard_normal(4)
    aff = L.Affine(W, b)
    x = rng.standard_normal((3, 3, 4))  # flattened to (3, 12)
    out = aff.forward(x)
    np.testing.assert_allclose(out, x.reshape(3, 12) @ W + b)
    check_layer_grad(aff, x, rng)
    dout = rng.standard_normal((3, 4))
    aff.forward(x)
    aff.backward(dout)
    num_W = numerical_gradient(lambda: float(np.sum(aff.forward(x) * dout)), W)
    num_b = numerical_gradient(lambda: float(np.sum(aff.forward(x) * dout)), b)
    np.testing.assert_allclose(aff.dW, num_W, rtol=1e-6)
    np.testing.assert_allclose(aff.db, num_b, rtol=1e-6)


@pytest.mark.parametrize("onehot", [False, True])
def test_softmax_with_loss(rng, onehot):
    x = rng.standard_normal((6, 5)) * 3
    labels = rng.integers(0, 5, 6)
    t = np.eye(5)[labels] if onehot else labels
    layer = L.SoftmaxWithLoss()
    loss = layer.forward(x, t)
    logp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    assert loss == pytest.approx(-logp[np.arange(6), labels].mean(), rel=1e-12)
    np.testing.assert_allclose(layer.y.sum(axis=1), 1)
    dx = layer.backward()
    num = numerical_gradient(lambda: L.SoftmaxWithLoss().forward(x, t), x)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-10)


def test_softmax_with_loss_is_exact_for_confident_wrong_answers():
    # no +1e-7 epsilon: a loss of 1000 stays 1000 (the book's version caps at ~16)
    layer = L.SoftmaxWithLoss()
    assert layer.forward(np.array([[1000.0, 0.0]]), np.array([1])) == pytest.approx(1000.0)


def _formula_steps(name, p, g, steps):
    """The textbook formulas, written out independently of the classes."""
    p = p.copy()
    s1 = np.zeros_like(p)
    s2 = np.zeros_like(p)
    for it in range(1, steps + 1):
        if name == "SGD":
            p = p - 0.1 * g
        elif name == "Momentum":
            s1 = 0.9 * s1 - 0.1 * g
            p = p + s1
        elif name == "AdaGrad":
            s1 = s1 + g * g
            p = p - 0.1 * g / (np.sqrt(s1) + 1e-7)
        else:
            s1 = 0.9 * s1 + 0.1 * g
            s2 = 0.999 * s2 + 0.001 * g * g
            mhat, vhat = s1 / (1 - 0.9 ** it), s2 / (1 - 0.999 ** it)
            # the book folds the bias corrections into lr_t, so eps acts
            # on sqrt(v), i.e. as eps / sqrt(1 - beta2^t) next to sqrt(vhat)
            p = p - 0.1 * mhat / (np.sqrt(vhat) + 1e-7 / np.sqrt(1 - 0.999 ** it))
    return p


@pytest.mark.parametrize("name", ["SGD", "Momentum", "AdaGrad", "Adam"])
def test_optimizers_follow_their_formulas(name, rng):
    p0, g = rng.standard_normal(7), rng.standard_normal(7)
    opt = getattr(O, name)(lr=0.1)
    params = {"w": p0.copy()}
    for _ in range(5):
        opt.update(params, {"w": g})
    np.testing.assert_allclose(params["w"], _formula_steps(name, p0, g, 5), rtol=1e-10)


def test_reference_net_book_api(rng):
    net = MultiLayerNet(8, [6, 5], 3, activation="tanh", weight_init_std=0.5,
                        weight_decay_lambda=0.1, dtype=np.float64, seed=0)
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert list(net.layers) == ["Affine1", "Activation_function1", "Affine2",
                                "Activation_function2", "Affine3"]
    assert not np.any(net.params["b1"])
    x, t = rng.standard_normal((4, 8)), rng.integers(0, 3, 4)
    grads = net.gradient(x, t)
    num = net.numerical_gradient(x, t)
    for k in grads:
        np.testing.assert_allclose(grads[k], num[k], rtol=1e-5, atol=1e-9)
    loss = net.train_step(x, t, O.SGD(0.1))
    assert loss > net.loss(x, t)
    assert 0 <= net.accuracy(x, t) <= 1
