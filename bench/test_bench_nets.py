"""Benchmarks: the seed MLP training step and the study's experiments
(cases from fastinit.bench.CASES)."""
GROUP = "nets"


def test_nets(run_benchmark):
    run_benchmark()
