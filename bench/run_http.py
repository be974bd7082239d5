#!/usr/bin/env python3
"""run_http.py - wrk against a dossier database, side by side with nginx
serving the same article bytes and with the FTS5 floor (fts_floor.c).

Starts `dossier serve` on the database given (loopback, --threads 2, no
access log), nginx (non-daemon, temporary prefix, 2 workers) on another
loopback port, picks the ids and search terms from the database itself
(a rare term in under 2% of articles, a common one in over 20%, a phrase,
a prefix), runs `wrk -t2 -c32 -d10s --latency` on each endpoint in turn,
then the floor program, and prints one Markdown table plus a JSON record
(with the load average before and after each figure, the server's CPU
time per answer and its RSS) to the --json path.

The single-term search rows repeat one URL, so after the first request the
response cache answers them. The rows "search rare/common, N different
terms" rotate through up to 400 terms of the same document-frequency band
with a `_` parameter the API ignores, so that every request misses the
cache: they measure the search itself, side by side with the floor run on
the same term lists. Their "1 connection" rows send one request at a time
(`wrk -t1 -c1`): the latency of a request that misses the cache, without
the queueing of 32 connections on 2 cores.

    python3 bench/run_http.py --db /tmp/bench/c20k.db \
        --dossier build-bench/server/dossier --json /tmp/bench/http20k.json

Loopback only, every run bounded by -d. Needs wrk, nginx, cc, libsqlite3.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

NGINX_CONF = """
daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60;
    client_body_temp_path {prefix}/tmp;
    proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp;
    scgi_temp_path {prefix}/tmp;
    types {{ }}
    default_type "application/json; charset=utf-8";
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/www;
    }}
}}
"""

# A Lua script for wrk: GET /api/v1/articles/{id} over random ids.
RANDOM_ARTICLE_LUA = """
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/v1/articles/" .. math.random(1, {max_id}))
end
"""

# A Lua script for wrk: GET /articles?q= rotating through many different
# terms of one document-frequency band, each thread from its own point of
# the list, with a `_` parameter (ignored by the API) that makes every
# request a new cache key: the response cache cannot answer, so the figure
# is the cold search path. {terms} is a Lua list of URL-quoted terms.
ROTATING_SEARCH_LUA = """
local terms = {{{terms}}}
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local n = 0
request = function()
  n = n + 1
  local t = terms[((n + (tid or 0) * 7919) % #terms) + 1]
  return wrk.format("GET", "/api/v1/articles?q=" .. t ..
                    "&_=" .. (tid or 0) .. "-" .. n)
end
"""


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def rss_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def cpu_s(pid):
    """User + system CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_http(url, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read()
        except OSError:
            time.sleep(0.2)
    raise SystemExit("run_http: %s did not answer" % url)


def settle(base, seconds=120):
    """Wait until the server has drained the requests wrk left queued."""
    end = time.time() + seconds
    while time.time() < end:
        t0 = time.time()
        try:
            fetch(base + "/api/v1/health")
        except OSError:
            pass
        if time.time() - t0 < 0.05:
            return
        time.sleep(0.5)


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def to_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def wrk(url, args, script=None, connections=None):
    """wrk's figures for @url; @connections (one wrk thread) instead of
    the default load: 1 gives each request's own latency, no queueing."""
    cmd = ["wrk", "-t%d" % (1 if connections else args.wrk_threads),
           "-c%d" % (connections or args.connections),
           "-d%ds" % args.duration, "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    before = loadavg()
    out = subprocess.run(cmd + [url], capture_output=True, text=True,
                         timeout=args.duration + 30).stdout
    res = {"cmd": " ".join(cmd + [url]), "load_before": before,
           "load_after": loadavg()}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else 0.0
    for pct in ("50", "90", "99"):
        m = re.search(r"^\s+%s(?:\.000)?%%\s+(\S+)" % pct, out, re.M)
        res["p" + pct] = to_ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    res["socket_errors"] = m.group(1) if m else ""
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    return res


def pick_terms(db):
    """A rare term (0.3-2% of articles), a common one (20-40%), a phrase
    whose words are both common, and a prefix; chosen from the index."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.execute("CREATE VIRTUAL TABLE temp.v USING "
                "fts5vocab(main, articles_fts, row)")
    words = lambda lo, hi: [
        t for (t,) in con.execute(
            "SELECT term FROM temp.v WHERE doc >= ? AND doc <= ? "
            "AND length(term) >= 5 AND term GLOB '[a-z]*' "
            "AND term NOT GLOB '*[^a-z]*' ORDER BY doc DESC, term",
            (lo * n, hi * n))]
    rare = words(0.005, 0.02)
    common = words(0.20, 0.40)
    # The rotating rows take up to 400 terms spread over the whole band.
    spread = lambda ws: ws[::max(1, len(ws) // 400)][:400]
    df = lambda t: con.execute("SELECT doc FROM temp.v WHERE term = ?",
                               (t,)).fetchone()[0] / n
    # Deterministic picks from the middle of each band.
    r = rare[len(rare) // 2] if rare else "zzzz"
    c = common[len(common) // 2] if common else "said"
    row = con.execute("SELECT max(id) FROM articles").fetchone()
    max_id = row[0] or 1
    # The article compared with nginx: a body of about 2,600 bytes, so a
    # response of about 3 KB, the size the targets were set with.
    mid = con.execute("SELECT id FROM articles ORDER BY "
                      "abs(length(body) - 2600), id LIMIT 1").fetchone()[0]
    ent = con.execute("SELECT id FROM entities ORDER BY mention_count DESC, "
                      "id LIMIT 1").fetchone()
    grp = con.execute("SELECT id FROM claim_groups ORDER BY source_count DESC, "
                      "id LIMIT 1").fetchone()
    src = con.execute("SELECT source FROM articles WHERE source IS NOT NULL "
                      "GROUP BY source ORDER BY count(*) DESC, source "
                      "LIMIT 1").fetchone()
    info = {"articles": n, "max_id": max_id, "article_id": mid,
            "top_source": src[0] if src else "Reuters",
            "rare": r, "rare_df": df(r), "common": c, "common_df": df(c),
            "rare_terms": spread(rare) or [r],
            "common_terms": spread(common) or [c],
            "top_entity": ent[0] if ent else 1,
            "top_group": grp[0] if grp else 1}
    con.close()
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--dossier", default=os.path.join(
        HERE, "..", "build-bench", "server", "dossier"))
    ap.add_argument("--port", type=int, default=18480,
                    help="dossier's port (0: a free one)")
    ap.add_argument("--nginx-port", type=int, default=18481,
                    help="nginx's port (0: a free one)")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2,
                    help="dossier worker threads and floor threads")
    ap.add_argument("--floor-query", choices=("new", "old"), default="new",
                    help="fts_floor's query: the server's (new) or the one "
                    "before issue 8 (old, to go with an old server binary)")
    ap.add_argument("--only", default="",
                    help="comma list of row names to run (default all)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    for tool in ("wrk", "nginx", "cc"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            raise SystemExit("run_http: %s not installed" % tool)

    args.port = args.port or free_port()
    args.nginx_port = args.nginx_port or free_port()
    info = pick_terms(args.db)
    print("corpus: %s" % json.dumps(
        {k: v for k, v in info.items() if not k.endswith("_terms")}),
        file=sys.stderr)
    tmp = tempfile.mkdtemp(prefix="dossier-bench-")
    os.chmod(tmp, 0o755)  # nginx workers drop privileges
    floor = os.path.join(tmp, "fts_floor")
    server_src = os.path.join(HERE, "..", "server")
    subprocess.run(["cc", "-O2", "-I", server_src, "-o", floor,
                    os.path.join(HERE, "fts_floor.c")] +
                   [os.path.join(server_src, f) for f in (
                       "db/db_snippet.c", "core/alloc.c", "core/buf.c")] +
                   ["-lsqlite3", "-lpthread"], check=True)

    env = dict(os.environ, DOSSIER_LOG_ACCESS_LOG="false",
               DOSSIER_LOG_LEVEL="warn")
    base = "http://127.0.0.1:%d" % args.port
    server = subprocess.Popen(
        [args.dossier, "serve", "--db", args.db, "--listen",
         "127.0.0.1:%d" % args.port, "--threads", str(args.threads),
         "--read-only"], env=env, stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(tmp, "serve.log"), "w"))
    nginx = None
    try:
        wait_http(base + "/api/v1/health")
        # nginx serves the very bytes dossier answers for the article.
        os.makedirs(os.path.join(tmp, "www", "api", "v1", "articles"))
        os.makedirs(os.path.join(tmp, "tmp"))
        body = fetch("%s/api/v1/articles/%d" % (base, info["article_id"]))
        with open(os.path.join(tmp, "www", "api", "v1", "articles",
                               str(info["article_id"])), "wb") as f:
            f.write(body)
        info["article_bytes"] = len(body)
        with open(os.path.join(tmp, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(prefix=tmp, port=args.nginx_port))
        nginx = subprocess.Popen(
            ["nginx", "-p", tmp, "-c", os.path.join(tmp, "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ngx = "http://127.0.0.1:%d" % args.nginx_port
        if wait_http("%s/api/v1/articles/%d" % (ngx, info["article_id"])) \
                != body:
            raise SystemExit("run_http: nginx does not serve the same bytes")
        lua = os.path.join(tmp, "random_article.lua")
        with open(lua, "w") as f:
            f.write(RANDOM_ARTICLE_LUA.format(max_id=info["max_id"]))
        # Term lists for the rotating rows and for the floor (one FTS5
        # expression a line, as core/ftsq.c builds it: q=oil -> "oil").
        rot = {}
        for key in ("rare", "common"):
            rot[key] = os.path.join(tmp, "%s_terms.lua" % key)
            with open(rot[key], "w") as f:
                f.write(ROTATING_SEARCH_LUA.format(terms=", ".join(
                    '"%s"' % urllib.parse.quote(t)
                    for t in info[key + "_terms"])))
            with open(os.path.join(tmp, "%s_terms.txt" % key), "w") as f:
                f.write("".join('"%s"\n' % t for t in info[key + "_terms"]))

        q = urllib.parse.quote
        phrase, info["phrase_df"] = pick_phrase(args.db)
        info["phrase"] = phrase
        rows = [
            ("nginx article (same bytes)",
             "%s/api/v1/articles/%d" % (ngx, info["article_id"]), None),
            ("GET article", "%s/api/v1/articles/%d" %
             (base, info["article_id"]), None),
            ("GET article, random ids", base + "/", lua),
            ("list articles", base + "/api/v1/articles", None),
            ("search rare: %s" % info["rare"],
             "%s/api/v1/articles?q=%s" % (base, q(info["rare"])), None),
            ("search common: %s" % info["common"],
             "%s/api/v1/articles?q=%s" % (base, q(info["common"])), None),
            ("search rare, %d different terms" % len(info["rare_terms"]),
             base + "/", rot["rare"]),
            ("search common, %d different terms" % len(info["common_terms"]),
             base + "/", rot["common"]),
            # The same, one request at a time: the latency of a request
            # that misses the cache, without waiting behind 31 others.
            ("search rare, %d different terms, 1 connection" %
             len(info["rare_terms"]), base + "/", rot["rare"], 1),
            ("search common, %d different terms, 1 connection" %
             len(info["common_terms"]), base + "/", rot["common"], 1),
            ("search phrase: %s" % phrase,
             "%s/api/v1/articles?q=%s" % (base, q(phrase)), None),
            ("search prefix: %s*" % info["common"][:4],
             "%s/api/v1/articles?q=%s" % (base, q(info["common"][:4] + "*")),
             None),
            ("entities list", base + "/api/v1/entities", None),
            ("entity detail (top entity)",
             "%s/api/v1/entities/%d" % (base, info["top_entity"]), None),
            ("claim groups", base + "/api/v1/claim-groups", None),
            ("claim group detail (largest)",
             "%s/api/v1/claim-groups/%d" % (base, info["top_group"]), None),
            ("timeline", base + "/api/v1/timeline", None),
            ("claims list", base + "/api/v1/claims", None),
            ("sources", base + "/api/v1/sources", None),
            ("timeline volume", base + "/api/v1/timeline/volume", None),
            ("entities of the largest outlet",
             "%s/api/v1/entities?source=%s" % (base, q(info["top_source"])),
             None),
            ("search common by date: %s" % info["common"],
             "%s/api/v1/articles?q=%s&sort=-published" %
             (base, q(info["common"])), None),
        ]
        only = [s for s in args.only.split(",") if s]
        results = []
        for name, url, script, *conns in rows:
            if only and not any(name.startswith(o) for o in only):
                continue
            # One request first: the response size, and a warm cache.
            try:
                size, single_ms = None, None
                if not script:
                    t0 = time.time()
                    size = len(fetch(url))
                    single_ms = (time.time() - t0) * 1e3
            except OSError as e:
                print("run_http: %s: %s" % (name, e), file=sys.stderr)
                size, single_ms = None, None
            cpu0 = cpu_s(server.pid)
            r = wrk(url, args, script, *conns)
            # The server's CPU per answer: steadier than req/s when others
            # share the machine (it does not count wrk's own CPU).
            r["cpu_ms_per_req"] = (cpu_s(server.pid) - cpu0) * 1e3 / \
                max(r["requests"], 1)
            if server.poll() is not None:
                with open(os.path.join(tmp, "serve.log")) as f:
                    tail = f.read()[-2000:]
                raise SystemExit("run_http: dossier exited with %s during %r; "
                                 "its log ends with:\n%s" %
                                 (server.returncode, name, tail))
            settle(base)
            r["name"] = name
            r["bytes"] = size
            r["single_ms"] = single_ms
            r["rss_kb"] = rss_kb(server.pid)
            results.append(r)
            print("%-40s %9.0f req/s  p99 %7.2f ms  %6.3f CPU ms/req  "
                  "load %s" % (name, r["rps"], r["p99"] or -1,
                               r["cpu_ms_per_req"], r["load_after"]),
                  file=sys.stderr)
        # The floor: the same FTS5 queries without HTTP, on the same cores.
        # "rare" and "common" repeat one term; "rare, N terms" and
        # "common, N terms" rotate through the lists the wrk rows use.
        floors = {}
        if not only or any(o.startswith("floor") for o in only):
            for key, match in (
                    ("rare", '"%s"' % info["rare"]),
                    ("common", '"%s"' % info["common"]),
                    ("rare, %d terms" % len(info["rare_terms"]),
                     "@" + os.path.join(tmp, "rare_terms.txt")),
                    ("common, %d terms" % len(info["common_terms"]),
                     "@" + os.path.join(tmp, "common_terms.txt"))):
                before = loadavg()
                out = subprocess.run(
                    [floor, args.db, match, str(args.threads),
                     str(args.duration),
                     "21" if args.floor_query == "old" else "20",
                     args.floor_query], capture_output=True, text=True,
                    check=True).stdout
                vals = dict(l.split("=") for l in out.split())
                floors[key] = {k: float(v) for k, v in vals.items()}
                floors[key]["match"] = match if match[0] != "@" else \
                    "%s (rotating)" % key
                floors[key]["load_before"] = before
                floors[key]["load_after"] = loadavg()
                print("floor %-34s list %8.0f q/s  list+count %8.0f q/s  "
                      "%6.3f CPU ms/q  load %s" % (
                          key, floors[key]["list_qps"],
                          floors[key]["request_qps"],
                          floors[key].get("request_cpu_us", 0) / 1e3,
                          loadavg()), file=sys.stderr)
        info["rss_kb"] = rss_kb(server.pid)
        record = {"info": info, "results": results, "floor": floors,
                  "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        print_table(record)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(record, f, indent=1)
    finally:
        for p in (server, nginx):
            if p:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_phrase(db):
    """The first of a few common news bigrams that occurs in the corpus,
    with the share of articles it matches."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    for a, b in PHRASES:
        hits = con.execute("SELECT count(*) FROM articles_fts WHERE "
                           "articles_fts MATCH ?", ('"%s %s"' % (a, b),)
                           ).fetchone()[0]
        if hits:
            break
    con.close()
    return '"%s %s"' % (a, b), hits / max(n, 1)


PHRASES = (("prime", "minister"), ("interest", "rates"), ("oil", "prices"))


def print_table(record):
    info = record["info"]
    print("| endpoint | req/s | server CPU ms/req | p50 ms | p99 ms | "
          "one request ms | bytes | non-2xx | load avg (after) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in record["results"]:
        print("| %s | %.0f | %.3f | %.2f | %.2f | %s | %s | %d | %s |" %
              (r["name"], r["rps"], r.get("cpu_ms_per_req", -1),
               r["p50"] or -1, r["p99"] or -1,
               "%.1f" % r["single_ms"] if r["single_ms"] else "-",
               r["bytes"] if r["bytes"] is not None else "-", r["non2xx"],
               r["load_after"]))
    for key, f in record["floor"].items():
        print("| floor (no HTTP) %s `%s` | %.0f (list+count) / %.0f (list) | "
              "%.3f (list+count) | | | | | | %s |" % (
                  key, f["match"], f["request_qps"], f["list_qps"],
                  f.get("request_cpu_us", -1e3) / 1e3, f["load_after"]))
    print("\nserver RSS: %s kB (anon %s, file-backed %s), peak %s kB; "
          "articles %d; rare %r in %.1f%%, common %r in %.1f%% of articles" %
          (info["rss_kb"].get("VmRSS"), info["rss_kb"].get("RssAnon"),
           info["rss_kb"].get("RssFile"), info["rss_kb"].get("VmHWM"),
           info["articles"], info["rare"], 100 * info["rare_df"],
           info["common"], 100 * info["common_df"]))


if __name__ == "__main__":
    sys.exit(main())
