#!/bin/sh
# run.sh - the browser tests: start the real dossier server on the sample
# corpus in a temporary folder, once plainly (pages from static/) and once
# under --base-path /news (the pages built into the binary), and run the
# Playwright tests against each with Debian's chromium. Screenshots are
# kept in tests/browser/artifacts/. Exits 77 (skipped) when chromium or
# the npm packages are missing.
#
# usage: tests/browser/run.sh path/to/dossier [node --test options]

set -u
here=$(cd "$(dirname "$0")" && pwd)
static=$(cd "$here/../../static" && pwd)

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 path/to/dossier" >&2
    exit 2
fi
dossier=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

if [ ! -x "$CHROMIUM" ]; then
    echo "SKIP: no chromium at $CHROMIUM (apt-get install chromium)"
    exit 77
fi
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: node is not installed (apt-get install nodejs npm)"
    exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
    echo "SKIP: playwright-core is not installed (cd tests/browser && npm ci)"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-browser.XXXXXX")
server=
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null
        wait "$server" 2>/dev/null
        server=
    fi
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# start_server LABEL [serve options]: sets $server and $url.
start_server() {
    label=$1
    shift
    mkdir -p "$work/$label"
    port=$(node -e 'const s = require("net").createServer();
        s.listen(0, "127.0.0.1", () => { console.log(s.address().port);
                                         s.close(); });')
    (cd "$work/$label" && exec "$dossier" serve --listen "127.0.0.1:$port" \
        "$@" >"$work/$label.log" 2>&1) &
    server=$!
    url="http://127.0.0.1:$port$base/"
    if ! node -e '
        const deadline = Date.now() + 15000;
        (async function poll() {
          try {
            const res = await fetch(process.argv[1] + "api/v1/health");
            if (res.ok) process.exit(0);
          } catch (e) {}
          if (Date.now() > deadline) process.exit(1);
          setTimeout(poll, 100);
        })();' "$url"; then
        echo "the server did not start:" >&2
        cat "$work/$label.log" >&2
        exit 1
    fi
}

status=0
for label in plain news; do
    if [ "$label" = plain ]; then
        base=
        start_server plain --static "$static"
    else
        base=/news
        start_server news --base-path /news --static ""
    fi
    echo "# browser tests ($label) against $url"
    DOSSIER_URL=$url DOSSIER_LABEL=$label \
        node --test --test-reporter=tap --test-concurrency=1 "$@" \
        "$here"/*.test.mjs || status=1
    stop_server
done
exit $status
