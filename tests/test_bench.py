"""The benchmark code runs (quick mode); no timing is asserted here."""
import importlib.util
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest

import fastinit
from fastinit import bench as fb

BENCH_DIR = pathlib.Path(__file__).resolve().parent.parent / "bench"

# The cases the benchmark issue asks for.
ISSUE_CASES = {"mlp_train_step", "init_comparison", "sgemm", "normal_fill", "uniform_fill",
               "he_normal", "xavier_uniform", "sigmoid", "tanh", "relu", "affine_relu",
               "activation_histograms", "sgemm_threads", "normal_fill_threads",
               "train_memory", "normal_fill_half", "uniform_fill_half", "torch_build",
               "torch_reset", "jax_normal", "jax_lecun_normal", "keras_dense",
               "jax_normal_fresh", "keras_dense_fresh"}


def _case(setup, name="fake", target=None, kind="time", size=(3,)):
    return fb.Case(name, size, size, setup, target=target, kind=kind)


def _impls(fast, slow):
    return lambda size, dtype, torch: fb.Impls(fast, slow)


class FakeCold:
    """Stands in for fb.ColdWorkers: fixed cold samples per implementation,
    and a record of the requests."""

    def __init__(self, samples, idle=0.05):
        self.cold_times, self.idle, self.requests = samples, idle, []

    def samples(self, case, impl, *, quick, threads, settle, repeats=None):
        self.requests.append((case.name, impl, quick, threads, settle))
        return self.cold_times.get(impl)

    def close(self):
        pass


def test_case_list_covers_the_issue_with_unique_ids():
    assert {c.name for c in fb.CASES} == ISSUE_CASES
    for quick in (False, True):
        ids = [c.id(quick) for c in fb.CASES]
        assert len(ids) == len(set(ids))
    assert {c.dtype for c in fb.CASES} == {"float32", "float64", "float16", "bfloat16"}
    half = {(c.name, c.dtype) for c in fb.CASES if c.dtype in ("float16", "bfloat16")}
    assert {("normal_fill", "bfloat16"), ("uniform_fill", "bfloat16"), ("normal_fill", "float16"),
            ("uniform_fill", "float16")} <= half
    # Targets are stated for float32; the float64 rows are informative.
    assert all(c.target is None for c in fb.CASES if c.dtype == "float64")
    assert {c.group for c in fb.CASES} == {"nets", "linalg", "random", "activations",
                                           "threads", "memory", "torch", "frameworks"}
    if BENCH_DIR.exists():
        for c in fb.CASES:
            assert c.group == "memory" or (BENCH_DIR / f"test_bench_{c.group}.py").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_child_peak_rss_is_the_childs_own():
    # ru_maxrss would report the parent's 400 MB, carried across fork and exec
    held = np.ones(50_000_000)
    code = "from fastinit.bench.models import _peak_rss; print(_peak_rss())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tempfile.gettempdir())
    peak = int(out.stdout)
    assert 1 << 20 < peak < held.nbytes // 2


