"""Benchmarks: elementwise activations on 10M elements (cases from fastinit.bench.CASES)."""
GROUP = "activations"


def test_activations(run_benchmark):
    run_benchmark()
