"""fastinit.study.experiments, fastinit.study.plots and fastinit.study.report on small
problems: structure of the results, native vs numpy backends, the
statistics against plain NumPy, claims that fail when they should, and the
figures and files written."""
import csv
import json

import numpy as np
import pytest

from fastinit.study import experiments, report
from fastinit.study.experiments import claims as claims_mod
from fastinit.study.experiments.histograms import find_run, layer_statistics
from fastinit.study.experiments.symmetry import distinct_units, xor_blobs
from conftest import DTYPES, ODD_SIZES, simd_sets

SMALL = dict(layers=3, nodes=20, samples=50)


@pytest.fixture(scope="module")
def hist():
    return experiments.activation_histograms(**SMALL)


@pytest.fixture(scope="module")
def digits():
    pytest.importorskip("sklearn")
    from fastinit.study.datasets import load_study_data
    return load_study_data(dataset="digits")


@pytest.fixture(scope="module")
def comparison(digits):
    return experiments.init_comparison(digits, hidden=(16, 16), iterations=30, batch_size=32,
                                       seeds=(0, 1), progress=False)


@pytest.fixture(scope="module")
def sym():
    return experiments.symmetry(hidden=3, iterations=300)


# --------------------------------------------------------------------------
# activation_histograms
# --------------------------------------------------------------------------

def test_histogram_structure(hist):
    cfg = hist["config"]
    assert cfg["inits"] == ["std=1", "std=0.01", "xavier", "he"]
    assert [(r["activation"], r["init"]) for r in hist["runs"]] == [
        (a, i) for a in ("sigmoid", "relu", "tanh") for i in cfg["inits"]]
    n = SMALL["nodes"] * SMALL["samples"]
    for run in hist["runs"]:
        assert len(run["layers"]) == SMALL["layers"]
        for layer in run["layers"]:
            assert len(layer["edges"]) == 31
            assert layer["counts"].shape == (30,) and layer["counts"].dtype.kind == "i"
            total = layer["counts"].sum() + round(n * (layer["below"] + layer["above"]))
            if run["activation"] == "relu":
                total += round(n * layer["zero"])
            assert total == n
            assert (layer["near_limits"] is None) == (run["activation"] == "relu")


def test_histogram_inputs_shared_across_inits(hist):
    # Same input and same normal draws: layer-1 relu outputs differ only by scale.
    he, xa = find_run(hist, "relu", "he")["layers"][0], find_run(hist, "relu", "xavier")["layers"][0]
    assert he["zero"] == xa["zero"]
    assert he["std"] / xa["std"] == pytest.approx(np.sqrt(2), rel=1e-5)


def test_histogram_backends_agree():
    res = {b: experiments.activation_histograms(backend=b, dtype=np.float64, **SMALL)
           for b in ("native", "numpy")}
    for rn, rp in zip(res["native"]["runs"], res["numpy"]["runs"]):
        for ln, lp in zip(rn["layers"], rp["layers"]):
            for key in ("mean", "std"):
                assert ln[key] == pytest.approx(lp[key], rel=1e-9, abs=1e-300)
            # float64 rounding can move a value across a bin edge at most rarely
            assert np.abs(ln["counts"] - lp["counts"]).sum() <= 2


