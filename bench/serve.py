#!/usr/bin/env python3
"""Serving speed: an exchange permalink page under wrk on loopback, against nginx serving the same
bytes as a static file, in the same run (Debian's `wrk` and `nginx`).

    cargo build --release && python3 bench/serve.py
"""
import os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "stenogram")
fixtures = os.path.join(root, "tests", "fixtures")

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def wrk(url, conns=32, secs=5):
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{secs}s", "--latency", url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rps, p99

def wait(url):
    for _ in range(200):
        try:
            return urllib.request.urlopen(url, timeout=1).read()
        except Exception:
            time.sleep(0.05)
    sys.exit(f"{url} did not answer")

tmp = tempfile.mkdtemp(prefix="stn-bench-")
db = os.path.join(tmp, "archive.db")
subprocess.run([binary, "import", "--db", db, os.path.join(fixtures, "seed"), os.path.join(fixtures, "wh-briefings")], check=True, capture_output=True)
port, nport = free_port(), free_port()
server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", db], stderr=subprocess.DEVNULL)
www = os.path.join(tmp, "www")
os.makedirs(www)
for p in (tmp, www):
    os.chmod(p, 0o755)
try:
    wait(f"http://127.0.0.1:{port}/healthz")
    listing = wait(f"http://127.0.0.1:{port}/transcripts").decode()
    slug = re.search(r"/transcripts/(2025-11-26-[a-z0-9-]+)", listing).group(1)
    url = f"http://127.0.0.1:{port}/transcripts/{slug}/questions/1"
    body = wait(url)
    open(os.path.join(www, "page"), "wb").write(body)
    os.chmod(os.path.join(www, "page"), 0o644)
    conf = os.path.join(tmp, "nginx.conf")
    open(conf, "w").write(f"""worker_processes 1; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html; sendfile on; tcp_nodelay on; keepalive_requests 100000;
  server {{ listen 127.0.0.1:{nport}; root {www}; }} }}""")
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(f"http://127.0.0.1:{nport}/page")
        ours, our_p99 = wrk(url)
        theirs, their_p99 = wrk(f"http://127.0.0.1:{nport}/page")
    finally:
        nginx.terminate(); nginx.wait()
    print(f"page of {len(body)} bytes")
    print(f"stenogram permalink: {ours:.0f} req/s, p99 {our_p99}")
    print(f"nginx static:        {theirs:.0f} req/s, p99 {their_p99}")
    print(f"ratio: {ours / theirs:.2f}")
finally:
    server.terminate(); server.wait()
    shutil.rmtree(tmp, ignore_errors=True)
