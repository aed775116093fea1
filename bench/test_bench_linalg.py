"""Benchmarks: GEMM (square and the seed net's shapes) and the fused affine+ReLU
(cases from fastinit.bench.CASES)."""
GROUP = "linalg"


def test_linalg(run_benchmark):
    run_benchmark()
