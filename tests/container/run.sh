#!/usr/bin/env bash
# run.sh - build the repository's Dockerfile with podman and check the
# image: it serves the sample corpus as a non-root user, answers the API
# on a published loopback port, its HEALTHCHECK passes (also under a
# base_path), writes persist in the /data volume across a restart, and
# SIGTERM (docker/podman stop) exits 0. Output is TAP.
#
# No Docker engine or registry is needed: the debian:bookworm-slim base
# image is made with debootstrap and imported (docs: CONTAINER.md). All
# podman state (images, containers, volumes) lives in a temporary
# directory that is removed at the end.
#
# Opt-in, it takes minutes:  DOSSIER_CONTAINER_TESTS=1 tests/container/run.sh
# Needs root, podman, runc, debootstrap, curl, python3.
#   DOSSIER_CONTAINER_BASE=FILE.tar  reuse (or, if missing, save) the
#                                    debootstrap root file system tarball
#   DOSSIER_CONTAINER_MIRROR=URL     Debian mirror (default: apt's)
#   DOSSIER_CONTAINER_CONTEXT=DIR    build context (default: this tree)
#   DOSSIER_CONTAINER_KEEP=1         keep the temporary directory
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
context=${DOSSIER_CONTAINER_CONTEXT:-$root}
skip() {
    echo "1..0 # SKIP $*"
    echo "container test skipped: $*" >&2
    exit 77
}

[[ ${DOSSIER_CONTAINER_TESTS:-0} == 1 ]] ||
    skip "opt-in: set DOSSIER_CONTAINER_TESTS=1 (takes minutes)"
[[ $(id -u) == 0 ]] || skip "needs root (rootful podman)"
for tool in podman runc debootstrap curl python3 tar; do
    command -v "$tool" >/dev/null || skip "$tool is not installed" \
        "(apt-get install podman buildah runc debootstrap" \
        "containernetworking-plugins netavark aardvark-dns iptables)"
done

# --- TAP ------------------------------------------------------------------

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check NAME COMMAND... : a test point from a command's status
    local name=$1
    shift
    if "$@" >"$tmp/check.out" 2>&1; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/# /' "$tmp/check.out" | tail -n 20
    fi
}
diag() { echo "# $*"; }
bail() {
    echo "Bail out! $*"
    exit 1
}
seconds() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(seconds)"; }

# --- a private podman ----------------------------------------------------

tmp=$(mktemp -d /tmp/dossier-container.XXXXXX)
tag=dossier-test-$$
image=localhost/$tag:latest
names=()

cat >"$tmp/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$tmp/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$tmp/storage"
runroot = "$tmp/run"
EOF
export CONTAINERS_CONF=$tmp/containers.conf
export CONTAINERS_STORAGE_CONF=$tmp/storage.conf
export DISABLE_HC_SYSTEMD=true
pod() { podman --tmpdir "$tmp/libpod" "$@"; }

