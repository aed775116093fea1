"""fastinit.nn.optim (compiled updates) against fastinit.reference.optim."""
import numpy as np
import pytest

import fastinit
from fastinit.nn import optim as C
from fastinit.reference import optim as R

from conftest import DTYPES, ODD_SIZES

NAMES = ["SGD", "Momentum", "AdaGrad", "Adam"]
STEPS = 5


def make(name, cls_module, dtype):
    kwargs = {"lr": 0.05}
    if name == "Momentum":
        kwargs["momentum"] = 0.8
    if name == "Adam":
        kwargs.update(beta1=0.85, beta2=0.99)
    return getattr(cls_module, name)(**kwargs)


def run(opt, params, grads_seq):
    for grads in grads_seq:
        opt.update(params, grads)
    return params


def problem(rng, dtype, n):
    params = {"W": rng.standard_normal((n, 3)).astype(dtype),
              "b": rng.standard_normal(n).astype(dtype)}
    grads = [{k: rng.standard_normal(v.shape).astype(dtype) for k, v in params.items()}
             for _ in range(STEPS)]
    return params, grads


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", ODD_SIZES + (40000,))
@pytest.mark.parametrize("name", NAMES)
def test_matches_reference(name, n, dtype, rng, simd):
    params, grads = problem(rng, dtype, n)
    c = run(make(name, C, dtype), {k: v.copy() for k, v in params.items()}, grads)
    r = run(make(name, R, dtype), {k: v.copy() for k, v in params.items()}, grads)
    for k in params:
        assert c[k].dtype == dtype
        # the same element-wise formulas in the same order: equal up to the
        # last bit or two (sqrt/division may differ in the last ulp)
        np.testing.assert_allclose(c[k], r[k], rtol=4 * np.finfo(dtype).eps,
                                   atol=4 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_thread_count_gives_bitwise_equal_updates(name, dtype, rng, threads):
    params, grads = problem(rng, dtype, 100000)
    results = []
    for nt in (1, 2):
        fastinit.set_num_threads(nt)
        results.append(run(make(name, C, dtype), {k: v.copy() for k, v in params.items()},
                           grads))
    for k in params:
        np.testing.assert_array_equal(results[0][k], results[1][k])


def test_state_attributes_match_reference(rng):
    params, grads = problem(rng, np.float64, 5)
    for name, attrs in [("Momentum", ["v"]), ("AdaGrad", ["h"]), ("Adam", ["m", "v"])]:
        c, r = make(name, C, np.float64), make(name, R, np.float64)
        run(c, {k: v.copy() for k, v in params.items()}, grads)
        run(r, {k: v.copy() for k, v in params.items()}, grads)
        for attr in attrs:
            for k in params:
                np.testing.assert_allclose(getattr(c, attr)[k], getattr(r, attr)[k],
                                           rtol=1e-14)
        if name == "Adam":
            assert c.iter == r.iter == STEPS
    assert isinstance(C.Adam(), R.Adam)


def test_update_is_in_place(rng):
    params, grads = problem(rng, np.float32, 17)
    before = {k: v for k, v in params.items()}
    C.Momentum(0.1).update(params, grads[0])
    assert all(params[k] is before[k] for k in params)


def test_errors(rng):
    p = {"w": np.zeros(4)}
    with pytest.raises(ValueError, match="shape"):
        C.SGD().update(p, {"w": np.zeros(5)})
    with pytest.raises(ValueError, match="dtype"):
        C.SGD().update(p, {"w": np.zeros(4, np.float32)})
    with pytest.raises(ValueError, match="C-contiguous"):
        C.SGD().update({"w": np.zeros(8)[::2]}, {"w": np.zeros(4)})
    ro = np.zeros(4)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        C.SGD().update({"w": ro}, {"w": np.zeros(4)})
    with pytest.raises(TypeError, match="float32/float64"):
        C.SGD().update({"w": np.zeros(4, int)}, {"w": np.zeros(4)})
    with pytest.raises(KeyError):
        C.SGD().update(p, {})
    # state from another problem (an optimizer reused on a different net)
    opt = C.Adam()
    opt.update(p, {"w": np.ones(4)})
    with pytest.raises(ValueError, match="optimizer state"):
        opt.update({"w": np.zeros(6)}, {"w": np.ones(6)})


def test_grads_may_be_read_only_or_non_contiguous(rng):
    g = np.ones(8)[::2]
    p = {"w": np.zeros(4)}
    C.SGD(0.5).update(p, {"w": g})
    np.testing.assert_array_equal(p["w"], -0.5)
    g2 = np.ones(4)
    g2.flags.writeable = False
    C.SGD(0.5).update(p, {"w": g2})
    np.testing.assert_array_equal(p["w"], -1.0)