@pytest.mark.parametrize("backend", ["native", "numpy"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_layer_statistics_match_numpy(activation, backend, rng):
    z = rng.standard_normal((40, 30)).astype(np.float32)
    z = {"sigmoid": 1 / (1 + np.exp(-3 * z)), "tanh": np.tanh(3 * z),
         "relu": np.maximum(2 * z, 0)}[activation]
    lo, hi = (-1.0, 1.0) if activation == "tanh" else (0.0, 1.0)
    stats = layer_statistics(z, activation, (lo, hi), 30, backend)
    if activation == "relu":  # a range of the layer's own: [0, nice(3 x RMS)]
        lo, hi = stats["edges"][0], stats["edges"][-1]
        top = 3 * np.sqrt(np.mean(z.astype(np.float64) ** 2))
        mantissa = hi / 10.0 ** np.floor(np.log10(hi))
        assert lo == 0 and top <= hi < 2.5 * top and round(mantissa, 9) in (1, 2, 5)
    np.testing.assert_allclose(stats["edges"], np.linspace(lo, hi, 31))
    values = z[z != 0] if activation == "relu" else z
    expected, _ = np.histogram(values, bins=30, range=(lo, hi))
    np.testing.assert_array_equal(stats["counts"], expected)
    assert stats["mean"] == pytest.approx(z.mean(dtype=np.float64), rel=1e-12)
    assert stats["std"] == pytest.approx(z.std(dtype=np.float64), rel=1e-6)
    assert stats["zero"] == np.mean(z == 0)
    assert stats["above"] == pytest.approx(np.mean(values > hi) * values.size / z.size)
    if activation == "relu":
        assert stats["near_limits"] is None
    else:
        edge = 0.1 if activation == "sigmoid" else -0.9
        assert stats["near_limits"] == np.mean((z < edge) | (z > 0.9))


@pytest.mark.parametrize("size", ODD_SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("skip_zeros", [False, True])
def test_histogram_kernel_matches_numpy_twin(size, dtype, skip_zeros, rng):
    from fastinit.study.experiments.histograms import _slots_native, _slots_numpy
    x = (rng.standard_normal(size) * 0.7 + 0.3).astype(dtype)
    x[::7] = 0
    specials = np.array([0.0, 1.0, -0.0, 1 / 30, 29 / 30, 1.0 + 1e-7, -1e-9, np.nan, np.inf,
                         -np.inf], dtype)
    x[:min(size, len(specials))] = specials[:size]  # edges, zeros, NaN, infinities
    args = ((0.0, 1.0), 30, skip_zeros, (0.1, 0.9))
    counts, sums = _slots_native(x, *args)
    counts_np, sums_np = _slots_numpy(x, *args)
    np.testing.assert_array_equal(counts, counts_np)
    assert counts.sum() == size
    assert sums[:3] == sums_np[:3]
    finite = np.isfinite(x).all()
    if finite:
        np.testing.assert_allclose(sums[3:], sums_np[3:], rtol=1e-12, atol=1e-12)
    assert counts[-1] == np.isnan(x).sum()
    assert counts[-2] == (np.count_nonzero(x == 0) if skip_zeros else 0)


def _edge_values(hist_range, bins, dtype):
    """Every edge of np.histogram's bins for `dtype` and its two neighbours,
    the range's ends, zeros, NaN and infinities: where a bin index computed
    by formula and one found by comparison can disagree."""
    edges = np.histogram_bin_edges(np.empty(0, dtype), bins=bins, range=hist_range)
    near = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)])
    return np.concatenate([near, np.array([0.0, -0.0, np.nan, np.inf, -np.inf], dtype)])


@pytest.mark.parametrize("hist_range", [(0.0, 1.0), (-1.0, 1.0), (-0.1, 1.0), (0.3, 0.7001)])
@pytest.mark.parametrize("bins", [1, 7, 30, 100, 300])  # the three counting passes
@pytest.mark.parametrize("dtype", DTYPES)
def test_histogram_kernel_is_np_histogram(hist_range, bins, dtype, simd, rng):
    from fastinit.study.experiments.histograms import _slots_native, _slots_numpy
    special = _edge_values(hist_range, bins, dtype)
    lo, hi = hist_range
    spread = rng.uniform(lo - 0.2, hi + 0.2, 3000)
    x = np.concatenate([special, spread, rng.permutation(np.tile(special, 3))]).astype(dtype)
    expected, _ = np.histogram(x, bins=bins, range=hist_range)
    for skip_zeros in (False, True):
        for size in ODD_SIZES + (x.size,):  # tails of every length, and chunks
            part = x[:size]
            counts, sums = _slots_native(part, hist_range, bins, skip_zeros, (0.1, 0.9))
            counts_np, sums_np = _slots_numpy(part, hist_range, bins, skip_zeros, (0.1, 0.9))
            np.testing.assert_array_equal(counts, counts_np)
            assert sums[:3] == sums_np[:3]
            if not skip_zeros:
                np.testing.assert_array_equal(
                    counts[1:bins + 1], np.histogram(part, bins=bins, range=hist_range)[0])
        np.testing.assert_array_equal(
            counts[1:bins + 1] + (counts[-2] * np.histogram(np.zeros(1, dtype), bins,
                                                              hist_range)[0]), expected)


