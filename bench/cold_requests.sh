#!/bin/sh
# cold_requests.sh - time requests to a new server on a cold page cache.
#
#   bench/cold_requests.sh DOSSIER DB PORT PATH...
#
# Drops the kernel's page cache (root only; otherwise says so and goes on
# warm), starts `DOSSIER serve --db DB --read-only --threads 2` on
# 127.0.0.1:PORT, asks for each PATH (e.g. /api/v1/claim-groups?limit=20)
# once, in order, and prints the status and time of each. A benchmark, not
# a test: it prints figures and stops the server.
set -eu

if [ $# -lt 4 ]; then
    echo "usage: $0 DOSSIER DB PORT PATH..." >&2
    exit 2
fi
bin=$1 db=$2 port=$3
shift 3

sync
if ! echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then
    echo "cannot drop the page cache (not root?): timings are warm" >&2
fi
log=$(mktemp)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --read-only \
    --threads 2 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
up=0
for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health"; then
        up=1
        break
    fi
    sleep 0.2
done
if [ $up = 0 ]; then
    echo "the server did not start:" >&2
    cat "$log" >&2
    exit 1
fi
for path in "$@"; do
    curl -s -o /dev/null -w "%{http_code} %{time_total}s $path\n" \
        "http://127.0.0.1:$port$path"
done
