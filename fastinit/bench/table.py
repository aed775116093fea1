"""The machine a run describes, and the results table."""
from __future__ import annotations

import os
import platform
from typing import Any, Mapping, Optional, Sequence, TypedDict

import numpy as np

from .cases import OPENBLAS_SLOWDOWN_VARS
from .timing import Clock, cores


class MachineInfo(TypedDict):
    """What :func:`machine_info` returns (and the JSON's "machine")."""
    fastinit: Mapping[str, object]
    cpu: str
    cores: int
    python: str
    platform: str
    numpy: str
    numpy_blas: str
    torch: Optional[str]
    warnings: list[str]


# --------------------------------------------------------------------------
# Machine description and the table
# --------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl)"
    found = [f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, "
             f"{p.get('num_threads')} threads)"
             for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(found) or "none found"


def machine_info(torch: Any = None) -> MachineInfo:
    """What the numbers were measured on: fastinit's build, the CPU, the
    thread counts, NumPy's BLAS, torch, and environment variables that
    would bias the comparison."""
    import fastinit
    info: MachineInfo = {
        "fastinit": fastinit.build_info(),
        "cpu": _cpu_model(),
        "cores": cores(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "numpy_blas": _blas_info(),
        "torch": None if torch is None else
        f"{torch.__version__} ({torch.get_num_threads()} threads)",
        "warnings": [],
    }
    for var in OPENBLAS_SLOWDOWN_VARS:
        if os.environ.get(var):
            info["warnings"].append(
                f"{var}={os.environ[var]} is set: OpenBLAS may run slower kernels, "
                f"which flatters fastinit; for a fair comparison run "
                f"`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE fastinit bench`")
    return info


def format_header(info: MachineInfo, quick: bool, clock: Clock = "wall",
                  threads: Optional[int] = None, idle: Optional[float] = None) -> str:
    b = info["fastinit"]
    lines = [
        f"fastinit {b.get('version')}: simd {b.get('simd')} (cpu {b.get('cpu_simd')}), "
        f"threads {b.get('threads')}, {b.get('compiler')}, {b.get('num_threads')} threads "
        "by default",
        f"cpu: {info['cpu']}, {info['cores']} cores; python {info['python']}, "
        f"{info['platform']}",
        f"numpy {info['numpy']}, BLAS: {info['numpy_blas']}",
        f"torch: {info['torch'] or 'not installed'}",
    ]
    if threads is not None:
        lines.append(f"run with --threads {threads}: fastinit, NumPy's BLAS and torch "
                     f"on {threads} thread(s) (the thread-scaling cases use 2 vs 1)")
    if idle is not None:
        lines.append(f"cold: median of single calls, each after {idle:g} s idle, each library "
                     f"in its own process; cold ratio = numpy cold / fastinit cold, "
                     f"cold/warm = fastinit cold / fastinit warm")
    if clock != "wall":
        lines.append(f"times: {clock} clock (process CPU time, not elapsed time)")
    if quick:
        lines.append("quick mode: reduced sizes, one thread unless --threads, "
                     "targets not judged")
    lines += [f"WARNING: {w}" for w in info["warnings"]]
    return "\n".join(lines)


def _fmt_time(s: Optional[float]) -> str:
    if s is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def _fmt_value(row: Mapping[str, Any], key: str) -> str:
    v = row[key]
    if v is None:
        return "-"
    if row["kind"] == "memory":
        return f"{v:+.2f} MiB"
    peak = row.get(f"{key}_peak_rss")
    return _fmt_time(v) + ("" if peak is None else f", {peak / 2**20:.0f} MiB peak")


COLUMNS: tuple[str, ...] = ("case", "shape", "dtype", "threads", "fastinit", "numpy",
                            "ratio", "torch", "torch ratio", "target", "met")
# Shown after "torch ratio" when a row holds cold times: fastinit's cold
# median, the cold ratio against the baseline, and fastinit cold / warm.
COLD_COLUMNS: tuple[str, ...] = ("cold", "cold ratio", "cold/warm")


def _ratio(r: Optional[float]) -> str:
    return "-" if r is None else f"{r:.2f}x"


def _cells(row: Mapping[str, Any], with_cold: bool) -> list[str]:
    met = {None: "-", True: "yes", False: "NO"}[row["met"]]
    if row["status"] != "ok":
        met = row["status"].split(":")[0]
    numpy_cell = _fmt_value(row, "numpy")
    if row["baseline"] != "numpy" and row["numpy"] is not None:
        numpy_cell += f" ({row['baseline']})"
    cells = [row["case"], row["shape"], row["dtype"], str(row["threads"]),
             _fmt_value(row, "fastinit"), numpy_cell, _ratio(row["ratio"]),
             _fmt_time(row["torch"]), _ratio(row["torch_ratio"])]
    if with_cold:
        cells += [_fmt_time(row.get("fastinit_cold")), _ratio(row.get("cold_ratio")),
                  _ratio(row.get("cold_warm"))]
    return cells + [row["target"], met]


def format_table(rows: Sequence[Mapping[str, Any]], markdown: bool = False) -> str:
    """The results as an aligned text table (or a Markdown table), with the
    cold columns when a row holds cold times, followed by the reason for
    each case that did not run and the targets each missed."""
    with_cold = any(r.get("fastinit_cold") is not None for r in rows)
    columns = COLUMNS[:9] + (COLD_COLUMNS if with_cold else ()) + COLUMNS[9:]
    body = [_cells(r, with_cold) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(columns) + " |",
                 "|" + "|".join("---" for _ in columns) + "|"]
        lines += ["| " + " | ".join(c) + " |" for c in body]
    else:
        widths = [max(len(h), *(len(c[i]) for c in body)) if body else len(h)
                  for i, h in enumerate(columns)]
        fmt = "  ".join(f"{{:{'<' if i < 4 else '>'}{w}}}" for i, w in enumerate(widths))
        lines = [fmt.format(*columns), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*c) for c in body]
    notes = [f"{r['id']}: {r['status']}" for r in rows if r["status"] != "ok"]
    notes += [f"{r['id']}: missed {'; '.join(r['missed'])}" for r in rows if r.get("missed")]
    return "\n".join(lines + ([""] + notes if notes else []))