def test_histogram_kernel_odd_layouts(rng):
    from fastinit import _core
    from fastinit.ops import _bin_edges
    z = rng.random((64, 45)).astype(np.float32)
    for view in (z[:, ::3], z[::2], z.T, z[1:, 1:]):  # strided views: copied, same counts
        stats = layer_statistics(view, "sigmoid", (0.0, 1.0), 30, "native")
        np.testing.assert_array_equal(stats["counts"],
                                      np.histogram(view, bins=30, range=(0.0, 1.0))[0])
    edges = _bin_edges(np.dtype(np.float32), (0.0, 1.0), 30)
    with pytest.raises(ValueError, match="count slots"):
        _core.histogram(z.ravel(), edges, np.zeros(30, np.int64), False, 0.1, 0.9)
    for bad in ([0.0, 0.5, 0.5, 1.0], [0.0, np.nan, 1.0], [0.0, np.inf], [1.0, 0.0]):
        bad = np.array(bad)
        with pytest.raises(ValueError, match="strictly increasing"):
            _core.histogram(z.ravel(), bad, np.zeros(bad.size + 3, np.int64), False, 0, 1)


def test_histogram_kernel_same_bits_on_every_simd_set(rng, restore_simd):
    """Counts and moments (summed in one fixed order) whichever kernel runs."""
    from fastinit.study.experiments.histograms import _slots_native
    import fastinit
    x = rng.standard_normal(10_001).astype(np.float32)
    results = set()
    for name in simd_sets():
        fastinit.set_simd(name)
        counts, sums = _slots_native(x, (0.0, 1.0), 30, True, (0.1, 0.9))
        results.add((tuple(counts), sums))
    assert len(results) == 1


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bins", [30, 300])  # threads share the spans; 300: one thread
def test_histogram_kernel_same_bits_on_1_and_2_threads(dtype, bins, rng, threads):
    """A long array is split into spans over the threads; the counts and the
    moments (per span, then added in order) must not depend on the split,
    and the counts stay np.histogram's."""
    import fastinit
    from fastinit.study.experiments.histograms import _slots_native, _slots_numpy
    x = (rng.standard_normal(300_001) * 0.7 + 0.3).astype(dtype)
    x[::11] = 0
    args = ((0.0, 1.0), bins, True, (0.1, 0.9))
    results = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        results.append(_slots_native(x, *args))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]
    counts_np, sums_np = _slots_numpy(x, *args)
    np.testing.assert_array_equal(results[1][0], counts_np)
    assert results[1][1][:3] == sums_np[:3]
    np.testing.assert_allclose(results[1][1][3:], sums_np[3:], rtol=1e-12)


def test_histogram_kernel_empty_and_non_contiguous(rng):
    from fastinit.study.experiments.histograms import layer_statistics
    stats = layer_statistics(np.zeros(0, np.float32), "sigmoid", (0.0, 1.0), 10)
    assert stats["counts"].sum() == 0 and stats["mean"] == 0
    z = rng.random((50, 40))[:, ::3]
    a = layer_statistics(z, "sigmoid", (0.0, 1.0), 10, "native")
    b = layer_statistics(np.ascontiguousarray(z), "sigmoid", (0.0, 1.0), 10, "numpy")
    np.testing.assert_array_equal(a["counts"], b["counts"])


def test_histogram_bad_arguments():
    with pytest.raises(ValueError, match="backend"):
        experiments.activation_histograms(backend="cuda")
    with pytest.raises(ValueError, match="activation"):
        experiments.activation_histograms(activations=("softplus",))
    with pytest.raises(ValueError, match="layers"):
        experiments.activation_histograms(layers=0)
    with pytest.raises(TypeError, match="dtype"):
        experiments.activation_histograms(dtype=np.int32)


# --------------------------------------------------------------------------
# init_comparison
# --------------------------------------------------------------------------

def test_comparison_structure(comparison, digits):
    cfg = comparison["config"]
    assert cfg["data"] == "digits" and cfg["n_train"] == len(digits.x_train)
    assert [r["init"] for r in comparison["runs"]] == ["std=0.01", "xavier", "he"]
    for run in comparison["runs"]:
        assert run["loss"].shape == (2, 30) and np.isfinite(run["loss"]).all()
        np.testing.assert_allclose(run["loss_mean"], run["loss"].mean(0))
        np.testing.assert_allclose(run["final_loss"], run["loss"][:, -100:].mean(1))
        assert len(run["test_accuracy"]) == 2 and all(0 <= a <= 1 for a in run["test_accuracy"])
    # seeds differ (own weights, own batches)
    assert not np.array_equal(comparison["runs"][1]["loss"][0], comparison["runs"][1]["loss"][1])


