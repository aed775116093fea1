"""``fastinit bench``: the command line of the benchmark runner."""
from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Optional, Sequence

from .cases import COLD_FACTOR, COLD_SLACK, select
from .cold import COLD_REPEATS, IDLE, ColdWorkers
from .table import format_header, format_table, machine_info
from .timing import CLOCKS, SETTLE, Row, import_torch, run


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fastinit bench",
        description="Time fastinit against NumPy (and PyTorch when installed), side by "
                    "side in one process, and print a table of medians and ratios.")
    p.add_argument("--quick", action="store_true",
                   help="small sizes and few repeats (checks that everything runs)")
    p.add_argument("--filter", action="append", default=[], metavar="REGEX",
                   help="run the cases whose id name/shape/dtype matches (repeatable)")
    p.add_argument("--dtype", action="append", default=[],
                   choices=("float32", "float64", "float16", "bfloat16"),
                   help="only this dtype (repeatable; default both)")
    p.add_argument("--threads", type=int, default=None,
                   help="threads for fastinit, NumPy's BLAS and torch (default: "
                        "fastinit.get_num_threads())")
    p.add_argument("--repeats", type=int, default=None,
                   help="timed samples per implementation (default 9, 3 when --quick)")
    p.add_argument("--min-time", type=float, default=None,
                   help="seconds one sample lasts at least (default 0.1, 0 when --quick)")
    p.add_argument("--settle", type=float, default=None,
                   help=f"seconds of quiet before each sample, so the previous "
                        f"implementation's spinning threads are idle (default {SETTLE:g}, "
                        f"0 when --quick)")
    p.add_argument("--cold", action=argparse.BooleanOptionalAction, default=True,
                   help="also time each case cold: single calls after --idle seconds of "
                        "sleep, each library in its own process (default; --no-cold: "
                        "warm samples only).  Cold targets: the cold ratio, and every "
                        f"cold time <= max({COLD_FACTOR:g}x warm, warm + "
                        f"{COLD_SLACK * 1e3:g} ms)")
    p.add_argument("--idle", type=float, default=IDLE, metavar="SECONDS",
                   help=f"seconds of sleep before each cold sample (default {IDLE:g})")
    p.add_argument("--cold-repeats", type=int, default=None, metavar="N",
                   help=f"cold samples per implementation (default {COLD_REPEATS}, "
                        f"3 when --quick)")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                   help="wall: elapsed time (default); cpu: this process's CPU time, "
                        "steadier on a busy machine, fair with --threads 1")
    p.add_argument("--no-torch", action="store_true", help="do not time PyTorch")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when a judged target is missed")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``fastinit bench``: returns the exit status."""
    args = _parser().parse_args(argv)
    if args.threads is not None and args.threads < 1:
        _parser().error("--threads must be >= 1")
    if args.repeats is not None and args.repeats < 1:
        _parser().error("--repeats must be >= 1")
    if args.settle is not None and not 0 <= args.settle <= 60:
        _parser().error("--settle must be between 0 and 60 seconds")
    if not 0 <= args.idle <= 60:
        _parser().error("--idle must be between 0 and 60 seconds")
    if args.cold_repeats is not None and args.cold_repeats < 1:
        _parser().error("--cold-repeats must be >= 1")
    if args.cold and args.clock != "wall":
        _parser().error("cold samples are wall-clock times: use --no-cold with --clock cpu")
    try:
        cases = select(filters=args.filter, dtypes=args.dtype, quick=args.quick)
    except re.error as exc:
        _parser().error(f"bad --filter pattern: {exc}")
    if args.list:
        for c in cases:
            print(f"{c.id(args.quick):45} {str(c.target or '-'):18} {c.describe}")
        return 0
    if not cases:
        print("no case matches the filters", file=sys.stderr)
        return 2
    torch = None if args.no_torch else import_torch()
    info = machine_info(torch)
    if args.no_torch:
        info["torch"] = "not timed (--no-torch)"
    print(format_header(info, args.quick, args.clock, args.threads,
                        args.idle if args.cold else None), flush=True)

    def progress(row: Row) -> None:
        print(f"  {row['id']}: {row['status'] if row['status'] != 'ok' else 'done'}",
              file=sys.stderr, flush=True)
    rows: list[Row] = []
    interrupted = False
    cold: Optional[ColdWorkers] = None
    if args.cold:
        cold = ColdWorkers(args.idle, args.cold_repeats or (3 if args.quick else COLD_REPEATS))
    try:
        for case in cases:
            rows += run([case], quick=args.quick, torch=torch, threads=args.threads,
                        repeats=args.repeats, min_time=args.min_time, clock=args.clock,
                        progress=progress, settle=args.settle, cold=cold)
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: the table holds the cases finished so far", file=sys.stderr)
    finally:
        if cold is not None:
            cold.close()
    print()
    print(format_table(rows, markdown=args.markdown))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "quick": args.quick, "clock": args.clock,
                       "cold": args.cold, "idle": args.idle if args.cold else None,
                       "results": rows}, f, indent=1)
    if interrupted:
        return 130
    if args.strict and any(r["met"] is False for r in rows):
        return 1
    return 0
