"""Side-by-side benchmarks: fastinit against the NumPy reference (and
PyTorch on the CPU when it is installed), in one process.

Run ``fastinit bench`` or ``python -m fastinit.bench`` (``--help`` lists the
options).  Every case below is timed by alternating the implementations
within each repeat, so machine noise hits all of them alike, and reports
medians.  ``bench/`` runs the same cases under pytest-benchmark.

The case list, ``CASES``, is plain data: each :class:`Case` names the
operation, its size (and a reduced size for ``--quick``), the dtype, the
thread count, the target from the benchmark issue and a ``setup`` that
builds the inputs and returns an :class:`Impls` of zero-argument callables.
A case whose fastinit API is missing is reported as unavailable; a case that
fails while running is reported as an error; neither stops the run.

The modules: ``cases`` (the case list and the setups), ``timing`` (running
and timing a case), ``table`` (the machine description and the table) and
``cli`` (the ``fastinit bench`` command line).
"""
from .cases import CASES, IMPLS, Case, Impls, Target, Unavailable, select
from .cli import main
from .table import COLUMNS, format_header, format_table, machine_info
from .timing import (ThreadSettings, case_threads, import_torch, missing_api, run, run_case,
                     setup_case)

__all__ = ["Case", "Impls", "Target", "Unavailable", "CASES", "IMPLS", "select", "setup_case",
           "missing_api", "case_threads", "ThreadSettings", "import_torch", "run_case", "run",
           "machine_info", "format_header", "format_table", "COLUMNS", "main"]
