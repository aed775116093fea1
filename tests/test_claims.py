"""The book's claims, checked on the native engine: the activation
histograms on Gaussian input, the initializer comparison on real MNIST
(from $FASTINIT_DATA), and symmetry breaking.  Thresholds are written out
here, independently of fastinit.study.experiments.claims, which is checked to
agree."""
import numpy as np
import pytest

from fastinit.study import datasets, experiments
from fastinit.study.experiments.histograms import find_run
from conftest import mnist_dir


def _mnist():
    folder = mnist_dir()
    if folder is None:
        pytest.skip("no MNIST: set FASTINIT_DATA to a folder with the IDX files "
                    "(CI uses ../shared/data/mnist)")
    if not (datasets.mnist_available(folder, "test") or datasets.mnist_available(folder, "train")):
        pytest.skip(f"FASTINIT_DATA={folder} holds no MNIST IDX files")
    return datasets.load_study_data(folder, "mnist", download=False)


@pytest.fixture(scope="module")
def hist():
    # the study's setup (1000 x 100, 5 layers) with the grid `fastinit study` runs
    from fastinit.study.cli import STUDY_HIST_INITS
    return experiments.activation_histograms(inits=tuple(STUDY_HIST_INITS))


@pytest.fixture(scope="module")
def comparison():
    data = _mnist()
    return experiments.init_comparison(data, progress=False)  # ReLU, SGD 0.01, 128, 2000


@pytest.fixture(scope="module")
def sym():
    return experiments.symmetry()


def _stds(hist, activation, init):
    return np.array([layer["std"] for layer in find_run(hist, activation, init)["layers"]])


def test_sigmoid_std1_saturates(hist):
    for layer in find_run(hist, "sigmoid", "std=1")["layers"]:
        assert layer["near_limits"] > 0.5, layer["layer"]  # most below 0.1 or above 0.9


def test_sigmoid_std001_concentrates_at_half(hist):
    for layer in find_run(hist, "sigmoid", "std=0.01")["layers"]:
        assert layer["std"] < 0.03 and abs(layer["mean"] - 0.5) < 0.01, layer["layer"]


def test_sigmoid_xavier_keeps_spread(hist):
    s = _stds(hist, "sigmoid", "xavier")
    collapsed = _stds(hist, "sigmoid", "std=0.01")
    assert np.all(s > 0.06) and np.all(s > 3 * collapsed)
    assert all(layer["near_limits"] < 0.1 for layer in find_run(hist, "sigmoid", "xavier")["layers"])


def test_relu_he_keeps_spread(hist):
    s = _stds(hist, "relu", "he")
    assert np.all(s > 0.5 * s[0]) and s[-1] < 2 * s[0]


def test_relu_xavier_shrinks_layer_by_layer(hist):
    s = _stds(hist, "relu", "xavier")
    assert np.all(np.diff(s) < 0) and s[-1] < 0.5 * s[0]


def test_relu_std001_vanishes(hist):
    s = _stds(hist, "relu", "std=0.01")
    assert s[-1] < 1e-3 and s[-1] < 1e-3 * s[0]


@pytest.mark.parametrize("activation,limits", [("sigmoid", (0.0, 1.0)), ("tanh", (-1.0, 1.0))])
def test_std10_saturates(hist, activation, limits):
    for layer in find_run(hist, activation, "std=10")["layers"]:
        assert layer["near_limits"] > 0.9, layer["layer"]
        assert abs(abs(layer["mean"] - sum(limits) / 2) - 0) < 0.2  # both limits, not one
        assert layer["std"] > 0.9 * (limits[1] - limits[0]) / 2  # a two-point spread


@pytest.mark.parametrize("activation,value", [("sigmoid", 0.5), ("tanh", 0.0), ("relu", 0.0)])
def test_std0_every_unit_identical(hist, activation, value):
    for layer in find_run(hist, activation, "std=0")["layers"]:
        assert layer["std"] == 0.0 and layer["mean"] == value, layer["layer"]


def test_tanh_xavier_spread_and_less_saturated_than_he(hist):
    x = find_run(hist, "tanh", "xavier")["layers"]
    h = find_run(hist, "tanh", "he")["layers"]
    assert all(a["std"] > 0.2 for a in x)
    assert all(a["near_limits"] <= b["near_limits"] for a, b in zip(x, h))
    assert all(a["std"] < b["std"] for a, b in zip(x, h))  # He looks wider at a glance


def test_mnist_comparison(comparison):
    final = {r["init"]: np.mean(r["final_loss"]) for r in comparison["runs"]}
    assert final["std=0.01"] > 2.2           # does not learn (the book: 2.30)
    assert final["he"] < final["xavier"] < 0.5  # the book: 0.17 < 0.27
    acc = {r["init"]: r["test_accuracy"][0] for r in comparison["runs"]}
    assert acc["he"] > 0.85 and acc["xavier"] > 0.85 and acc["std=0.01"] < 0.3


def test_zero_init_symmetric_random_init_distinct(sym):
    zeros, rand = sym["runs"]
    assert zeros["distinct"] == 1 and zeros["max_difference"] == 0
    assert rand["distinct"] == sym["config"]["hidden"]
    assert rand["accuracy"] > zeros["accuracy"]  # XOR needs two different units


def test_claims_module_agrees(hist, comparison, sym):
    claims = experiments.evaluate_claims(hist, comparison, sym)
    assert len(claims) == 16
    assert [c.key for c in claims if not c.held] == []


def test_relu_histograms_show_their_data(hist):
    """Every ReLU panel's range holds its data: at most 2% beyond the
    drawn range, and the drawn bars hold all the nonzero values but that."""
    for init in ("std=1", "std=0.01", "xavier", "he", "std=10"):
        for layer in find_run(hist, "relu", init)["layers"]:
            assert layer["above"] <= 0.02, (init, layer["layer"])
            drawn = layer["counts"].sum() / (1000 * 100)
            assert drawn + layer["zero"] + layer["above"] == pytest.approx(1.0)
