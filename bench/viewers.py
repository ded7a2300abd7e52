"""Many viewers at once: N browsers loading the company page from P dashboard processes.

    python bench/viewers.py --db postgresql://kpi@localhost/bench --apps 2 --viewers 50
    python bench/viewers.py --db /tmp/bench.duckdb --apps 1 --viewers 50

Starts ``--apps`` ``streamlit run app.py`` processes on free ports over one
database (a DuckDB file allows one), then ``--viewers`` headless Chromium
pages at once (Debian's chromium, through Playwright), each loading the
company scorecard ``--loads`` times, round-robin over the processes, a new
session each time (what a viewer opening a link does). A page load is timed
from navigation until Streamlit reports the script finished. Prints pages per
second (loads / wall time) and the latency's median and 95th percentile, and
writes bench/viewers-<backend>.json.

The browsers run on the same machine as the servers and take CPU from them:
the figures are a floor for a server whose viewers sit elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi_core.store import Store  # noqa: E402
from kpi_core.store.dialect import is_postgres  # noqa: E402

READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env={**os.environ, "KPI_DB_PATH": db},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start")


async def viewer(browser, urls: list[str], first: int, loads: int, query: str, times: list[float]) -> None:
    for i in range(loads):
        context = await browser.new_context(viewport={"width": 1366, "height": 768})
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(urls[(first + i) % len(urls)] + query, timeout=300_000)
        await page.wait_for_timeout(200)
        await page.wait_for_selector(READY, timeout=300_000)
        times.append(time.perf_counter() - started - 0.2)
        await context.close()


async def run(urls: list[str], viewers: int, loads: int, query: str) -> tuple[list[float], float]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # one warm-up load per process: its first run opens the store and reads the scores
        await asyncio.gather(*(viewer(browser, [u], 0, 1, query, []) for u in urls))
        started = time.perf_counter()
        await asyncio.gather(*(viewer(browser, urls, v, loads, query, times) for v in range(viewers)))
        wall = time.perf_counter() - started
        await browser.close()
    return times, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="database file or postgresql:// URL (already filled)")
    parser.add_argument("--apps", type=int, default=2)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--loads", type=int, default=2, help="page loads per viewer")
    args = parser.parse_args()
    if not is_postgres(args.db) and args.apps != 1:
        parser.error("a DuckDB file is held by one process: --apps 1")
    with Store(args.db) as store:
        period = store.latest_scored_period()
        company = store.units()["unit_id"].iloc[0]
    query = f"?unit={company}&period={period}&view=month"
    apps = [start_app(args.db) for _ in range(args.apps)]
    try:
        load_before = os.getloadavg()[0]
        times, wall = asyncio.run(run([u for _, u in apps], args.viewers, args.loads, query))
        load_after = os.getloadavg()[0]
    finally:
        for proc, _ in apps:
            proc.terminate()
            proc.wait(timeout=20)
    times.sort()
    result = {
        "backend": "postgresql" if is_postgres(args.db) else "duckdb",
        "apps": args.apps,
        "viewers": args.viewers,
        "loads": len(times),
        "wall_s": round(wall, 2),
        "pages_per_s": round(len(times) / wall, 2),
        "p50_s": round(statistics.median(times), 2),
        "p95_s": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "max_s": round(times[-1], 2),
        "cpus": os.cpu_count(),
        "loadavg_1m": [load_before, load_after],
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / f"viewers-{result['backend']}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
