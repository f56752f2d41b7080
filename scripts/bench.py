"""`make bench`: load each page of scripts/bench_pages.py with wrk → docs/benchmarks.md.

Production settings (DEBUG off) on PostgreSQL (DATABASE_URL), gunicorn with 2 sync workers on
loopback, wrk with 8 connections signed in with a session cookie from a real sign-in. For each
page: queries per request (X-Query-Count, HIM_COUNT_QUERIES=1), p50 and p95 latency, requests
per second, and throughput as a ratio of the trivial signed-in view's.

Every page is built by its view for every request: the site keeps no page cache
(docs/decisions/0012), so this is what a first visit, and any visit after a write, costs.

Environment: DATABASE_URL (PostgreSQL; the benchmark migrates it and adds its own users),
BENCH_SECONDS (per page, default 10), BENCH_CONNECTIONS (default 8), BENCH_OUTPUT, BENCH_ONLY
(measure only the pages whose name contains it, plus the ceiling; the report is then printed,
not written).
"""

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from scripts.bench_pages import CEILING, DOWNLOADS, PAGES, PARAMS, Page
from scripts.harness import BASE_DIR, Gunicorn, prepare_site, production_environment
from scripts.pgbackup import BackupError, libpq_environment

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("HIM-RESULT p50_us=%d p95_us=%d requests=%d duration_us=%d bad_status=%d socket_errors=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Result:
    page: Page
    path: str
    queries: int | None
    p50_ms: float
    p95_ms: float
    rps: float
    bad: int
    ratio: float | None = None


def resolve_paths(url: str) -> dict[str, str]:
    values = {}
    if PARAMS:
        with psycopg.connect(url) as connection:
            for name, sql in PARAMS.items():
                row = connection.execute(sql).fetchone()
                if row is None:
                    raise SystemExit(f"bench: PARAMS[{name!r}] found no row; seed data first.")
                values[name] = str(row[0])
    return values


def run_wrk(
    *, port: int, path: str, cookie: str, seconds: int, connections: int, script: Path
) -> dict[str, int]:
    command = [
        "wrk",
        "--threads=2",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={script}",
    ]
    if cookie:
        command.append(f"--header=Cookie: {cookie}")
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"HIM-RESULT (.*)", output)
    if not match:
        raise SystemExit(f"bench: unexpected wrk output:\n{output}")
    return {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}


@dataclass
class Download:
    page: Page
    path: str
    first_byte_s: float
    total_s: float
    megabytes: float
    rss_before_mb: float
    rss_peak_mb: float
    status: int


def _worker_rss_mb(master_pid: int) -> float:
    """The largest resident size among gunicorn's workers (children of the master), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    largest = 0.0
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return largest


def measure_download(*, port: int, path: str, cookie: str, master_pid: int) -> dict:
    """Time one download to its first and last byte, sampling the workers' memory meanwhile."""
    import http.client
    import time

    before = _worker_rss_mb(master_pid)
    peak = before
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    answer = connection.getresponse()
    size = len(answer.read(1))
    first = time.perf_counter() - started
    while chunk := answer.read(256 * 1024):
        size += len(chunk)
        peak = max(peak, _worker_rss_mb(master_pid))
    total = time.perf_counter() - started
    connection.close()
    return {
        "first_byte_s": first,
        "total_s": total,
        "megabytes": size / 1e6,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "status": answer.status,
    }


def machine(load: tuple[float, float, float]) -> list[str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    wrk_version = (
        subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
        if shutil.which("wrk")
        else ""
    )
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu}, `nproc` = {os.cpu_count()}; load average before the run: "
        f"{' / '.join(f'{x:.1f}' for x in load)} (1 / 5 / 15 min; other work shares the machine)",
        f"- Python {platform.python_version()}, "
        f"{wrk_version.splitlines()[0].split(' [')[0] if wrk_version else 'wrk'}",
        "- `free -h`:",
        "",
        "```",
        memory,
        "```",
    ]


