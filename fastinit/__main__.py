"""``python -m fastinit``: the same as the ``fastinit`` command."""
from .cli import main

raise SystemExit(main())
