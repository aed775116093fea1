"""fastinit.keras against keras.initializers: distributions by KS test,
Keras' seed behaviour, serialization and a saved model that reloads."""
import importlib.util
import math
import os

import numpy as np
import pytest

if "KERAS_BACKEND" not in os.environ:  # Keras' default backend, TensorFlow, is not a test dependency
    os.environ["KERAS_BACKEND"] = "jax" if importlib.util.find_spec("jax") else "numpy"
keras = pytest.importorskip("keras", reason="fastinit.keras needs Keras 3 (extra 'keras')")
stats = pytest.importorskip("scipy.stats")

import fastinit.keras as fk  # noqa: E402
from fastinit.random import Generator  # noqa: E402

P_MIN = 1e-4


def values(t):
    return np.asarray(keras.ops.convert_to_numpy(t), np.float64)


CASES = [
    ("RandomNormal", {"mean": 0.5, "stddev": 0.2}, (400, 250)),
    ("RandomUniform", {"minval": -0.3, "maxval": 0.1}, (400, 250)),
    ("TruncatedNormal", {"mean": 0.0, "stddev": 0.1}, (400, 250)),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal"},
     (3, 3, 96, 128)),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform",
                         "input_axes": [0], "output_axes": [1, 2]}, (40, 50, 60)),
    ("GlorotUniform", {}, (400, 250)),
    ("GlorotNormal", {}, (400, 250)),
    ("HeUniform", {}, (3, 3, 96, 128)),
    ("HeNormal", {}, (400, 250)),
    ("LecunUniform", {}, (400, 250)),
    ("LecunNormal", {}, (400, 250)),
    ("Orthogonal", {"gain": 2.0}, (400, 250)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_distribution_matches_keras(name, kwargs, shape):
    ours = values(getattr(fk, name)(seed=1, **kwargs)(shape))
    theirs = values(getattr(keras.initializers, name)(seed=2, **kwargs)(shape))
    assert ours.shape == theirs.shape
    assert stats.ks_2samp(ours.ravel(), theirs.ravel()).pvalue > P_MIN
    assert ours.std() == pytest.approx(theirs.std(), rel=0.02)


@pytest.mark.parametrize("name,kwargs", [("Zeros", {}), ("Ones", {}), ("Constant", {"value": 3.5}),
                                         ("Identity", {"gain": 2.0})])
def test_deterministic_equal_keras(name, kwargs):
    shape = (5, 7)
    assert np.array_equal(values(getattr(fk, name)(**kwargs)(shape)),
                          values(getattr(keras.initializers, name)(**kwargs)(shape)))


def test_truncation_at_two_stddev_and_bounds():
    t = values(fk.TruncatedNormal(mean=1.0, stddev=0.5, seed=0)((200_000,)))
    assert t.min() >= 0.0 and t.max() <= 2.0 and t.min() < 0.01 and t.max() > 1.99
    u = values(fk.HeUniform(seed=0)((300, 200)))
    assert np.abs(u).max() <= math.sqrt(6 / 300)


def test_seed_behaviour_is_keras():
    shape = (30, 20)
    seeded = fk.HeNormal(seed=4)
    assert np.array_equal(values(seeded(shape)), values(seeded(shape)))  # int: same every call
    assert np.array_equal(values(seeded(shape)), values(fk.HeNormal(seed=4)(shape)))
    unseeded = fk.HeNormal()
    assert np.array_equal(values(unseeded(shape)), values(unseeded(shape)))  # None: as Keras
    gen = fk.HeNormal(seed=keras.random.SeedGenerator(1))
    assert not np.array_equal(values(gen(shape)), values(gen(shape)))  # a SeedGenerator advances
    ours = fk.HeNormal(seed=Generator(1))
    assert not np.array_equal(values(ours(shape)), values(ours(shape)))
    with pytest.raises(ValueError, match="seed"):
        fk.HeNormal(seed="one")


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float64"])
def test_dtypes(dtype):
    out = fk.GlorotNormal(seed=3)((64, 32), dtype=dtype)
    assert keras.backend.standardize_dtype(out.dtype) in (dtype, "float32")  # float64 needs x64
    with pytest.raises(TypeError, match="int32"):
        fk.GlorotNormal(seed=3)((4, 4), dtype="int32")


@pytest.mark.parametrize("init", [
    fk.HeNormal(seed=1), fk.GlorotUniform(seed=2), fk.VarianceScaling(2.0, "fan_out", "uniform", 3),
    fk.RandomNormal(0.1, 0.2, seed=4), fk.RandomUniform(-1, 1, seed=5), fk.TruncatedNormal(seed=6),
    fk.Orthogonal(0.5, seed=7), fk.Identity(3.0), fk.Constant(2.0), fk.Zeros(), fk.Ones(),
    fk.LecunNormal(seed=8), fk.LecunUniform(seed=9), fk.HeUniform(seed=10), fk.GlorotNormal(seed=11),
], ids=lambda i: type(i).__name__)
def test_serialize_round_trip(init):
    config = keras.initializers.serialize(init)
    assert config["registered_name"] == f"fastinit>{type(init).__name__}"
    back = keras.initializers.deserialize(config)
    assert type(back) is type(init) and back.get_config() == init.get_config()
    assert np.array_equal(values(back((6, 6))), values(init((6, 6))))


def test_model_saves_and_reloads(tmp_path):
    model = keras.Sequential([
        keras.Input((20,)),
        keras.layers.Dense(16, kernel_initializer=fk.HeNormal(seed=1),
                           bias_initializer=fk.Constant(0.25)),
        keras.layers.Dense(4, kernel_initializer=fk.Orthogonal(seed=2))])
    path = tmp_path / "model.keras"
    model.save(path)
    again = keras.models.load_model(path)
    for a, b in zip(model.layers, again.layers):
        assert type(b.kernel_initializer) is type(a.kernel_initializer)
        assert b.kernel_initializer.get_config() == a.kernel_initializer.get_config()
        np.testing.assert_array_equal(values(a.kernel), values(b.kernel))
    assert np.array_equal(values(model.layers[0].kernel),
                          values(fk.HeNormal(seed=1)((20, 16))))


def test_import_without_keras_says_what_to_install():
    from conftest import run_python
    res = run_python("import sys; sys.modules['keras'] = None\nimport fastinit.keras", check=False)
    assert res.returncode != 0 and "fastinit[keras]" in res.stderr


def test_a_missing_backend_is_named():
    """Keras 3 defaults to TensorFlow: without it, importing fastinit.keras
    says which backend failed and how to pick another, not "needs Keras"."""
    if importlib.util.find_spec("tensorflow"):
        pytest.skip("TensorFlow is installed: Keras' default backend loads")
    from conftest import run_python

    proc = run_python("import fastinit.keras", env={"KERAS_BACKEND": None}, check=False)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: fastinit.keras: Keras could not load its backend")
    assert "KERAS_BACKEND" in last and "tensorflow" in last
