"""Benchmarks: fastinit on 2 threads against itself on 1 thread
(cases from fastinit.bench.CASES)."""
GROUP = "threads"


def test_threads(run_benchmark):
    run_benchmark()
