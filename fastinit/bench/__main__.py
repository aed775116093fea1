"""``python -m fastinit.bench``: the same as ``fastinit bench``."""
from .cli import main

raise SystemExit(main())
