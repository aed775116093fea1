"""fastinit.nn.diagnose and LSUV: the per-layer numbers behind the book's
histograms, and the data-dependent init."""
import numpy as np
import pytest

from fastinit.nn.diagnose import Diagnosis, diagnose
from fastinit.nn.lsuv import lsuv
from fastinit.nn.net import MultiLayerNet
from fastinit.reference import functional as F


@pytest.fixture
def batch(rng):
    return rng.standard_normal((500, 50)), rng.integers(0, 10, 500)


def hidden_outputs(net, x):
    """Each layer's output (after the activation; logits last), in NumPy."""
    L = len(net.hidden_size_list) + 1
    outs, h = [], x
    for i in range(1, L + 1):
        h = h @ net.params[f"W{i}"] + net.params[f"b{i}"]
        if i < L:
            h = F.activation(net.activation, h, slope=0.01)
        outs.append(h)
    return outs


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_statistics_match_numpy(act, batch):
    x, t = batch
    net = MultiLayerNet(50, [40, 30, 20], 10, activation=act, dtype=np.float64, seed=0,
                        weight_init_std=0.5)
    diag = diagnose(net, x, t)
    outs = hidden_outputs(net, x)
    grads = net.gradient(x, t)
    assert isinstance(diag, Diagnosis) and len(diag) == 4
    for i, (s, h) in enumerate(zip(diag, outs)):
        assert s.shape == h.shape
        assert s.mean == pytest.approx(h.mean(), rel=1e-10)
        assert s.std == pytest.approx(h.std(), rel=1e-10)
        assert s.grad_norm == pytest.approx(np.linalg.norm(grads[f"W{i + 1}"]), rel=1e-10)
        last = i == len(outs) - 1
        if act in ("sigmoid", "tanh") and not last:
            lo = 0.0 if act == "sigmoid" else -1.0
            sat = (h <= lo + 0.01) | (h >= 0.99)
            assert s.saturated == pytest.approx(sat.mean())
            assert s.dead is None
        elif not last:
            assert s.dead == pytest.approx((h <= 0).mean())
            assert s.dead_units == pytest.approx((h <= 0).all(axis=0).mean())
            assert s.saturated is None
        else:
            assert s.saturated is None and s.dead is None


def test_seed_findings_are_visible(batch):
    x, _ = batch
    # std=1 sigmoid: many saturated; std=0.01 relu: activations collapse;
    # He relu: spread kept through the depth
    sat = diagnose(MultiLayerNet(50, [100] * 5, 10, activation="sigmoid",
                                 weight_init_std=1.0, seed=0), x)
    assert sat[-2].saturated > 0.3
    small = diagnose(MultiLayerNet(50, [100] * 5, 10, weight_init_std=0.01, seed=0), x)
    assert small[-2].std < 1e-3 * small[0].std
    he = diagnose(MultiLayerNet(50, [100] * 5, 10, weight_init_std="relu", seed=0), x)
    assert 0.2 < he[-2].std / he[0].std < 5
    assert all(s.grad_norm is None for s in he)


def test_table(batch):
    x, t = batch
    diag = diagnose(MultiLayerNet(50, [8, 8], 10, activation="tanh", seed=0), x[:20], t[:20])
    text = str(diag)
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["layer", "units", "mean", "std"]
    assert len(lines) == 2 + 3 and "tanh 1" in lines[2] and "logits 3" in lines[4]
    assert set(diag.to_dict()) == {"tanh 1", "tanh 2", "logits 3"}


def test_diagnose_errors(batch):
    x, t = batch
    net = MultiLayerNet(50, [8], 10)
    with pytest.raises(ValueError, match="features"):
        diagnose(net, x[:, :3])
    with pytest.raises(ValueError, match="mismatched"):
        diagnose(net, x, t[:3])


@pytest.mark.parametrize("act", ["relu", "tanh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lsuv_gives_unit_variance(act, dtype, batch):
    x, _ = batch
    net = MultiLayerNet(50, [64, 64, 64], 10, activation=act, weight_init_std=0.01,
                        dtype=dtype, seed=0)
    assert lsuv(net, x, tol=0.05, seed=1) is net
    h = x.astype(dtype)
    for i in range(1, 5):
        W, b = net.params[f"W{i}"], net.params[f"b{i}"]
        z = h @ W + b
        assert abs(z.var() - 1) < 0.05
        h = np.maximum(z, 0) if act == "relu" else np.tanh(z)
    # the start is orthogonal: after rescaling, the columns stay orthogonal
    W = net.params["W2"].astype(np.float64)
    gram = W.T @ W
    np.testing.assert_allclose(gram, np.eye(64) * gram[0, 0], atol=1e-4 * gram[0, 0])


def test_lsuv_errors(batch):
    x, _ = batch
    net = MultiLayerNet(50, [8], 10)
    with pytest.raises(ValueError, match="tol"):
        lsuv(net, x, tol=0)
    with pytest.raises(ValueError, match="max_iter"):
        lsuv(net, x, max_iter=0)
    with pytest.raises(ValueError, match="variance"):
        lsuv(net, np.zeros((10, 50)))
