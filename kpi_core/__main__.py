"""``python -m kpi_core``: the command line (see :mod:`kpi_core.cli`)."""

import sys

from kpi_core.cli import main

if __name__ == "__main__":
    sys.exit(main())
