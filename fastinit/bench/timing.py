"""Running the cases: thread settings, alternating timings of the
implementations, memory growth, and one table row per case."""
from __future__ import annotations

import gc
import os
import re
import statistics
import sys
import time
from typing import Any, Callable, Iterable, Literal, Mapping, Optional, Protocol

from .cases import Case, Impls, Unavailable, cold_limit

# One table row: the keys run_case sets, plus per-implementation keys
# (f"{name}_cold", f"{name}_peak_rss") and the samples.
Row = dict[str, Any]
# "wall": elapsed time; "cpu": this process's CPU time.
Clock = Literal["wall", "cpu"]


class ColdSampler(Protocol):
    """What run_case takes cold samples with: a :class:`cold.ColdWorkers`
    or an object with its ``idle`` and ``samples``."""
    idle: float

    def samples(self, case: Case, impl: str, *, quick: bool, threads: int, settle: float,
                repeats: Optional[int] = None) -> Optional[list[float]]: ...


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def import_torch() -> Any:
    """The torch module, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


class ThreadSettings:
    """Sets fastinit's, NumPy's BLAS and torch's thread counts for a case
    and restores them afterwards."""

    def __init__(self, n: int, torch: Any) -> None:
        import fastinit
        self.fastinit, self.torch, self.n = fastinit, torch, n
        self.torch_before: Optional[int] = (torch.get_num_threads() if torch is not None
                                            else None)
        self.blas: Any = None
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            pass
        else:
            self.blas = threadpool_limits(limits=n, user_api="blas")
        if torch is not None:
            torch.set_num_threads(n)
        fastinit.set_num_threads(n)

    def use(self, n: int) -> None:
        self.fastinit.set_num_threads(n)

    def close(self) -> None:
        self.fastinit.set_num_threads(0)
        if self.blas is not None:
            self.blas.restore_original_limits()
        if self.torch is not None:
            self.torch.set_num_threads(self.torch_before)


def case_threads(case: Case, threads: Optional[int] = None) -> int:
    """The thread count a case runs with: its own, else ``threads``, else
    fastinit's default."""
    n = case.threads or threads
    if n is None:
        import fastinit
        n = fastinit.get_num_threads()
    return n


def setup_case(case: Case, quick: bool = False, torch: Any = None) -> Impls:
    """Build a case's inputs; raises Unavailable when it cannot run here."""
    if case.group == "threads" and cores() < 2:
        raise Unavailable("needs 2 cores")
    return case.setup(case.quick_size if quick else case.size, case.dtype, torch)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# "cpu" counts only the time this process ran: steadier than wall-clock time
# on a busy machine, and comparable across implementations on one thread
# (threads spinning at a barrier count as busy).
CLOCKS: dict[Clock, Callable[[], float]] = {"wall": time.perf_counter,
                                            "cpu": time.process_time}


def _seconds(fn: Callable[[], object], number: int,
             clock: Callable[[], float] = time.perf_counter) -> float:
    start = clock()
    for _ in range(number):
        fn()
    return clock() - start


# Seconds to wait before each timed sample: OpenBLAS's worker threads spin
# (busy-wait) for about 2**28 cycles after a call and OpenMP runtimes' for a
# shorter while, so without a pause each sample would share the cores with the
# previous implementation's idle threads.
SETTLE = 0.15


def _time_impls(impls: Impls, threads: ThreadSettings, repeats: int, min_time: float,
                clock: Callable[[], float] = time.perf_counter,
                settle: float = SETTLE) -> dict[str, list[float]]:
    """Median seconds per call of each implementation.  Each is warmed up
    and given a loop count so one sample lasts about ``min_time``; then the
    repeats alternate the implementations, rotating who goes first, each
    sample after ``settle`` seconds of quiet."""
    items = impls.items()
    number: dict[str, int] = {}
    for name, fn in items:
        threads.use(impls.threads.get(name, threads.n))
        once = _seconds(fn, 1, clock)  # warm-up, and the calibration of long cases
        if once < min_time:
            once = max(_seconds(fn, 1, clock), 1e-7)
        number[name] = max(1, int(min_time / once)) if once < min_time else 1
    samples: dict[str, list[float]] = {name: [] for name, _ in items}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeats):
            k = r % len(items)
            for name, fn in items[k:] + items[:k]:
                threads.use(impls.threads.get(name, threads.n))
                if settle:
                    gc.collect()  # the previous sample's cycles (Keras layers) freed, untimed
                    time.sleep(settle)
                samples[name].append(_seconds(fn, number[name], clock) / number[name])
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def _time_processes(row: Row, impls: Impls, repeats: int) -> None:
    """Medians of (seconds, peak RSS) that each implementation's callable
    reports from its own fresh process, alternating who goes first."""
    items = impls.items()
    got: dict[str, list[tuple[float, int]]] = {name: [] for name, _ in items}
    for r in range(repeats):
        k = r % len(items)
        for name, fn in items[k:] + items[:k]:
            got[name].append(fn())
    row["samples"] = {name: [s for s, _ in v] for name, v in got.items()}
    for name, v in got.items():
        row[name] = statistics.median(s for s, _ in v)
        row[f"{name}_peak_rss"] = statistics.median(p for _, p in v)
    row["ratio"] = row["numpy"] / row["fastinit"]
    row["rss_ratio"] = row["fastinit_peak_rss"] / row["numpy_peak_rss"]