def test_comparison_backends_agree(digits):
    kw = dict(inits=("he",), hidden=(16,), iterations=20, batch_size=16, dtype=np.float64,
              progress=False)
    native = experiments.init_comparison(digits, backend="native", **kw)
    numpy_ = experiments.init_comparison(digits, backend="numpy", **kw)
    np.testing.assert_allclose(native["runs"][0]["loss"], numpy_["runs"][0]["loss"], rtol=1e-10)


@pytest.mark.parametrize("workers", [2, 4])
def test_comparison_side_by_side_gives_the_same_bits(digits, comparison, workers, threads):
    """The fixture ran its 3 inits x 2 seeds side by side (the default on
    two threads) or one by one: any worker count gives the same result.
    The second part uses the seed net, whose steps take two threads when
    its runs go one by one and one thread side by side."""
    kw = dict(hidden=(16, 16), iterations=30, batch_size=32, seeds=(0, 1), progress=False)
    res = experiments.init_comparison(digits, workers=workers, **kw)
    one = experiments.init_comparison(digits, workers=1, **kw)
    for a, b, c in zip(res["runs"], one["runs"], comparison["runs"]):
        np.testing.assert_array_equal(a["loss"], b["loss"])
        np.testing.assert_array_equal(a["loss"], c["loss"])
        assert a["train_accuracy"] == b["train_accuracy"]
    kw = dict(inits=("std=0.01", "he"), iterations=8, progress=True)  # a bar from two threads
    a = experiments.init_comparison(digits, workers=workers, **kw)
    b = experiments.init_comparison(digits, workers=1, **kw)
    for ra, rb in zip(a["runs"], b["runs"]):
        np.testing.assert_array_equal(ra["loss"], rb["loss"])
    with pytest.raises(ValueError, match="workers"):
        experiments.init_comparison(digits, workers=0, iterations=1, progress=False)


def test_comparison_in_processes_gives_the_same_bits(digits, comparison):
    """The fixture's runs, trained on 2 and 3 worker processes: the same
    losses and accuracies, bit for bit, as in this process."""
    from fastinit.study.experiments import comparison as comparison_mod
    kw = dict(hidden=(16, 16), iterations=30, batch_size=32, seeds=(0, 1))
    for processes, progress in ((2, False), (3, True)):
        res = experiments.init_comparison(digits, processes=processes, progress=progress, **kw)
        assert res["config"] == comparison["config"]
        for a, b in zip(res["runs"], comparison["runs"]):
            assert a["init"] == b["init"]
            for key in ("loss", "loss_mean", "loss_std"):
                np.testing.assert_array_equal(a[key], b[key])
            for key in ("final_loss", "train_accuracy", "test_accuracy"):
                assert a[key] == b[key]
    # The workers never inherit this process's threads.
    assert comparison_mod._process_context().get_start_method() in ("forkserver", "spawn")
    with pytest.raises(ValueError, match="processes"):
        experiments.init_comparison(digits, processes=0, iterations=1, progress=False)
    with pytest.raises(TypeError, match="processes"):
        experiments.init_comparison(digits, processes=1.5, iterations=1, progress=False)


def test_comparison_tuple_data_and_errors(digits):
    res = experiments.init_comparison((digits.x_train, digits.t_train), inits=(0.1,),
                                      hidden=(8,), iterations=3, progress=False)
    assert res["runs"][0]["init"] == "std=0.1" and res["runs"][0]["test_accuracy"] == [None]
    with pytest.raises(ValueError, match="optimizer"):
        experiments.init_comparison(digits, optimizer="lbfgs", iterations=1, progress=False)
    with pytest.raises(ValueError, match="seeds"):
        experiments.init_comparison(digits, seeds=(), iterations=1, progress=False)
    with pytest.raises(ValueError, match="shape"):
        experiments.init_comparison((digits.x_train, digits.t_train[:-1]), iterations=1,
                                    progress=False)


# --------------------------------------------------------------------------
# symmetry
# --------------------------------------------------------------------------