def test_quick_run_writes_table_and_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert fb.main(["--quick", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    for column in fb.COLUMNS:
        assert column in text
    for column in fb.COLD_COLUMNS:
        assert column in text
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert data["cold"] is True and data["idle"] == 0.05
    assert data["machine"]["cpu"] and data["machine"]["numpy_blas"]
    assert len(data["results"]) == len(fb.CASES)
    for row in data["results"]:
        assert row["met"] is None  # quick mode does not judge targets
        status = row["status"]
        if status == "ok":
            assert row["fastinit"] is not None and row["numpy"] is not None
            if row["kind"] == "time":
                assert row["fastinit"] > 0 and row["numpy"] > 0
                assert math.isfinite(row["ratio"]) and row["ratio"] > 0
                assert len(row["samples"]["fastinit"]) == 3
            case = next(c for c in fb.CASES if c.id(True) == row["id"])
            if case.cold:
                assert len(row["cold_samples"]["fastinit"]) == 3
                assert len(row["cold_samples"]["numpy"]) == 3
                assert row["fastinit_cold"] > 0 and row["numpy_cold"] > 0
                assert math.isclose(row["cold_ratio"], row["numpy_cold"] / row["fastinit_cold"])
                assert math.isclose(row["cold_warm"], row["fastinit_cold"] / row["fastinit"])
            else:
                assert row["fastinit_cold"] is None and "cold_samples" not in row
        else:
            # Only a missing module (a branch not merged yet) may make a
            # case unavailable; a renamed or broken API is a failure.
            assert status.startswith("unavailable"), f"{row['id']}: {status}"
            if status == "unavailable: needs 2 cores":
                continue
            framework = re.match(r"unavailable: (torch|jax|keras) (is not installed|cannot load)",
                                 status)
            if framework:  # the framework cases need the framework
                assert "cannot load" in status or \
                    importlib.util.find_spec(framework.group(1)) is None, f"{row['id']}: {status}"
                continue
            missing = status.split("fastinit.")[1].split()[0] if "fastinit." in status else ""
            assert missing and importlib.util.find_spec(f"fastinit.{missing}") is None, \
                f"{row['id']}: {status}"
        assert row["id"] in text or row["case"] in text


def test_unavailable_and_failing_cases_do_not_stop_the_run():
    def unavailable(size, dtype, torch):
        raise fb.Unavailable("no such API")

    def broken(size, dtype, torch):
        raise RuntimeError("boom")

    def missing_module(size, dtype, torch):
        fb.cases._require("no_such_module_here", "f")

    cases = [_case(unavailable, "u"), _case(broken, "b"), _case(missing_module, "m"),
             _case(_impls(lambda: None, lambda: None), "ok")]
    rows = fb.run(cases, quick=True)
    assert [r["status"].split(":")[0] for r in rows] == ["unavailable", "error",
                                                        "unavailable", "ok"]
    assert "boom" in rows[1]["status"]
    assert "fastinit.no_such_module_here" in rows[2]["status"]
    table = fb.format_table(rows)
    assert "u/3/float32: unavailable: no such API" in table
    assert "error" in table


def test_missing_attribute_is_unavailable():
    with pytest.raises(fb.Unavailable, match="lacks"):
        fb.cases._require("ops", "no_such_function")


def test_targets_are_judged_outside_quick_mode():
    slow = lambda: time.sleep(0.002)  # noqa: E731
    fast = lambda: None  # noqa: E731
    met = fb.run_case(_case(_impls(fast, slow), target=fb.Target(numpy=2)),
                      repeats=3, min_time=0, settle=0)
    missed = fb.run_case(_case(_impls(slow, fast), target=fb.Target(numpy=2)),
                         repeats=3, min_time=0, settle=0)
    assert met["met"] is True and met["ratio"] > 2
    assert missed["met"] is False and missed["ratio"] < 1
    quick = fb.run_case(_case(_impls(slow, fast), target=fb.Target(numpy=2)), quick=True)
    assert quick["met"] is None


def test_memory_case_measures_rss_growth():
    kept = []

    def leak():
        # 33 MiB per call, never freed: above glibc's largest mmap threshold,
        # so each call maps fresh pages whatever memory earlier tests freed.
        kept.append(np.ones(33 * 2**20 // 8))

    def steady(size, dtype, torch):
        buf = np.empty(1000)
        return fb.Impls(lambda: buf.fill(1.0), lambda: buf.fill(2.0))

    target = fb.Target(max_rss_mib=1.0)
    flat = fb.run_case(_case(steady, kind="memory", target=target, size=(200,)))
    leaky = fb.run_case(_case(lambda s, d, t: fb.Impls(leak, lambda: None), kind="memory",
                              target=target, size=(3,)))
    kept.clear()
    assert flat["status"] == "ok" and flat["met"] is True
    assert leaky["met"] is False and leaky["fastinit"] > 60
    assert "MiB" in fb.format_table([flat])


def test_thread_settings_are_restored(threads):
    default = fastinit.get_num_threads()
    seen = []

    def setup(size, dtype, torch):
        return fb.Impls(lambda: seen.append(fastinit.get_num_threads()),
                        lambda: seen.append(fastinit.get_num_threads()),
                        threads={"numpy": 1})
    case = fb.Case("t", (1,), (1,), setup, threads=2)
    row = fb.run_case(case, quick=True)
    assert row["status"] == "ok"
    assert set(seen) == {1, 2}
    assert fastinit.get_num_threads() == default


def test_openblas_variables_are_reported(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    info = fb.machine_info()
    assert any("OPENBLAS_CORETYPE=Haswell" in w for w in info["warnings"])
    header = fb.format_header(info, quick=False)
    assert "WARNING" in header and "env -u OPENBLAS_CORETYPE" in header
    assert "simd" in header and "BLAS" in header
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    monkeypatch.delenv("OPENBLAS_L2_SIZE", raising=False)
    assert fb.machine_info()["warnings"] == []


def test_list_filter_and_bad_arguments(capsys):
    assert fb.main(["--list", "--filter", "^sgemm/", "--dtype", "float32"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 6 and all(line.startswith("sgemm/") for line in lines)
    assert fb.main(["--filter", "no-such-case"]) == 2
    for bad in (["--filter", "("], ["--threads", "0"], ["--repeats", "0"], ["--idle", "-1"],
                ["--cold-repeats", "0"], ["--clock", "cpu"]):
        with pytest.raises(SystemExit) as exc:
            fb.main(bad)
        assert exc.value.code == 2


def test_strict_exit_status_and_markdown(monkeypatch, capsys):
    slow = lambda: time.sleep(0.002)  # noqa: E731
    case = _case(_impls(slow, lambda: None), target=fb.Target(numpy=2))
    monkeypatch.setattr(fb.cases, "CASES", (case,))
    args = ["--repeats", "1", "--min-time", "0", "--no-torch", "--markdown", "--no-cold"]
    assert fb.main(args) == 0
    assert fb.main(args + ["--strict"]) == 1
    table = capsys.readouterr().out
    assert "| case | shape |" in table and "| NO |" in table


def test_interrupt_prints_the_rows_so_far(monkeypatch, capsys):
    def interrupt(size, dtype, torch):
        raise KeyboardInterrupt
    cases = (_case(_impls(lambda: None, lambda: None), "first"), _case(interrupt, "second"))
    monkeypatch.setattr(fb.cases, "CASES", cases)
    assert fb.main(["--quick", "--no-torch", "--no-cold"]) == 130
    out = capsys.readouterr().out
    assert "first" in out and "second" not in out


@pytest.mark.skipif(not BENCH_DIR.exists(), reason="bench/ is not next to tests/ (sdist)")
def test_pytest_benchmark_suite_runs_in_quick_mode(tmp_path):
    """bench/ collects every timed case once per implementation and runs
    each once (--benchmark-disable).  Run from a temporary directory so that
    `import fastinit` finds the installed package, not the source tree."""
    pytest.importorskip("pytest_benchmark")
    cmd = [sys.executable, "-m", "pytest", str(BENCH_DIR), "-q", "-p", "no:cacheprovider",
           "--bench-quick", "--benchmark-disable", "-rs"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    timed = sum(c.kind == "time" for c in fb.CASES)
    cold = sum(c.kind == "time" and c.cold for c in fb.CASES)
    counts = proc.stdout.strip().splitlines()[-1]
    passed = int(counts.split(" passed")[0].split()[-1])
    skipped = int(counts.split(" skipped")[0].split()[-1]) if "skipped" in counts else 0
    assert passed + skipped == (timed + cold) * len(fb.IMPLS)
    assert passed >= 4 * sum(c.name == "sgemm" for c in fb.CASES)  # warm and cold
    assert "-cold" in subprocess.run(cmd + ["--collect-only", "-k", "sgemm and cold"],
                                     capture_output=True, text=True, cwd=tmp_path).stdout


def test_samples_wait_for_the_previous_implementations_threads_to_settle():
    calls = []
    record = lambda name: (lambda: calls.append((name, time.perf_counter())))  # noqa: E731
    row = fb.run_case(_case(_impls(record("fastinit"), record("numpy"))), repeats=3,
                      min_time=0, settle=0.05)
    assert row["status"] == "ok"
    timed = calls[-6:]  # after the two calibration calls each: 3 repeats x 2 impls
    assert {name for name, _ in timed} == {"fastinit", "numpy"}
    gaps = [b[1] - a[1] for a, b in zip(timed, timed[1:])]
    assert min(gaps) >= 0.05
    with pytest.raises(SystemExit):
        fb.main(["--settle", "-1"])


def test_cpu_clock_counts_only_this_process():
    def busy():
        end = time.perf_counter() + 0.002
        while time.perf_counter() < end:
            pass
    idle = lambda: time.sleep(0.002)  # noqa: E731
    row = fb.run_case(_case(_impls(busy, idle)), repeats=3, min_time=0, clock="cpu", settle=0)
    assert row["status"] == "ok"
    assert row["numpy"] < 0.5 * row["fastinit"]  # sleeping costs no CPU time
    scaling = [c for c in fb.CASES if c.group == "threads"][0]
    assert fb.run_case(scaling, quick=True, clock="cpu")["status"].startswith("unavailable")
    assert "cpu clock" in fb.format_header(fb.machine_info(), quick=False, clock="cpu")


# --------------------------------------------------------------------------
# Cold mode: the logic, on fake timings (no timing is asserted)
# --------------------------------------------------------------------------

def _row(warm, numpy, cold=None, numpy_cold=None):
    row = {"status": "ok", "fastinit": warm, "numpy": numpy, "ratio": numpy / warm,
           "torch_ratio": None, "fastinit_cold": cold, "numpy_cold": numpy_cold,
           "cold_ratio": None if cold is None else numpy_cold / cold}
    return row


def test_cold_rule_allows_the_larger_of_factor_and_slack():
    assert fb.cold_limit(1e-3) == pytest.approx(1.5e-3)    # 1.5x warm
    assert fb.cold_limit(0.1e-3) == pytest.approx(0.4e-3)  # warm + 0.3 ms
    case = _case(None, target=fb.Target(numpy=1))
    assert fb.judge(case, _row(1e-3, 2e-3, 1.45e-3, 9e-3)) == []
    assert fb.judge(case, _row(0.1e-3, 2e-3, 0.39e-3, 9e-3)) == []
    missed = fb.judge(case, _row(0.1e-3, 2e-3, 0.41e-3, 9e-3))
    assert len(missed) == 1 and "after idle" in missed[0]
    assert fb.judge(case, _row(1e-3, 2e-3, 1.6e-3, 9e-3)) != []
    # Without cold times only the warm target is judged.
    assert fb.judge(case, _row(1e-3, 2e-3)) == []
    # Quick mode and untargeted cases judge nothing.
    assert fb.judge(case, _row(1e-3, 2e-3, 5e-3, 9e-3), quick=True) is None
    assert fb.judge(_case(None), _row(1e-3, 2e-3, 5e-3, 9e-3)) is None


def test_cold_targets_ratio_and_cold_over_warm():
    case = _case(None, target=fb.Target(numpy=1.2, cold_numpy=1.0, cold_warm=1.3))
    assert fb.judge(case, _row(1e-3, 2e-3, 1.2e-3, 1.3e-3)) == []
    missed = fb.judge(case, _row(1e-3, 2e-3, 1.2e-3, 1.1e-3))
    assert missed == ["cold ratio 0.92x < 1x"]
    missed = fb.judge(case, _row(1e-3, 2e-3, 1.4e-3, 3e-3))
    assert missed == ["cold/warm 1.40x > 1.3x"]
    missed = fb.judge(case, _row(1e-3, 1e-3, 1.2e-3, 3e-3))
    assert missed == ["ratio 1.00x < 1.2x"]
    assert "cold >=1x" in str(case.target) and "cold <=1.3x warm" in str(case.target)


def test_issue_cold_targets_are_in_the_case_list():
    def target(case_id):
        return next(c for c in fb.CASES if c.id() == case_id).target
    for shape in ("128x784x100", "128x100x100", "1000x100x100"):
        assert target(f"sgemm/{shape}/float32").cold_numpy == 1.0
    assert target("sgemm/512x512x512/float32").cold_numpy == 0.9
    assert target("normal_fill/1000000/float32").cold_numpy == 8
    assert target("uniform_fill/1000000/float32").cold_numpy == 3
    assert target("sigmoid/1000000/float32").cold_numpy == 4
    step = target("mlp_train_step/batch=128/float32")
    assert (step.cold_numpy, step.cold_warm) == (2, 1.3)
    # Whole experiments, fastinit against itself (thread scaling, 16-bit vs
    # float32) and memory are not timed cold.
    for c in fb.CASES:
        assert c.cold == (c.kind == "time" and c.baseline == "numpy"
                          and c.group in ("ops", "linalg", "random", "activations")
                          or c.name == "mlp_train_step")


def test_run_case_takes_cold_samples_per_library():
    cold = FakeCold({"fastinit": [3e-3, 1e-3, 2e-3], "numpy": [8e-3, 4e-3, 6e-3]})
    slow = lambda: time.sleep(0.001)  # noqa: E731
    row = fb.run_case(_case(_impls(lambda: None, slow), target=fb.Target(numpy=2)),
                      repeats=3, min_time=0, settle=0, cold=cold)
    assert row["status"] == "ok"
    assert [r[1] for r in cold.requests] == ["fastinit", "numpy"]
    assert all(r[2:] == (False, fastinit.get_num_threads(), 0) for r in cold.requests)
    assert row["fastinit_cold"] == 2e-3 and row["numpy_cold"] == 6e-3
    assert row["cold_ratio"] == pytest.approx(3.0)
    assert row["cold_warm"] == pytest.approx(2e-3 / row["fastinit"])
    assert row["idle"] == 0.05 and row["cold_samples"]["numpy"] == [8e-3, 4e-3, 6e-3]
    # 2 ms cold against a warm no-op breaks the cold-call rule.
    assert row["met"] is False and any("after idle" in m for m in row["missed"])
    assert "cold ratio" in fb.format_table([row]) and "missed" in fb.format_table([row])
    # A case without cold timing asks for none.
    cold.requests.clear()
    warm_only = fb.Case("w", (1,), (1,), _impls(lambda: None, lambda: None), cold=False)
    row = fb.run_case(warm_only, quick=True, cold=cold)
    assert cold.requests == [] and row["fastinit_cold"] is None
    assert "cold ratio" not in fb.format_table([row])


def test_strict_judges_a_cold_target(monkeypatch, capsys):
    """The warm target is met by far; only the cold ratio misses."""
    slow = lambda: time.sleep(0.002)  # noqa: E731
    case = _case(_impls(lambda: None, slow), target=fb.Target(numpy=2, cold_numpy=2))
    monkeypatch.setattr(fb.cases, "CASES", (case,))
    made = []

    def fake_workers(idle, repeats):
        made.append((idle, repeats))
        return FakeCold({"fastinit": [1e-4] * repeats, "numpy": [1e-4] * repeats}, idle)
    monkeypatch.setattr(fb.cli, "ColdWorkers", fake_workers)
    args = ["--repeats", "1", "--min-time", "0", "--no-torch", "--settle", "0"]
    assert fb.main(args + ["--strict", "--no-cold"]) == 0
    assert made == []
    assert fb.main(args + ["--idle", "0.02", "--cold-repeats", "4"]) == 0
    assert fb.main(args + ["--strict"]) == 1
    assert made == [(0.02, 4), (0.05, 15)]
    out = capsys.readouterr().out
    assert "cold ratio 1.00x < 2x" in out and "after 0.02 s idle" in out


def test_cold_samples_are_single_calls_after_idle():
    calls = []
    samples = fb.cold_samples(lambda: calls.append(time.perf_counter()), 3, 0.03, 0)
    assert len(samples) == 3 and len(calls) == 4  # a first call, then the samples
    assert min(b - a for a, b in zip(calls, calls[1:])) >= 0.03


def test_cold_worker_runs_a_case_in_its_own_process():
    real = next(c for c in fb.CASES if c.id(True) == "sgemm/128x100x100/float32")
    with fb.ColdWorkers(idle=0.001, repeats=2) as workers:
        samples = workers.samples(real, "numpy", quick=True, threads=1, settle=0)
        assert len(samples) == 2 and all(s > 0 for s in samples)
        pid = workers._procs["numpy"].pid
        assert pid != os.getpid()
        # The worker knows only the real case list.
        with pytest.raises(fb.Unavailable, match="no benchmark case"):
            workers.samples(_case(None, "fake"), "numpy", quick=True, threads=1, settle=0)
        assert workers._procs["numpy"].pid == pid  # reused, still alive
        if fb.import_torch() is None:
            assert workers.samples(real, "torch", quick=True, threads=1, settle=0) is None
    assert workers._procs == {}


def test_torch_build_case_times_fresh_processes():
    """The model-build case: one child process per sample, each reporting
    its own seconds and peak RSS; the row holds both and judges the RSS."""
    torch = pytest.importorskip("torch", reason="the torch cases need PyTorch")
    case = [c for c in fb.CASES if c.name == "torch_build" and c.dtype == "float32"][0]
    assert case.kind == "process" and case.target.max_rss_ratio == 1.05
    row = fb.run_case(case, quick=True, torch=torch, repeats=2)
    assert row["status"] == "ok", row["status"]
    assert len(row["samples"]["fastinit"]) == 2 and len(row["samples"]["numpy"]) == 2
    assert row["fastinit_peak_rss"] > 2**20 and row["numpy_peak_rss"] > 2**20
    assert row["rss_ratio"] == row["fastinit_peak_rss"] / row["numpy_peak_rss"]
    assert "MiB peak" in fb.format_table([row])
    judged = dict(row, rss_ratio=1.2, ratio=100.0)
    assert fb.judge(case, judged) == ["peak RSS 1.200x > 1.05x"]


def test_torch_cases_unavailable_without_torch():
    for case in (c for c in fb.CASES if c.group == "torch"):
        row = fb.run_case(case, quick=True, torch=None)
        assert row["status"].startswith("unavailable") and "torch" in row["status"]
