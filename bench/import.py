#!/usr/bin/env python3
"""Import speed: `stenogram import` of the seed and the White House sample, against what SQLite
itself needs to store the same bytes and FTS5-index their text (one table plus an FTS5 table,
filled in one transaction), measured in the same run. Best of three each.

    cargo build --release && python3 bench/import.py [FILES_OR_FOLDERS...]
"""
import glob, os, sqlite3, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "stenogram")
paths = sys.argv[1:] or [os.path.join(root, "tests/fixtures/seed"), os.path.join(root, "tests/fixtures/wh-briefings")]
files = []
for p in paths:
    files += [p] if os.path.isfile(p) else sorted(f for f in glob.glob(os.path.join(p, "**", "*"), recursive=True) if f.endswith((".txt", ".md", ".html", ".htm")))
size = sum(os.path.getsize(f) for f in files)

def floor():
    d = tempfile.mkdtemp()
    t = time.perf_counter()
    c = sqlite3.connect(os.path.join(d, "floor.db"))
    c.execute("pragma journal_mode=wal")
    c.execute("create table doc(id integer primary key, raw blob, body text)")
    c.execute("create virtual table doc_fts using fts5(body, content='doc', content_rowid='id')")
    with c:
        for f in files:
            raw = open(f, "rb").read()
            cur = c.execute("insert into doc(raw, body) values (?, ?)", (raw, raw.decode("utf-8", "replace")))
            c.execute("insert into doc_fts(rowid, body) values (?, ?)", (cur.lastrowid, raw.decode("utf-8", "replace")))
    c.close()
    return time.perf_counter() - t

def ours():
    d = tempfile.mkdtemp()
    t = time.perf_counter()
    r = subprocess.run([binary, "import", "--db", os.path.join(d, "archive.db"), *paths], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("import failed: " + r.stderr[-400:])
    return elapsed

b = min(floor() for _ in range(3))
o = min(ours() for _ in range(3))
mb = size / 1e6
print(f"{len(files)} files, {mb:.1f} MB")
print(f"stenogram import: {o:.2f} s ({mb / o:.1f} MB/s)")
print(f"sqlite + fts5 floor: {b:.2f} s ({mb / b:.1f} MB/s)")
print(f"ratio: {o / b:.1f}x")