def rss_bytes() -> int:
    """Resident set size of this process now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _rss_growth(fn: Callable[[], object], steps: int) -> float:
    """MiB the RSS grows over ``steps`` calls of fn, after a warm-up."""
    for _ in range(min(steps, 100)):
        fn()
    gc.collect()
    before = rss_bytes()
    for _ in range(steps):
        fn()
    gc.collect()
    return (rss_bytes() - before) / 2**20


def missing_api(exc: ImportError) -> Optional[str]:
    """Why a case is unavailable when ImportError ``exc`` says that a
    fastinit module is missing, else None (a real error)."""
    name = exc.name or ""
    if not name.startswith("fastinit."):
        found = re.search(r"cannot import name '(\w+)' from 'fastinit'", str(exc))
        if not found:
            return None
        name = f"fastinit.{found.group(1)}"
    return f"{name} is not available ({exc})"


def judge(case: Case, row: Mapping[str, Any], quick: bool = False) -> Optional[list[str]]:
    """The targets ``row`` misses, as short phrases (empty: all met), or
    None when nothing is judged: no target, quick mode, or a failed case.
    The cold targets are judged when the row holds cold times; every such
    row with a target obeys the cold-call rule (:func:`cases.cold_limit`)."""
    target = case.target
    if target is None or quick or row["status"] != "ok":
        return None
    if target.max_rss_mib is not None:
        grew = row["fastinit"]
        return [] if grew <= target.max_rss_mib else [f"RSS +{grew:.2f} MiB"]
    missed: list[str] = []
    if target.max_rss_ratio is not None and row.get("rss_ratio") is not None \
            and row["rss_ratio"] > target.max_rss_ratio:
        missed.append(f"peak RSS {row['rss_ratio']:.3f}x > {target.max_rss_ratio:g}x")
    if target.numpy is not None and row["ratio"] < target.numpy:
        missed.append(f"ratio {row['ratio']:.2f}x < {target.numpy:g}x")
    if (target.torch is not None and row.get("torch_ratio") is not None
            and row["torch_ratio"] < target.torch):
        missed.append(f"torch ratio {row['torch_ratio']:.2f}x < {target.torch:g}x")
    if row.get("fastinit_cold") is not None:
        cold, warm = row["fastinit_cold"], row["fastinit"]
        if (target.cold_numpy is not None and row.get("cold_ratio") is not None
                and row["cold_ratio"] < target.cold_numpy):
            missed.append(f"cold ratio {row['cold_ratio']:.2f}x < {target.cold_numpy:g}x")
        if target.cold_warm is not None and cold > target.cold_warm * warm:
            missed.append(f"cold/warm {cold / warm:.2f}x > {target.cold_warm:g}x")
        if cold > cold_limit(warm):
            missed.append(f"cold {cold * 1e3:.3g} ms > {cold_limit(warm) * 1e3:.3g} ms "
                          f"allowed after idle")
    return missed


def _add_cold(row: Row, case: Case, impls: Impls, cold: ColdSampler, quick: bool,
              n_threads: int, settle: float) -> None:
    """Cold samples of each implementation (``cold``: a
    :class:`cold.ColdWorkers` or an object with its ``samples`` method)
    and their medians and ratios into ``row``."""
    row["idle"] = cold.idle
    row["cold_samples"] = {}
    for name, _ in impls.items():
        samples = cold.samples(case, name, quick=quick, threads=n_threads, settle=settle)
        if samples is None:
            continue
        row["cold_samples"][name] = samples
        row[f"{name}_cold"] = statistics.median(samples)
    if row["fastinit_cold"] is None:
        return
    if row["numpy_cold"] is not None:
        row["cold_ratio"] = row["numpy_cold"] / row["fastinit_cold"]
    if row["torch_cold"] is not None:
        row["torch_cold_ratio"] = row["torch_cold"] / row["fastinit_cold"]
    row["cold_warm"] = row["fastinit_cold"] / row["fastinit"]


def run_case(case: Case, *, quick: bool = False, torch: Any = None,
             threads: Optional[int] = None, repeats: Optional[int] = None,
             min_time: Optional[float] = None, clock: Clock = "wall",
             settle: Optional[float] = None, cold: Optional[ColdSampler] = None) -> Row:
    """Run one case; returns its table row as a dict.  Never raises for a
    missing API (status 'unavailable') or a failing case (status 'error').
    ``clock``: "wall" (elapsed time) or "cpu" (this process's CPU time).
    ``cold``: a :class:`cold.ColdWorkers` that also takes the cold samples
    (one call after idle, each library in its own process) of a case with
    ``cold`` set; None: warm samples only."""
    # Quick mode only checks that everything runs: one thread keeps it fast
    # on a busy machine, where threads waiting at barriers stall for whole
    # scheduler slices.
    n_threads = case_threads(case, 1 if quick and threads is None else threads)
    row: Row = {"case": case.name, "id": case.id(quick), "shape": case.shape(quick),
                "dtype": case.dtype, "threads": n_threads, "baseline": case.baseline,
                "kind": case.kind, "target": str(case.target or "-"),
                "fastinit": None, "numpy": None, "ratio": None,
                "torch": None, "torch_ratio": None,
                "fastinit_cold": None, "numpy_cold": None, "torch_cold": None,
                "cold_ratio": None, "torch_cold_ratio": None, "cold_warm": None, "idle": None,
                "met": None, "missed": None, "status": "ok"}
    if case.baseline == "1 thread":
        row["threads"] = f"{n_threads} vs 1"
    size = case.quick_size if quick else case.size
    pool: Optional[ThreadSettings] = None
    try:
        if clock == "cpu" and case.group == "threads":
            raise Unavailable("thread scaling is measured on the wall clock")
        impls = setup_case(case, quick, torch)
        pool = ThreadSettings(n_threads, torch)
        if case.kind == "memory":
            row["fastinit"] = _rss_growth(impls.fastinit, size[0])
            row["numpy"] = _rss_growth(impls.numpy, size[0])
        elif case.kind == "process":
            _time_processes(row, impls, repeats or (1 if quick else case.repeats or 5))
        else:
            reps = repeats or (3 if quick else case.repeats or 9)
            min_t = min_time if min_time is not None else (0.0 if quick else 0.1)
            settle_t = settle if settle is not None else (0.0 if quick else SETTLE)
            samples = _time_impls(impls, pool, reps, min_t, CLOCKS[clock], settle_t)
            med = {k: statistics.median(v) for k, v in samples.items()}
            row["samples"] = samples
            row["fastinit"], row["numpy"] = med["fastinit"], med["numpy"]
            row["ratio"] = med["numpy"] / med["fastinit"]
            if "torch" in med:
                row["torch"] = med["torch"]
                row["torch_ratio"] = med["torch"] / med["fastinit"]
            if cold is not None and case.cold and clock == "wall":
                _add_cold(row, case, impls, cold, quick, n_threads, settle_t)
    except Unavailable as exc:
        row["status"] = f"unavailable: {exc}"
    except ImportError as exc:
        # A fastinit module the case reaches only while running (the
        # experiments import fastinit.init lazily) counts as a missing API.
        reason = missing_api(exc)
        row["status"] = (f"unavailable: {reason}" if reason
                         else f"error: {type(exc).__name__}: {exc}")
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the run
        row["status"] = f"error: {type(exc).__name__}: {exc}"
    finally:
        if pool is not None:
            pool.close()
    row["missed"] = judge(case, row, quick)
    row["met"] = None if row["missed"] is None else not row["missed"]
    return row


def run(cases: Iterable[Case], *, quick: bool = False, torch: Any = None,
        threads: Optional[int] = None, repeats: Optional[int] = None,
        min_time: Optional[float] = None, clock: Clock = "wall",
        progress: Optional[Callable[[Row], object]] = None, settle: Optional[float] = None,
        cold: Optional[ColdSampler] = None) -> list[Row]:
    """Run ``cases`` in order; ``progress(row)`` is called after each."""
    rows: list[Row] = []
    for case in cases:
        row = run_case(case, quick=quick, torch=torch, threads=threads, repeats=repeats,
                       min_time=min_time, clock=clock, settle=settle, cold=cold)
        rows.append(row)
        if progress is not None:
            progress(row)
    return rows
