"""Benchmarks: fastinit.torch on torch models (cases from fastinit.bench.CASES;
the model builds run a fresh process per sample: ``fastinit bench --filter
torch_build``)."""
GROUP = "torch"


def test_torch(run_benchmark):
    run_benchmark()
