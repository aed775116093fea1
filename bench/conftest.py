"""pytest-benchmark suites over the one case list, ``fastinit.bench.CASES``.

Each test file runs the cases of one group; every case becomes one test per
implementation (fastinit, numpy, torch) in a benchmark group named after the
case, so ``pytest bench/ --benchmark-group-by=group`` prints them side by
side.  Each case with ``cold`` set also gets a cold test per implementation
(group ``<case id> cold``): every round is one call after ``--bench-idle``
seconds of sleep (default 0.05, as ``fastinit bench --idle``).  pytest runs
one implementation per test, and the first round waits ``timing.SETTLE``
seconds more, so the previous test's spinning threads are asleep by then
(``fastinit bench`` instead takes each library's cold samples in its own
process).  ``--bench-quick`` (or FASTINIT_BENCH_QUICK=1) uses the reduced sizes and,
as ``fastinit bench --quick``, one thread (except the thread-scaling cases).
The memory case is not a timing: ``fastinit bench --filter train_memory``.
"""
import os
import time

import pytest

from fastinit import bench as fb


def pytest_addoption(parser):
    parser.addoption("--bench-quick", action="store_true",
                     help="fastinit: the reduced sizes of `fastinit bench --quick`")
    parser.addoption("--bench-idle", type=float, default=fb.cold.IDLE,
                     help="fastinit: seconds of sleep before each round of the cold "
                          f"tests (default {fb.cold.IDLE:g})")


def _quick(config):
    return config.getoption("--bench-quick") or os.environ.get("FASTINIT_BENCH_QUICK") == "1"


def _label(case, impl):
    """The column an implementation fills: the scaling cases compare
    fastinit with itself on one thread."""
    return impl if impl != "numpy" or case.baseline == "numpy" else case.baseline.replace(" ", "")


def pytest_generate_tests(metafunc):
    if "bench_case" not in metafunc.fixturenames:
        return
    quick = _quick(metafunc.config)
    cases = fb.select(groups=(metafunc.module.GROUP,))
    params = [pytest.param(case, impl, mode,
                           id=f"{case.id(quick)}-{_label(case, impl)}"
                              + ("-cold" if mode == "cold" else ""))
              for case in cases if case.kind == "time"
              for mode in (("warm", "cold") if case.cold else ("warm",))
              for impl in fb.IMPLS]
    metafunc.parametrize(("bench_case", "impl", "mode"), params)


_last_setup = {}


def _impls(case, quick, torch):
    """The case's setup, kept for the next test of the same case only (the
    inputs of the 10M-element cases are large)."""
    key = (case, quick)
    if key not in _last_setup:
        _last_setup.clear()
        try:
            _last_setup[key] = fb.setup_case(case, quick, torch)
        except fb.Unavailable as exc:
            _last_setup[key] = exc
    return _last_setup[key]


@pytest.fixture(scope="session")
def torch_module():
    return fb.import_torch()


def _cold_rounds(benchmark, fn, rounds, idle):
    """pytest-benchmark rounds of one call each after ``idle`` seconds of
    sleep (the setup, not timed), after a first call and a settle."""
    fn()
    first = [True]

    def sleep():
        time.sleep(idle + (fb.timing.SETTLE if first[0] else 0))
        first[0] = False
    benchmark.pedantic(fn, setup=sleep, rounds=rounds, iterations=1)


@pytest.fixture
def run_benchmark(benchmark, bench_case, impl, mode, torch_module, request):
    """Time one implementation of one case with pytest-benchmark, warm
    (tight loops) or cold (one call after idle per round)."""
    def run():
        quick = _quick(request.config)
        torch = torch_module
        impls = _impls(bench_case, quick, torch)
        if isinstance(impls, fb.Unavailable):
            pytest.skip(f"unavailable: {impls}")
        fn = getattr(impls, impl)
        if fn is None:
            pytest.skip("torch is not installed" if torch_module is None
                        else f"no torch counterpart for {bench_case.name}")
        benchmark.group = bench_case.id(quick) + (" cold" if mode == "cold" else "")
        n = fb.case_threads(bench_case, 1 if quick else None)
        benchmark.extra_info.update(threads=impls.threads.get(impl, n), dtype=bench_case.dtype,
                                    target=str(bench_case.target or "-"), mode=mode)
        threads = fb.ThreadSettings(n, torch)
        threads.use(impls.threads.get(impl, n))
        try:
            if mode == "cold":
                idle = request.config.getoption("--bench-idle")
                _cold_rounds(benchmark, fn, 3 if quick else fb.cold.COLD_REPEATS, idle)
            elif bench_case.repeats and not quick:
                benchmark.pedantic(fn, rounds=bench_case.repeats, warmup_rounds=1)
            else:
                benchmark(fn)
        except ImportError as exc:
            reason = fb.missing_api(exc)
            if reason is None:
                raise
            pytest.skip(f"unavailable: {reason}")
        finally:
            threads.close()
    return run
