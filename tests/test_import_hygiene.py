"""kpi_core stays free of the user interface: importing every module of it in a
fresh interpreter loads neither streamlit nor plotly."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import kpi_core

ROOT = Path(__file__).resolve().parents[1]


def test_kpi_core_never_imports_streamlit_or_plotly():
    modules = sorted(
        m.name for m in pkgutil.walk_packages(kpi_core.__path__, "kpi_core.") if m.name != "kpi_core.__main__"
    )
    assert "kpi_core.scoring" in modules and "kpi_core.store.base" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
