"""Many viewers at once: N viewers loading the company page from P dashboard processes.

    python bench/viewers.py --db postgresql://kpi@localhost/bench --apps 2 --viewers 50
    python bench/viewers.py --db /tmp/bench.duckdb --apps 1 --viewers 50

Starts ``--apps`` ``streamlit run app.py`` processes on free ports over one
database (a DuckDB file allows one), then ``--viewers`` clients at once, each
loading the company scorecard ``--loads`` times, round-robin over the
processes, a new session each time (what a viewer opening a link does). A
client speaks Streamlit's own websocket protocol, as the browser does: it asks
for a run of the page and times until every element arrived and the run
finished; drawing the page is the browser's work, on the viewer's machine,
and is not counted (20 headless Chromium pages on the 2 benchmark cores spent
the CPU on drawing, not on the server). Prints pages per second (loads / wall
time) and the latency's median and 95th percentile, and writes
bench/viewers-<backend>-<apps>x<viewers>.json.
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

from kpi_core import access  # noqa: E402
from kpi_core.org import Org  # noqa: E402
from kpi_core.store import Store  # noqa: E402
from kpi_core.store.dialect import is_postgres  # noqa: E402


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


async def page_load(url: str, query: str) -> tuple[float, bool]:
    """One viewer opening the page: a new session over Streamlit's websocket,
    one run of the script, every element received. (seconds, ran cleanly)"""
    import websockets
    from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2

    started = time.perf_counter()
    stream = url.replace("http://", "ws://") + "_stcore/stream"
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
        ask = BackMsg_pb2.BackMsg()
        ask.rerun_script.query_string = query
        await ws.send(ask.SerializeToString())
        clean, elements = True, 0
        while True:
            got = ForwardMsg_pb2.ForwardMsg()
            got.ParseFromString(await ws.recv())
            kind = got.WhichOneof("type")
            if kind == "delta":
                elements += 1
                if got.delta.new_element.WhichOneof("type") == "exception":
                    clean = False
            elif kind == "script_finished":
                # the entry script reruns once for the navigation: the page's run has the elements
                if got.script_finished != 0 or elements > 10:
                    return time.perf_counter() - started, clean and got.script_finished == 0


async def viewer(urls: list[str], first: int, loads: int, query: str, times: list[float], failed: list[int]) -> None:
    for i in range(loads):
        took, clean = await page_load(urls[(first + i) % len(urls)], query)
        times.append(took)
        if not clean:
            failed.append(1)


async def run(urls: list[str], viewers: int, loads: int, query: str) -> tuple[list[float], float, int]:
    times: list[float] = []
    failed: list[int] = []
    # one warm-up load per process: its first run opens the store and reads the scores
    await asyncio.gather(*(page_load(u, query) for u in urls))
    started = time.perf_counter()
    await asyncio.gather(*(viewer(urls, v, loads, query, times, failed) for v in range(viewers)))
    return times, time.perf_counter() - started, len(failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="database file or postgresql:// URL (already filled)")
    parser.add_argument("--apps", type=int, default=2)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--loads", type=int, default=2, help="page loads per viewer")
    parser.add_argument(
        "--mark-demo",
        action="store_true",
        help="mark the (benchmark) database as a demo, so pages open signed in as its admin; never on real data",
    )
    args = parser.parse_args()
    if not is_postgres(args.db) and args.apps != 1:
        parser.error("a DuckDB file is held by one process: --apps 1")
    with Store(args.db) as store:
        if not store.is_demo():
            if not args.mark_demo:
                parser.error(
                    "the pages ask for a sign-in on a database that is not a demo: pass --mark-demo (bench data only)"
                )
            store.set_demo(True, by="bench")
            access.ensure_demo_accounts(store, Org.from_frame(store.units()))
        period = store.latest_scored_period()
        company = Org.from_frame(store.units()).company_id
    query = f"?unit={company}&period={period}&view=month"
    apps = [start_app(args.db) for _ in range(args.apps)]
    try:
        load_before = os.getloadavg()[0]
        times, wall, failed = asyncio.run(run([u for _, u in apps], args.viewers, args.loads, query))
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
        "failed": failed,
        "wall_s": round(wall, 2),
        "pages_per_s": round(len(times) / wall, 2),
        "p50_s": round(statistics.median(times), 2),
        "p95_s": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "max_s": round(times[-1], 2),
        "cpus": os.cpu_count(),
        "loadavg_1m": [load_before, load_after],
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / f"viewers-{result['backend']}-{args.apps}x{args.viewers}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
