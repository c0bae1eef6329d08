#!/usr/bin/env python3
"""Scale: archives of COPIES x 321 transcripts (the real samples in tests/fixtures repeated under
other years), each page type asked for fresh (with a session cookie, which the page cache never
answers) a few times: import time, database size, median and p99 per page type, and the server's
resident memory, in one run.

    cargo build --release && python3 bench/scale.py [COPIES...]     # default: 32 (about 10,000)
    python3 bench/scale.py 32 312                                    # 10,000 and 100,000
"""
import glob, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "stenogram")
fixtures = os.path.join(root, "tests", "fixtures")
ASKS = int(os.environ.get("ASKS", "7"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    req = urllib.request.Request(url, headers={"Cookie": "stenogram_session=benchmark"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            body, status = r.read().decode("utf-8", "replace"), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read().decode("utf-8", "replace"), e.code
    return status, time.perf_counter() - t, body


def build(copies, tmp):
    sources = sorted(glob.glob(os.path.join(fixtures, "wh-briefings", "**", "*.md"), recursive=True)) + \
        glob.glob(os.path.join(fixtures, "seed", "*.txt")) + sorted(glob.glob(os.path.join(fixtures, "kremlin-sample", "*.html")))
    corpus = os.path.join(tmp, "corpus")
    os.makedirs(corpus)
    n = 0
    for copy in range(copies):
        # Years the reader takes for dates; past 36 copies they repeat, and the copy's number in
        # the title keeps each transcript its own.
        year = 1990 + copy % 36
        for path in sources:
            text = open(path, encoding="utf-8", errors="replace").read()
            text = re.sub(r"\b(19|20)\d\d-(\d\d)-(\d\d)\b", lambda m: f"{year}-{m.group(2)}-{m.group(3)}", text)
            text = re.sub(r"\b(19|20)\d\d\b", str(year), text)
            if path.endswith(".md"):
                text = text.replace("title: ", f"title: Copy {copy}: ", 1)
            elif path.endswith(".txt"):
                text = f"Copy {copy}\n\n{text}"
            else:
                text = text.replace("<h1", f"<h1 data-copy='{copy}'", 1)
            open(os.path.join(corpus, f"{copy:03d}-{n:05d}{os.path.splitext(path)[1]}"), "w", encoding="utf-8").write(text)
            n += 1
    db = os.path.join(tmp, "archive.db")
    t = time.perf_counter()
    subprocess.run([binary, "import", "--db", db, corpus], capture_output=True, text=True, check=True)
    took = time.perf_counter() - t
    shutil.rmtree(corpus)
    return db, n, took


def measure(copies):
    tmp = tempfile.mkdtemp(prefix="stn-scale-")
    try:
        db, n, took = build(copies, tmp)
        print(f"\n{n} transcripts: imported in {took:.0f} s ({n / took:.0f} a second), database {os.path.getsize(db) / 1e9:.2f} GB")
        port = free_port()
        server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", db], stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            # A first start on an older archive migrates it first.
            for _ in range(6000):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except Exception:
                    time.sleep(0.1)
            speakers = re.findall(r'href="(/speakers/[^"?#]+)"', get(base + "/speakers")[2])[:2]
            topics = re.findall(r'href="(/topics/[^"?#]+)"', get(base + "/topics")[2])[:2]
            # The newest transcript with an exchange, so that its permalink is one.
            rows = re.findall(r'class="title" href="/transcripts/([^"/?#]+)".*?(\d+) exchanges?', get(base + "/transcripts")[2], re.S)
            slug = next((s for s, n in rows if int(n) > 0), rows[0][0])
            pages = ["/", "/transcripts", "/transcripts?page=300", f"/transcripts/{slug}", f"/transcripts/{slug}/questions/1",
                     "/speakers", "/speakers?letter=M", "/topics", "/topics?kind=country", *speakers, speakers[0] + "?page=40",
                     *topics, "/search?q=sanctions", "/search?q=president", "/search?q=the", "/search?q=ukrain*",
                     "/search?q=%22press+conference%22", "/search?q=china+OR+russia", "/search?q=the&sort=newest&page=20",
                     "/api/v1/transcripts", "/api/v1/speakers", "/api/v1/search?q=minister"]
            print(f"{'page':48} {'median':>9} {'p99':>9}  status")
            worst = (0, "")
            for p in pages:
                times, statuses = [], set()
                for _ in range(ASKS):
                    status, dt, _ = get(base + p)
                    times.append(dt)
                    statuses.add(status)
                times.sort()
                med = statistics.median(times)
                p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
                worst = max(worst, (med, p))
                print(f"{p:48} {med * 1000:7.1f} ms {p99 * 1000:7.1f} ms  {sorted(statuses)}")
            # Anonymous memory: the database file mapped into the process is not counted.
            rss = int(re.search(r"RssAnon:\s+(\d+)", open(f"/proc/{server.pid}/status").read()).group(1)) // 1024
            print(f"slowest median: {worst[1]} {worst[0] * 1000:.1f} ms; server anonymous memory {rss} MB")
        finally:
            server.terminate()
            server.wait(15)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


for copies in [int(a) for a in sys.argv[1:]] or [32]:
    measure(copies)
