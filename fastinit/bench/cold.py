"""Cold samples: one call after ``idle`` seconds of sleep, each library in
a process of its own.

A warm sample (``timing``) repeats a call in a tight loop, so every thread
team is awake.  A real program calls between other work, and a call after
idle pays for waking its library's sleeping threads.  To time that without
one library's spinning threads stealing the cores from the other's, each
implementation (fastinit, numpy, torch) runs its cold samples in its own
worker process, started once per run and reused for every case: the
parent sends a case id, the worker builds that case, calls it once (first
touch of its buffers), waits ``settle`` seconds so the other processes'
threads have gone to sleep, then takes ``repeats`` samples of one call each
after ``idle`` seconds of ``time.sleep``.

The worker (:func:`worker`) reads one JSON request per line on stdin and
answers one JSON line on stdout.
"""
from __future__ import annotations

import gc
import json
import signal
import subprocess
import sys
import time
from typing import Callable, Iterable, Optional, TextIO, TypedDict

from .cases import CASES, Case, Unavailable

# Seconds of sleep before each cold sample (the cold-call issue's 50 ms).
IDLE = 0.05
# Cold samples per implementation: the medians are of 15 calls.
COLD_REPEATS = 15


class ColdRequest(TypedDict):
    """One request to a worker: the case, and how to sample it."""
    id: str
    quick: bool
    threads: int
    idle: float
    repeats: int
    settle: float


class ColdAnswer(TypedDict, total=False):
    """A worker's answer: one of the three keys."""
    samples: Optional[list[float]]
    unavailable: str
    error: str


def find_case(case_id: str, quick: bool) -> Case:
    """The case of ``CASES`` whose id (in quick mode or not) is ``case_id``."""
    for case in CASES:
        if case.id(quick) == case_id:
            return case
    raise Unavailable(f"no benchmark case {case_id!r} in the worker")


def cold_samples(fn: Callable[[], object], repeats: int, idle: float,
                 settle: float) -> list[float]:
    """Seconds of each of ``repeats`` single calls of ``fn``, each after
    ``idle`` seconds of sleep, the first after ``settle`` seconds more."""
    fn()  # first touch of the outputs; a cold call is not a first call
    samples: list[float] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        time.sleep(settle)
        for _ in range(repeats):
            time.sleep(idle)
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def _answer(impl: str, request: ColdRequest) -> ColdAnswer:
    """The worker's answer to one request: {"samples": [...] or None} (None:
    the case has no such implementation), {"unavailable": why} or
    {"error": why}."""
    from .timing import ThreadSettings, import_torch, missing_api, setup_case
    try:
        case = find_case(request["id"], request["quick"])
        torch = import_torch() if impl == "torch" else None
        if impl == "torch" and torch is None:
            return {"samples": None}
        impls = setup_case(case, request["quick"], torch)
        fn = getattr(impls, impl)
        if fn is None:
            return {"samples": None}
        threads = ThreadSettings(request["threads"], torch)
        try:
            threads.use(impls.threads.get(impl, request["threads"]))
            return {"samples": cold_samples(fn, request["repeats"], request["idle"],
                                            request["settle"])}
        finally:
            threads.close()
    except Unavailable as exc:
        return {"unavailable": str(exc)}
    except ImportError as exc:
        reason = missing_api(exc)
        return {"unavailable": reason} if reason else {"error": f"ImportError: {exc}"}
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the case's error
        return {"error": f"{type(exc).__name__}: {exc}"}


def worker(impl: str, stdin: Iterable[str] = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """Answer requests for implementation ``impl`` until stdin closes.
    Anything a case prints goes to stderr: stdout carries only answers.
    Ctrl-C is the parent's to handle (it closes stdin)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout = sys.stderr
    for line in stdin:
        stdout.write(json.dumps(_answer(impl, json.loads(line))) + "\n")
        stdout.flush()


class ColdWorkers:
    """The parent's side: one worker process per implementation, started
    on first use and ended by :meth:`close` (or leaving the ``with``)."""

    def __init__(self, idle: float = IDLE, repeats: int = COLD_REPEATS) -> None:
        self.idle, self.repeats = idle, repeats
        self._procs: dict[str, subprocess.Popen[str]] = {}

    def _worker(self, impl: str) -> subprocess.Popen[str]:
        proc = self._procs.get(impl)
        if proc is None or proc.poll() is not None:
            # The worker imports what this process imported: its sys.path,
            # not `python -c`'s (which puts the working folder first, and
            # there a source checkout would shadow the installed package).
            code = (f"import sys; sys.path[:] = {list(sys.path)!r}\n"
                    f"from fastinit.bench.cold import worker; worker({impl!r})")
            proc = subprocess.Popen([sys.executable, "-c", code],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self._procs[impl] = proc
        return proc

    def samples(self, case: Case, impl: str, *, quick: bool, threads: int, settle: float,
                repeats: Optional[int] = None) -> Optional[list[float]]:
        """Cold samples (seconds) of ``impl`` on ``case``, or None when the
        case has no such implementation.  Raises Unavailable or
        RuntimeError as the worker reports."""
        request: ColdRequest = {"id": case.id(quick), "quick": quick, "threads": threads,
                                "idle": self.idle, "repeats": repeats or self.repeats,
                                "settle": settle}
        proc = self._worker(impl)
        assert proc.stdin is not None and proc.stdout is not None  # opened with PIPE
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            code = proc.wait()
            raise RuntimeError(f"the {impl} cold-sample worker exited with status {code}")
        answer: ColdAnswer = json.loads(line)
        if "unavailable" in answer:
            raise Unavailable(answer["unavailable"])
        if "error" in answer:
            raise RuntimeError(f"{impl} (cold): {answer['error']}")
        return answer["samples"]

    def close(self) -> None:
        for proc in self._procs.values():
            if proc.poll() is None:
                assert proc.stdin is not None  # opened with PIPE
                try:
                    proc.stdin.close()
                    proc.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    proc.kill()
                    proc.wait()
        self._procs.clear()


    def __enter__(self) -> ColdWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
