#!/usr/bin/env python3
"""Search engine speed: an archive of about 10,000 transcripts (the real samples repeated under
other years and titles), many different searches (words, phrases, names, filters, orders), every
request past the page cache, wrk at 16 connections; against Datasette running SQLite's ranked
FTS5 query with snippets on the same file, in the same run. Then each search once, alone, timed
from the client: the slowest and the median.

    cargo build --release && pip install datasette && python3 bench/engine.py
"""
import glob, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request, json

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "stenogram")
fixtures = os.path.join(root, "tests", "fixtures")
copies = int(os.environ.get("COPIES", "32"))
seconds = int(os.environ.get("SECONDS_EACH", "15"))

WORDS = ["sanctions", "president", "security", "economy", "ukraine", "china", "russia", "nuclear", "congress",
         "vaccine", "border", "inflation", "energy", "trade", "climate", "military", "election", "minister",
         "agreement", "treaty", "taxes", "jobs", "police", "covid", "oil", "gas", "europe", "nato", "iran",
         "israel", "korea", "japan", "india", "mexico", "immigration", "infrastructure", "budget", "court",
         "health", "weapons", "peace", "war", "talks", "summit", "cooperation", "terrorism", "democracy",
         "crisis", "market", "investment", "the", "people", "question"]
PHRASES = ["press conference", "Minsk agreements", "national security", "supply chain", "United Nations",
           "climate change", "human rights", "New START", "Security Council", "peace talks"]
NAMES = ["Lavrov Minsk", "Psaki Nord Stream", "Kirby Ukraine", "Putin NATO", "Jean-Pierre inflation",
         "Peskov sanctions", "Biden China", "Sullivan Iran"]
# (words, extra parameters): filters and orders on top of words.
FILTERED = [("sanctions", "&speaker=Jen+Psaki"), ("ukraine", "&role=answer"), ("china", "&sort=newest"),
            ("energy", "&from=2000&to=2005"), ("president", "&sort=oldest"), ("nuclear", "&group=transcript"),
            ("economy", "&speaker=vladimir-putin"), ("weapons", "&role=question&sort=newest")]


def ours_queries():
    out = [urllib.parse.quote(w) for w in WORDS]
    out += [urllib.parse.quote(f'"{p}"') for p in PHRASES]
    out += [urllib.parse.quote(n) for n in NAMES]
    out += [urllib.parse.quote(w) + extra for w, extra in FILTERED]
    return out


def theirs_queries():
    # The same words as SQLite's FTS5 reads them: phrases quoted, names as plain words.
    out = [urllib.parse.quote(w) for w in WORDS]
    out += [urllib.parse.quote(f'"{p}"') for p in PHRASES]
    out += [urllib.parse.quote(" ".join(f'"{w}"' for w in re.findall(r"\w+", n))) for n in NAMES]
    out += [urllib.parse.quote(w) for w, _ in FILTERED]
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, queries_file):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s",
                          "-s", os.path.join(root, "bench", "queries.lua"), url],
                         capture_output=True, text=True, env={**os.environ, "QUERIES": queries_file}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0


def fetch(url, cookie=True):
    req = urllib.request.Request(url, headers={"Cookie": "stenogram_session=benchmark"} if cookie else {})
    return urllib.request.urlopen(req, timeout=60).read()


def wait(url, tries=1200):
    for _ in range(tries):
        try:
            return fetch(url)
        except Exception:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer")


tmp = tempfile.mkdtemp(prefix="stn-engine-")
sources = sorted(glob.glob(os.path.join(fixtures, "wh-briefings", "**", "*.md"), recursive=True)) + \
    glob.glob(os.path.join(fixtures, "seed", "*.txt")) + glob.glob(os.path.join(fixtures, "kremlin-sample", "*.html"))
