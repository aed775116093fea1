"""Benchmarks: fastinit.jax and fastinit.keras against JAX's and Keras' own
initializers (cases from fastinit.bench.CASES; unavailable without them)."""
GROUP = "frameworks"


def test_frameworks(run_benchmark):
    run_benchmark()