def page_table(results: list[Result]) -> list[str]:
    lines = [
        "| page | role | path | queries | p50 ms | p95 ms | req/s | × trivial view | bad answers |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "–"
        queries = "–" if r.queries is None else str(r.queries)
        lines.append(
            f"| {r.page.name} | {r.page.role} | `{r.path}` | {queries} | "
            f"{r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.rps:.0f} | {ratio} | {r.bad} |"
        )
    return lines


def report(
    results: list[Result],
    *,
    seconds: int,
    connections: int,
    server: str,
    load: tuple[float, float, float] = (0.0, 0.0, 0.0),
    downloads: list[Download] | None = None,
) -> str:
    lines = [
        "## Pages",
        "",
        f"`make bench`: production settings (DEBUG off), gunicorn with 2 sync workers, {server}, "
        f"all on loopback; wrk with {connections} connections for {seconds} s per page after a "
        "warm-up, signed in with one session per role (a real sign-in's cookie). Queries: the "
        "`X-Query-Count` of one request (session and user included). Latency: wrk's p50 and p95 "
        "(the load generator shares the machine's cores with the server and the database).",
        "",
        *machine(load),
        "",
        "### Every page built by its view",
        "",
        "Each request runs its view from start to end: there is no page cache "
        "(docs/decisions/0012).",
        "",
        *page_table(results),
    ]
    if downloads:
        lines += [
            "",
            "Downloads, one at a time after the pages (no other load from the benchmark; the "
            "workers' largest resident memory before and at its peak during the download):",
            "",
            "| download | role | path | first byte s | total s | MB | worker RSS MB before → peak |",
            "|---|---|---|---:|---:|---:|---|",
        ]
        for d in downloads:
            lines.append(
                f"| {d.page.name} | {d.page.role} | `{d.path}` | {d.first_byte_s:.2f} | "
                f"{d.total_s:.1f} | {d.megabytes:.1f} | {d.rss_before_mb:.0f} → "
                f"{d.rss_peak_mb:.0f} |"
            )
    return "\n".join(lines) + "\n"


def write_section(output: Path, section: str) -> None:
    """Replace the "## Pages" section of `output`, keeping every other section."""
    text = output.read_text() if output.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Pages\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    text = (
        pattern.sub(lambda _: section + "\n", text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section
    )
    output.write_text(text.rstrip() + "\n")


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    try:
        libpq_environment(url)
    except BackupError as error:
        print(f"bench: runs on PostgreSQL only: {error}", file=sys.stderr)
        return 1
    if not shutil.which("wrk"):
        print("bench: wrk not found (apt-get install wrk).", file=sys.stderr)
        return 1
    load_before = os.getloadavg()
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    output = Path(os.environ.get("BENCH_OUTPUT", BASE_DIR / "docs" / "benchmarks.md"))
    with tempfile.TemporaryDirectory(prefix="him-bench-") as scratch:
        script = Path(scratch) / "report.lua"
        script.write_text(WRK_REPORT)
        env = production_environment(
            database_url=url, static_root=Path(scratch) / "static", HIM_COUNT_QUERIES="1"
        )
        print("bench: migrating, collecting static files, creating the bench users ...")
        password = prepare_site(env)
        values = resolve_paths(url)
        with psycopg.connect(url) as connection:
            server = connection.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        only = os.environ.get("BENCH_ONLY", "")
        results, downloads = measure(
            env, password, values, only, seconds, connections, script, with_downloads=True
        )
        measured = results
        if only:
            print("bench: BENCH_ONLY set, report not written.")
            return 1 if any(r.bad for r in measured) else 0
        write_section(
            output,
            report(
                results,
                seconds=seconds,
                connections=connections,
                server=server,
                load=load_before,
                downloads=downloads,
            ),
        )
        print(f"bench: written to {output}")
    return 1 if any(r.bad for r in measured) or any(d.status != 200 for d in downloads) else 0


def measure(
    env: dict[str, str],
    password: str,
    values: dict[str, str],
    only: str,
    seconds: int,
    connections: int,
    script: Path,
    *,
    with_downloads: bool = False,
) -> tuple[list[Result], list[Download]]:
    """Every page (and, `with_downloads`, every download) against one gunicorn run with `env`."""
    from scripts.harness import signed_in_clients

    results: list[Result] = []
    downloads: list[Download] = []
    with Gunicorn(env) as gunicorn:
        roles = sorted({page.role for page in [*PAGES, *DOWNLOADS]})
        with signed_in_clients(gunicorn.port, password, roles) as clients:
            for page in PAGES:
                if only and only not in page.name and page.name != CEILING:
                    continue
                client = clients[page.role]
                path = page.path.format(**values)
                for _ in range(20):  # warm-up: code paths, connections
                    answer = client.get(path)
                if answer.status != 200:
                    raise SystemExit(f"bench: {page.name} {path} answered {answer.status}")
                queries = answer.headers.get("X-Query-Count")
                figures = run_wrk(
                    port=gunicorn.port,
                    path=path,
                    cookie=client.cookie_header,
                    seconds=seconds,
                    connections=connections,
                    script=script,
                )
                result = Result(
                    page=page,
                    path=path,
                    queries=int(queries) if queries is not None else None,
                    p50_ms=figures["p50_us"] / 1000,
                    p95_ms=figures["p95_us"] / 1000,
                    rps=figures["requests"] / (figures["duration_us"] / 1e6),
                    bad=figures["bad_status"] + figures["socket_errors"],
                )
                results.append(result)
                print(
                    f"{page.name:32} {result.queries!s:>3} q  "
                    f"p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                    f"{result.rps:7.0f} req/s  bad {result.bad}"
                )
            for page in DOWNLOADS if with_downloads and (not only or only in "download") else []:
                path = page.path.format(**values)
                figures = measure_download(
                    port=gunicorn.port,
                    path=path,
                    cookie=clients[page.role].cookie_header,
                    master_pid=gunicorn.process.pid,
                )
                downloads.append(Download(page=page, path=path, **figures))
                print(
                    f"{page.name:32} first byte {figures['first_byte_s']:.2f} s, total "
                    f"{figures['total_s']:.1f} s, {figures['megabytes']:.1f} MB, worker RSS "
                    f"{figures['rss_before_mb']:.0f} → {figures['rss_peak_mb']:.0f} MB"
                )
    ceiling = next((r.rps for r in results if r.page.name == CEILING), None)
    for r in results:
        r.ratio = r.rps / ceiling if ceiling else None
    return results, downloads


if __name__ == "__main__":
    sys.exit(main())