def test_symmetry(sym):
    zeros, rand = sym["runs"]
    assert zeros["init"] == "zeros" and rand["init"] == "std=0.01"
    assert zeros["distinct"] == 1 and zeros["max_difference"] == 0
    assert rand["distinct"] == 3 and rand["max_difference"] > 0.1
    traj = zeros["trajectory"]
    assert traj.shape == (301, 3, 3)
    assert np.all(traj[0] == 0) and np.abs(traj[-1]).max() > 0.1  # it trained, in lockstep
    assert rand["accuracy"] > zeros["accuracy"]


def test_distinct_units():
    u = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0 + 1e-3], [0.0, 0.0]])
    assert distinct_units(u) == 3
    assert distinct_units(u[:2]) == 1
    assert distinct_units(u, rtol=1e-2) == 2


def test_xor_blobs_is_balanced_and_reproducible():
    x, t = xor_blobs(seed=3)
    x2, t2 = xor_blobs(seed=3)
    np.testing.assert_array_equal(x, x2)
    assert x.shape == (200, 2) and 60 < t.sum() < 140


# --------------------------------------------------------------------------
# claims
# --------------------------------------------------------------------------

def test_claims_on_histograms(hist):
    claims = experiments.evaluate_claims(histograms=hist)
    assert {c.key for c in claims} == {
        "sigmoid_std1_saturates", "sigmoid_std001_collapses", "sigmoid_xavier_spread",
        "relu_he_spread", "relu_xavier_shrinks", "relu_std001_vanishes", "tanh_xavier_spread"}


def test_new_claims_can_fail():
    res = experiments.activation_histograms(activations=("sigmoid", "tanh", "relu"),
                                            inits=("std=10", "std=0", "xavier", "he"), **SMALL)
    keys = {c.key: c for c in experiments.evaluate_claims(histograms=res)}
    assert {"sigmoid_std10_saturates", "tanh_std10_saturates", "sigmoid_std0_identical",
            "tanh_std0_identical", "relu_std0_identical", "tanh_xavier_spread"} <= set(keys)
    find_run(res, "tanh", "std=10")["layers"][2]["near_limits"] = 0.5
    find_run(res, "relu", "std=0")["layers"][2]["std"] = 1e-9
    find_run(res, "tanh", "xavier")["layers"][1]["near_limits"] = 0.99
    failed = {c.key for c in experiments.evaluate_claims(histograms=res) if not c.held}
    assert failed == {"tanh_std10_saturates", "relu_std0_identical", "tanh_xavier_spread"}


def _with_std(result, activation, init, stds):
    run = find_run(result, activation, init)
    for layer, s in zip(run["layers"], stds):
        layer["std"] = s


def test_claims_can_fail():
    res = experiments.activation_histograms(activations=("relu",), inits=("xavier", "he"),
                                            **SMALL)
    _with_std(res, "relu", "xavier", [0.5, 0.6, 0.2])  # not monotone
    _with_std(res, "relu", "he", [1.0, 0.5, 0.3])       # shrinks
    held = {c.key: c.held for c in experiments.evaluate_claims(histograms=res)}
    assert held == {"relu_xavier_shrinks": False, "relu_he_spread": False}


def test_comparison_claims_thresholds():
    def fake(final):
        return {"config": {"data": "d", "iterations": 1},
                "runs": [{"init": k, "final_loss": [v]} for k, v in final.items()]}
    ok = experiments.evaluate_claims(comparison=fake({"std=0.01": 2.3, "xavier": 0.27, "he": 0.17}))
    assert [c.held for c in ok] == [True, True]
    bad = experiments.evaluate_claims(comparison=fake({"std=0.01": 2.1, "xavier": 0.2, "he": 0.3}))
    assert [c.held for c in bad] == [False, False]
    assert claims_mod.NOT_LEARNING_LOSS_MIN == 2.2 and claims_mod.LEARNING_LOSS_MAX == 0.5


def test_symmetry_claims(sym):
    claims = experiments.evaluate_claims(symmetry=sym)
    assert [(c.key, c.held) for c in claims] == [("zero_init_symmetric", True),
                                                 ("random_init_breaks_symmetry", True)]


# --------------------------------------------------------------------------
# plots and report files
# --------------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_figures(tmp_path, hist, comparison, sym):
    plots = pytest.importorskip("fastinit.study.plots")
    pytest.importorskip("matplotlib")
    paths = [plots.histogram_grid(hist, a, tmp_path / f"h_{a}.png") for a in ("sigmoid", "relu")]
    paths.append(plots.loss_curves(comparison, tmp_path / "loss.png"))
    paths.append(plots.symmetry_figure(sym, tmp_path / "sub" / "sym.png"))
    for p in paths:
        assert p.read_bytes()[:8] == PNG_MAGIC and p.stat().st_size > 10_000
    with pytest.raises(ValueError, match="no runs"):
        plots.histogram_grid(hist, "softplus", tmp_path / "x.png")


