#!/bin/sh
# run_ingest.sh - ingest a generated corpus with full extraction and report
# articles/s (wall and per CPU second), peak RSS, database size against the
# raw text size, and the load average before and after.
#
#   bench/run_ingest.sh COUNT [WORKDIR] [DOSSIER]
#
# Generates WORKDIR/cCOUNT.jsonl (bench/gen_corpus.py, seed 1) unless it
# exists, ingests it into a fresh WORKDIR/cCOUNT.db and prints one line per
# figure. DOSSIER_SQL_PROFILE=1 in the environment adds dossier's costliest
# statements (printed at exit) to WORKDIR/cCOUNT.ingest.log.
set -eu

count=${1:?usage: run_ingest.sh COUNT [WORKDIR] [DOSSIER]}
work=${2:-/tmp/dossier-bench}
here=$(cd "$(dirname "$0")" && pwd)
dossier=${3:-$here/../build-bench/server/dossier}
corpus=$here/../../shared/corpus

if [ ! -d "$corpus" ]; then
    echo "run_ingest: $corpus not found, skipping" >&2
    exit 0
fi
mkdir -p "$work"
src=$work/c$count.jsonl
db=$work/c$count.db
log=$work/c$count.ingest.log
[ -s "$src" ] || python3 "$here/gen_corpus.py" --count "$count" --out "$src"
rm -f "$db" "$db-wal" "$db-shm"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -f 'wall=%e user=%U sys=%S maxrss_kb=%M' -o "$work/time.txt" \
    "$dossier" ingest --db "$db" "$src" >"$log" 2>&1
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$src" "$db" "$work/time.txt" "$load_before" "$load_after" <<'EOF'
import json, os, sqlite3, sys
src, db, timef, before, after = sys.argv[1:]
t = dict(kv.split("=") for kv in open(timef).read().split())
raw = 0
for line in open(src, encoding="utf-8"):
    a = json.loads(line)
    raw += len((a.get("title") or "").encode()) + len(a["body"].encode())
con = sqlite3.connect(db)
n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.close()
size = os.path.getsize(db)
wall, cpu = float(t["wall"]), float(t["user"]) + float(t["sys"])
print("articles=%d wall_s=%.1f rate_wall=%.1f/s cpu_s=%.1f "
      "rate_per_cpu_s=%.1f/s maxrss_mb=%.0f" %
      (n, wall, n / wall, cpu, n / cpu, int(t["maxrss_kb"]) / 1024))
print("raw_text_mb=%.1f db_mb=%.1f ratio=%.2f" %
      (raw / 1e6, size / 1e6, size / raw))
print("load_before=%s load_after=%s" % (before, after))
EOF
