#!/usr/bin/env python3
"""Search speed: an archive of at least 10,000 transcripts (the real samples repeated with varied
dates and titles), `/search` under wrk at 16 connections, against the same full-text query
through Datasette serving the same database file, in the same run.

    cargo build --release && pip install datasette && python3 bench/search.py [QUERY]
"""
import glob, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "stenogram")
fixtures = os.path.join(root, "tests", "fixtures")
query = sys.argv[1] if len(sys.argv) > 1 else "sanctions"
copies = int(os.environ.get("COPIES", "32"))

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def wrk(url, conns=16, secs=10, script=None):
    extra = ["-s", os.path.join(root, "bench", "uncached.lua")] if script else []
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{secs}s", "--latency", "--timeout", "10s", *extra, url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0

def wait(url, tries=600):
    for _ in range(tries):
        try:
            return urllib.request.urlopen(url, timeout=5).read()
        except Exception:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer")

tmp = tempfile.mkdtemp(prefix="stn-search-")
sources = sorted(glob.glob(os.path.join(fixtures, "wh-briefings", "**", "*.md"), recursive=True)) + glob.glob(os.path.join(fixtures, "seed", "*.txt")) + glob.glob(os.path.join(fixtures, "kremlin-sample", "*.html"))
corpus = os.path.join(tmp, "corpus")
os.makedirs(corpus)
n = 0
for copy in range(copies):
    year = 1990 + copy
    for path in sources:
        text = open(path, encoding="utf-8", errors="replace").read()
        # A different date and title make each copy a transcript of its own (different bytes).
        text = re.sub(r"\b(19|20)\d\d-(\d\d)-(\d\d)\b", lambda m: f"{year}-{m.group(2)}-{m.group(3)}", text)
        text = re.sub(r"\b(19|20)\d\d\b", str(year), text)
        text = text.replace("title: ", f"title: Copy {copy}: ", 1) if path.endswith(".md") else f"Copy {copy}\n\n{text}" if path.endswith(".txt") else text.replace("<h1", f"<h1 data-copy='{copy}'", 1).replace("itemprop=\"name\">", f"itemprop=\"name\">Copy {copy}: ", 1)
        name = f"{copy:03d}-{n:05d}{os.path.splitext(path)[1]}"
        open(os.path.join(corpus, name), "w", encoding="utf-8").write(text)
        n += 1
db = os.path.join(tmp, "archive.db")
t = time.perf_counter()
r = subprocess.run([binary, "import", "--db", db, corpus], capture_output=True, text=True)
imported = re.search(r"imported (\d+)", r.stdout).group(1)
print(f"archive: {imported} transcripts imported from {n} files in {time.perf_counter() - t:.0f} s, {os.path.getsize(db) / 1e6:.0f} MB")

port, dport = free_port(), free_port()
server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", db], stderr=subprocess.DEVNULL)
datasette = subprocess.Popen(["datasette", "serve", db, "--port", str(dport), "--host", "127.0.0.1", "--setting", "sql_time_limit_ms", "10000",
                              "--setting", "num_sql_threads", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    wait(f"http://127.0.0.1:{port}/healthz")
    wait(f"http://127.0.0.1:{dport}/-/versions.json")
    ours_url = f"http://127.0.0.1:{port}/search?q={urllib.parse.quote(query)}"
    sql = ("select tr.slug, tr.title, tr.date, t.exchange, snippet(turn_fts, 0, '<mark>', '</mark>', '…', 32) as snippet "
           "from turn_fts join turn t on t.id = turn_fts.rowid join transcript tr on tr.id = t.transcript_id "
           "where turn_fts match :q order by turn_fts.rank, tr.date desc limit 20")
    theirs_url = f"http://127.0.0.1:{dport}/archive.json?" + urllib.parse.urlencode({"sql": sql, "q": query, "_shape": "array"})
    hits = re.search(r'data-test="hit-count">(\d+)', wait(ours_url).decode())
    print(f"query {query!r}: {hits.group(1) if hits else '?'} results")
    wait(theirs_url)
    ours = wrk(ours_url)
    fresh = wrk(ours_url, script=True)
    theirs = wrk(theirs_url)
    print(f"stenogram /search (page cache): {ours[0]:.0f} req/s, p99 {ours[1]}, non-2xx {ours[2]}")
    print(f"stenogram /search (no cache, every request searches): {fresh[0]:.0f} req/s, p99 {fresh[1]}, non-2xx {fresh[2]}")
    print(f"datasette same query: {theirs[0]:.0f} req/s, p99 {theirs[1]}, non-2xx {theirs[2]}")
    print(f"ratio without the cache: {fresh[0] / theirs[0]:.1f}x (with it: {ours[0] / theirs[0]:.0f}x)")
finally:
    server.terminate(); datasette.terminate(); server.wait(); datasette.wait()
    shutil.rmtree(tmp, ignore_errors=True)
