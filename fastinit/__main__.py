"""The ``fastinit`` command (also ``python -m fastinit``).

``fastinit bench`` runs the benchmarks (:mod:`fastinit.bench`); every other
command is the study's (:mod:`fastinit.study.cli`: ``study``,
``histogram``, ``compare``, ``symmetry``, ``info``).  The benchmarks time
the study's experiments, so the dispatch lives here, above both, and the
study never imports the benchmarks."""
from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fastinit`` command; returns the exit status."""
    from .study import cli

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["bench"]:
        return cli.main(argv)
    try:
        from . import bench
    except ImportError as exc:
        print(f"fastinit bench: the benchmark runner is not available in this build ({exc})",
              file=sys.stderr)
        return cli.EXIT_USAGE
    return bench.main(argv[1:]) or cli.EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
