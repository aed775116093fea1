"""Benchmarks: random fills and initializers (cases from fastinit.bench.CASES)."""
GROUP = "random"


def test_random(run_benchmark):
    run_benchmark()