cleanup() {
    for name in "${names[@]}"; do
        pod rm -f -t 0 "$name" >/dev/null 2>&1
    done
    pod volume rm -f "$tag-data" >/dev/null 2>&1
    pod rmi -a -f >/dev/null 2>&1
    # Layers podman left mounted under the temporary storage.
    grep -o " $tmp/[^ ]*" /proc/mounts | sort -r | xargs -r -n 1 umount -l
    if [[ ${DOSSIER_CONTAINER_KEEP:-0} == 1 ]]; then
        echo "# kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 1. the base image ---------------------------------------------------

t_all=$(seconds)
t0=$(seconds)
base=${DOSSIER_CONTAINER_BASE:-}
if [[ -n $base && -s $base ]]; then
    diag "base root file system from $base"
else
    mirror=${DOSSIER_CONTAINER_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' \
        /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}
    mirror=${mirror:-http://deb.debian.org/debian}
    if ! debootstrap --variant=minbase bookworm "$tmp/rootfs" "$mirror" \
        >"$tmp/debootstrap.log" 2>&1; then
        tail -n 20 "$tmp/debootstrap.log" | sed 's/^/# /'
        bail "debootstrap failed (mirror $mirror)"
    fi
    # Slim it as the real bookworm-slim is: no docs, locales, apt lists.
    rm -rf "$tmp"/rootfs/usr/share/{doc,man,info,locale}/* \
        "$tmp"/rootfs/var/lib/apt/lists/* "$tmp"/rootfs/var/cache/apt/*.bin
    base=${base:-$tmp/rootfs.tar}
    tar --numeric-owner -C "$tmp/rootfs" -cf "$base" . || bail "tar failed"
    rm -rf "$tmp/rootfs"
fi
pod import --change 'CMD ["bash"]' "$base" \
    docker.io/library/debian:bookworm-slim >/dev/null ||
    bail "podman import failed"
[[ $base == "$tmp/rootfs.tar" ]] && rm -f "$base"
diag "base image: $(elapsed "$t0") s"

# --- 2. build --------------------------------------------------------------

t0=$(seconds)
if pod build --format docker --pull=never -t "$image" \
    -f "$context/Dockerfile" "$context" >"$tmp/build.log" 2>&1; then
    ok "podman build of the Dockerfile (build stage runs the test suite)"
else
    not_ok "podman build of the Dockerfile ($(elapsed "$t0") s)"
    grep -E 'FAIL|ERROR|error:|not ok' "$tmp/build.log" | head -n 40 |
        sed 's/^/# /'
    tail -n 15 "$tmp/build.log" | sed 's/^/# /'
    bail "no image"
fi
diag "build: $(elapsed "$t0") s"
size=$(pod image inspect --format '{{.Size}}' "$image")
diag "image size: $((size / 1000000)) MB"

hc=$(pod image inspect --format '{{json .Config.Healthcheck}}' "$image" 2>/dev/null)
[[ -z $hc || $hc == null ]] &&
    hc=$(pod image inspect --format '{{json .HealthCheck}}' "$image" 2>/dev/null)
check "image keeps its HEALTHCHECK (docker format)" \
    test -n "$hc" -a "$hc" != null -a "$hc" != '{}'
user=$(pod image inspect --format '{{.Config.User}}' "$image" 2>/dev/null)
check "image runs as a non-root user ($user)" \
    test -n "$user" -a "$user" != root -a "$user" != 0

# --- 3. run -----------------------------------------------------------------

token=container-test-token
wait_health() { # wait_health URL: until it answers 200, up to 60 s
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
        sleep 0.5
    done
    return 1
}
json_field() { # json_field JSON EXPR: print a Python expression over doc
    python3 -c 'import json, sys; doc = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}
start() { # start NAME PORT ENV...: a detached container with the volume
    local name=$1 port=$2
    shift 2
    names+=("$name")
    pod run -d --name "$name" -p "127.0.0.1:$port:8080" \
        -v "$tag-data:/data" -e "DOSSIER_SECURITY_WRITE_TOKEN=$token" \
        "$@" "$image" >/dev/null
}

t0=$(seconds)
port=$(free_port)
url=http://127.0.0.1:$port
check "podman run -d -p 127.0.0.1:$port:8080" start "$tag-a" "$port"
if wait_health "$url/api/v1/health"; then
    ok "health answers on the published port ($(elapsed "$t0") s after run)"
else
    not_ok "health answers on the published port"
    pod logs "$tag-a" 2>&1 | tail -n 20 | sed 's/^/# /'
    bail "container does not serve"
fi

health=$(curl -fsS "$url/api/v1/health")
check "health is ok with the 5 sample articles" \
    test "$(json_field "$health" 'doc["status"], doc["articles"]')" == "('ok', 5)"
check "server process runs as uid 10001" \
    test "$(pod exec "$tag-a" sh -c 'stat -c %u /proc/1')" == 10001
check "database lives in /data" pod exec "$tag-a" test -s /data/dossier.db
search=$(curl -fsS "$url/api/v1/articles?q=putin&limit=2")
check "full-text search returns items" \
    test "$(json_field "$search" 'len(doc["items"]) > 0')" == True
for path in /api/v1/entities /api/v1/claims /api/v1/claim-groups \
    /api/v1/timeline /api/v1/sources /api/v1/openapi.json /metrics; do
    check "GET $path is 200" curl -fsS -o /dev/null "$url$path"
done
check "the search page and its assets are served" \
    sh -c "curl -fsS -H 'Accept: text/html' '$url/' | grep -qi '<html'"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/nope")
check "unknown API path is 404 ($code)" test "$code" == 404
check "podman healthcheck run: healthy" pod healthcheck run "$tag-a"
code=$(curl -s -o "$tmp/post.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"title": "Container test", "source": "Test Wire", "published": "2022-01-10", "body": "Negotiators met in Geneva on Monday, officials said."}' \
    "$url/api/v1/articles")
check "POST with the token stores an article ($code)" test "$code" == 201

t0=$(seconds)
pod stop -t 20 "$tag-a" >/dev/null 2>&1
exit_code=$(pod inspect --format '{{.State.ExitCode}}' "$tag-a")
check "podman stop (SIGTERM) exits 0 (got $exit_code, $(elapsed "$t0") s)" \
    test "$exit_code" == 0
pod logs "$tag-a" >"$tmp/a.log" 2>&1
check "access log lines on stderr" grep -q '^.*access .* GET /api/v1/health 200' "$tmp/a.log"
pod rm "$tag-a" >/dev/null

# --- 4. restart on the same volume, under a base path -------------------

port=$(free_port)
url=http://127.0.0.1:$port
start "$tag-b" "$port" -e DOSSIER_SERVER_BASE_PATH=/news
if wait_health "$url/news/api/v1/health"; then
    ok "restarted under base_path /news"
    health=$(curl -fsS "$url/news/api/v1/health")
    check "the posted article persisted in the volume (6 articles)" \
        test "$(json_field "$health" 'doc["articles"]')" == 6
    check "podman healthcheck run honours DOSSIER_SERVER_BASE_PATH" \
        pod healthcheck run "$tag-b"
else
    not_ok "restarted under base_path /news"
    pod logs "$tag-b" 2>&1 | tail -n 20 | sed 's/^/# /'
fi
pod rm -f -t 20 "$tag-b" >/dev/null 2>&1

diag "total: $(elapsed "$t_all") s"
echo "1..$n"
exit $((failed > 0))