def test_smooth():
    from fastinit.study.plots import smooth
    y = np.full(50, 3.0)
    np.testing.assert_allclose(smooth(y), y)
    noisy = np.sin(np.linspace(0, 3, 500)) + np.random.default_rng(0).normal(0, 0.3, 500)
    s = smooth(noisy)
    assert s.shape == noisy.shape and np.std(np.diff(s)) < 0.2 * np.std(np.diff(noisy))
    with_nan = noisy.copy()
    with_nan[100] = np.nan
    assert np.isfinite(smooth(with_nan)).all()
    np.testing.assert_array_equal(smooth([1.0, 5.0]), [1.0, 5.0])


def test_report_files(tmp_path, hist, comparison, sym):
    claims = experiments.evaluate_claims(hist, comparison, sym)
    results = dict(histograms=hist, comparison=comparison, symmetry=sym)
    report.write_json(tmp_path / "results.json", claims=claims, meta={"seed": 0}, **results)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["activation_histograms"]["runs"][0]["layers"][0]["counts"] == \
        hist["runs"][0]["layers"][0]["counts"].tolist()
    assert len(doc["claims"]) == len(claims) and "trajectory" not in doc["symmetry"]["runs"][0]
    assert len(doc["symmetry"]["runs"][0]["final_units"]) == 3
    paths = report.write_csvs(tmp_path, claims=claims, **results)
    assert {p.name for p in paths} == {
        "histogram_stats.csv", "histogram_counts.csv", "comparison_loss.csv",
        "comparison_final.csv", "comparison_accuracy.csv", "symmetry.csv", "claims.csv"}
    with open(tmp_path / "comparison_accuracy.csv") as f:
        acc = list(csv.DictReader(f))
    first = comparison["runs"][0]
    assert len(acc) == 3 * 2 * len(first["eval_iterations"])
    assert float(acc[0]["held-out_accuracy"]) == pytest.approx(first["accuracy_curve"][0, 0])
    with open(tmp_path / "comparison_loss.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3 * 2 * 30 and rows[0]["init"] == "std=0.01"
    assert float(rows[0]["loss"]) == pytest.approx(comparison["runs"][0]["loss"][0, 0], rel=1e-5)
    md = report.write_report(tmp_path, claims=claims, meta={"data_note": "NOTE"},
                             figures={"loss": tmp_path / "loss_curves.png"}, **results).read_text()
    assert "NOTE" in md and "![loss and accuracy curves](loss_curves.png)" in md
    assert "\u00b1" in md  # two seeds: mean and spread
    assert "At initialization: `fastinit.diagnose`" in md
    for c in claims:
        assert c.statement in md and c.measured in md
    assert f"{sum(c.held for c in claims)} of {len(claims)} claims held" in md


def test_to_plain():
    doc = report.to_plain({"a": np.float32(1.5), "b": np.array([1, 2]), "c": float("nan"),
                           "d": (np.int64(3), np.bool_(True)), 4: None})
    assert doc == {"a": 1.5, "b": [1, 2], "c": None, "d": [3, True], "4": None}
    json.dumps(doc)


def test_comparison_records_accuracy_curves_and_diagnosis(comparison):
    from fastinit.study.experiments.comparison import EVAL_POINTS
    for run in comparison["runs"]:
        evals = run["eval_iterations"]
        assert evals == list(range(1, 31))[max(1, 30 // EVAL_POINTS) - 1::max(1, 30 // EVAL_POINTS)]
        curve = np.asarray(run["accuracy_curve"])
        assert curve.shape == (2, len(evals)) and ((0 <= curve) & (curve <= 1)).all()
        np.testing.assert_allclose(run["accuracy_curve_mean"], curve.mean(axis=0))
        # the last point is the accuracy the run ends with
        np.testing.assert_allclose(curve[:, -1], run["test_accuracy"])
        layers = run["diagnosis"]
        assert len(layers) == 3 and all(layer["grad_norm"] > 0 for layer in layers)
    assert comparison["config"]["accuracy_on"] == "held-out"
