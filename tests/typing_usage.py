"""What a typed user of fastinit writes: checked by ``mypy --strict`` (it is in
pyproject.toml's [tool.mypy] files) and run by tests/test_typing.py.  Any
annotation here that stops type-checking is a regression of fastinit's hints."""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

import fastinit
from fastinit import init, ops
from fastinit.random import Generator


def draw(seed: int = 0) -> list[NDArray[np.floating[Any]]]:
    """Every distribution of a Generator, with dtype, out= and offset=."""
    g = Generator(seed)
    u: NDArray[np.float32] = g.uniform((4, 3), -1.0, 1.0, dtype=np.float32)
    n: NDArray[np.float64] = g.normal(5, std=2.0, dtype=np.float64, offset=10)
    t = g.truncated_normal((2, 2), a=-1.0, b=1.0, dtype=np.float16)
    buf = np.empty((3, 3), np.float32)
    same: NDArray[np.float32] = g.random(out=buf)
    scalar: np.floating[Any] = g.standard_normal()
    labels: NDArray[np.signedinteger[Any]] = g.integers(0, 10, size=6)
    workers: list[Generator] = g.spawn(2)
    later = g.reserve(100).normal(10, offset=90)
    assert same is buf and labels.shape == (6,) and len(workers) == 2 and g.position > 0
    return [u, n, t, same, np.asarray(scalar).reshape(1), later]


def initialize(seed: int = 0) -> dict[str, NDArray[np.floating[Any]]]:
    """Initializers, functional and in place, with the options' literals."""
    g = Generator(seed)
    weights: dict[str, NDArray[np.floating[Any]]] = {
        "W1": init.he_normal((784, 100), seed=g),
        "W2": init.xavier_uniform((100, 10), gain=init.calculate_gain("tanh"), seed=g),
        "k": init.variance_scaling((3, 3, 8, 16), 2.0, "fan_avg", "uniform", seed=g,
                                   layout=init.FanAxes(-2, -1)),
        "q": init.orthogonal((16, 16), dtype=np.float64, seed=1, layout="oi"),
        "b": init.zeros(10),
    }
    w: NDArray[np.float32] = np.empty((8, 4), np.float32)
    filled: NDArray[np.float32] = init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu",
                                                        seed=g)
    init.truncated_normal_(w, std=0.02, seed=g, global_shape=(16, 4), index=(slice(8, 16),
                                                                             slice(0, 4)))
    fan_in, fan_out = init.fan_in_fan_out(w.shape)
    weights["book"] = init.resolve("he")((fan_in, fan_out), seed=2)
    weights["filled"] = filled
    q64: NDArray[np.float64] = init.orthogonal((4, 4), dtype=np.float64, seed=3)
    relu64: NDArray[np.float64] = ops.relu(q64)
    weights["bf16"] = init.lecun_normal((4, 4), dtype="bfloat16", seed=4).astype(np.float32)
    weights["relu64"] = relu64
    return weights


def forward(weights: dict[str, NDArray[np.floating[Any]]]) -> float:
    """ops on the initialized weights: a two-layer net's loss and gradient."""
    x = Generator(3).normal((32, 784))
    labels = np.arange(32) % 10
    h = ops.affine(x, weights["W1"], None, "relu")
    logits = ops.matmul(h, weights["W2"])
    out = np.empty_like(logits)
    ops.leaky_relu(logits, slope=0.1, out=out)
    loss, probs = ops.softmax_cross_entropy(logits, labels)
    grad = ops.softmax_cross_entropy_backward(probs, labels)
    counts, edges = ops.histogram(grad, bins=5)
    assert int(counts.sum()) == grad.size and edges.shape == (6,)
    return loss + float(ops.sum_rows(grad).sum())


def main() -> None:
    threads = fastinit.get_num_threads()
    limit = fastinit.set_buffer_cache(64 << 20)
    try:
        fastinit.set_num_threads(2)
        info = fastinit.build_info()
        simd: str = info["simd"]
        assert simd in ("generic", "avx2", "avx512") and info["num_threads"] == 2
        assert fastinit.buffer_cache_info()["limit"] == 64 << 20
        draw()
        loss = forward(initialize())
        assert np.isfinite(loss)
    finally:
        fastinit.set_num_threads(threads)
        fastinit.set_buffer_cache(limit)


if __name__ == "__main__":
    main()
