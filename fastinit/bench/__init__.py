"""Side-by-side benchmarks: fastinit against the NumPy reference (and
PyTorch on the CPU when it is installed), warm and cold.

Run ``fastinit bench`` or ``python -m fastinit.bench`` (``--help`` lists the
options).  Every case below is timed by alternating the implementations
within each repeat, so machine noise hits all of them alike, and reports
medians.  Warm samples repeat the call in a loop in this process; cold
samples are single calls after ``--idle`` seconds of sleep, taken in one
worker process per library so that no library's spinning threads steal
the cores from another's.  ``bench/`` runs the same cases under pytest-benchmark.

The case list, ``CASES``, is plain data: each :class:`Case` names the
operation, its size (and a reduced size for ``--quick``), the dtype, the
thread count, the target from the benchmark issue and a ``setup`` that
builds the inputs and returns an :class:`Impls` of zero-argument callables.
A case whose fastinit API is missing is reported as unavailable; a case that
fails while running is reported as an error; neither stops the run.

The modules: ``cases`` (the case list and the setups), ``timing`` (running
and timing a case), ``table`` (the machine description and the table) and
``cold`` (the samples of one call after idle, each library in a worker
process of its own) and ``cli`` (the ``fastinit bench`` command line).
"""
from .cases import CASES, IMPLS, Case, Impls, Target, Unavailable, cold_limit, select
from .cli import main
from .cold import ColdWorkers, cold_samples
from .table import COLD_COLUMNS, COLUMNS, format_header, format_table, machine_info
from .timing import (ThreadSettings, case_threads, import_torch, judge, missing_api, run,
                     run_case, setup_case)

__all__ = ["Case", "Impls", "Target", "Unavailable", "CASES", "IMPLS", "select", "setup_case",
           "missing_api", "case_threads", "ThreadSettings", "import_torch", "run_case", "run",
           "judge", "cold_limit", "ColdWorkers", "cold_samples", "machine_info",
           "format_header", "format_table", "COLUMNS", "COLD_COLUMNS", "main"]