corpus = os.path.join(tmp, "corpus")
os.makedirs(corpus)
n = 0
for copy in range(copies):
    year = 1990 + copy
    for path in sources:
        text = open(path, encoding="utf-8", errors="replace").read()
        text = re.sub(r"\b(19|20)\d\d-(\d\d)-(\d\d)\b", lambda m: f"{year}-{m.group(2)}-{m.group(3)}", text)
        text = re.sub(r"\b(19|20)\d\d\b", str(year), text)
        text = text.replace("title: ", f"title: Copy {copy}: ", 1) if path.endswith(".md") else f"Copy {copy}\n\n{text}" if path.endswith(".txt") else text.replace("<h1", f"<h1 data-copy='{copy}'", 1)
        open(os.path.join(corpus, f"{copy:03d}-{n:05d}{os.path.splitext(path)[1]}"), "w", encoding="utf-8").write(text)
        n += 1
db = os.path.join(tmp, "archive.db")
t = time.perf_counter()
r = subprocess.run([binary, "import", "--db", db, corpus], capture_output=True, text=True)
imported = re.search(r"imported (\d+)", r.stdout).group(1)
indexed = re.search(r"search index: .*", r.stderr)
print(f"archive: {imported} transcripts from {n} files in {time.perf_counter() - t:.0f} s (with the search index), "
      f"{os.path.getsize(db) / 1e6:.0f} MB; {indexed.group(0) if indexed else 'no index line'}")

ours_file, theirs_file = os.path.join(tmp, "ours.txt"), os.path.join(tmp, "theirs.txt")
open(ours_file, "w").write("\n".join(ours_queries()) + "\n")
open(theirs_file, "w").write("\n".join(theirs_queries()) + "\n")
port, dport = free_port(), free_port()
server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", db], stderr=subprocess.DEVNULL)
datasette = subprocess.Popen(["datasette", "serve", db, "--port", str(dport), "--host", "127.0.0.1", "--setting", "sql_time_limit_ms", "10000",
                              "--setting", "num_sql_threads", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    wait(f"http://127.0.0.1:{port}/healthz")
    wait(f"http://127.0.0.1:{dport}/-/versions.json")
    engine = json.loads(wait(f"http://127.0.0.1:{port}/api/v1/search?q=sanctions"))["engine"]
    assert engine == "index", f"the server searched with {engine}"
    sql = ("select tr.slug, tr.title, tr.date, t.exchange, snippet(turn_fts, 0, '<mark>', '</mark>', '…', 32) as snippet "
           "from turn_fts join turn t on t.id = turn_fts.rowid join transcript tr on tr.id = t.transcript_id "
           "where turn_fts match :q order by turn_fts.rank, tr.date desc limit 20")
    theirs_url = f"http://127.0.0.1:{dport}/archive.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}) + "&q="
    ours_url = f"http://127.0.0.1:{port}/search?q="
    # Each search once, alone: the slowest and the median, as the client sees them.
    alone = []
    for q in ours_queries():
        t = time.perf_counter()
        fetch(ours_url + q)
        alone.append(((time.perf_counter() - t) * 1000, urllib.parse.unquote(q)))
    alone.sort()
    ours = wrk(ours_url, ours_file)
    theirs = wrk(theirs_url, theirs_file)
    print(f"{len(ours_queries())} different searches ({len(WORDS)} words, {len(PHRASES)} phrases, {len(NAMES)} with names, {len(FILTERED)} with filters or orders)")
    print(f"each alone: median {statistics.median(a for a, _ in alone):.1f} ms, slowest {alone[-1][0]:.1f} ms ({alone[-1][1]!r}), "
          f"then {alone[-2][0]:.1f} ms ({alone[-2][1]!r})")
    print(f"stenogram /search, 16 connections, no page cache: {ours[0]:.0f} req/s, p99 {ours[1]}, non-2xx {ours[2]}")
    print(f"datasette, the same words as a ranked FTS5 query with snippets: {theirs[0]:.0f} req/s, p99 {theirs[1]}, non-2xx {theirs[2]}")
    print(f"ratio: {ours[0] / theirs[0]:.1f}x")
finally:
    server.terminate(); datasette.terminate(); server.wait(); datasette.wait()
    shutil.rmtree(tmp, ignore_errors=True)
