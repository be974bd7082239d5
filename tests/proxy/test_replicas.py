#!/usr/bin/env python3
"""test_replicas.py - two read-only replicas of one snapshot behind nginx.

usage: test_replicas.py PATH/TO/dossier

The supported way to scale reads (README, "Scaling reads"): one writer
keeps the live database; `dossier snapshot` writes a consistent copy; N
stateless `dossier serve --read-only` replicas serve that copy behind the
reverse proxy. This test makes a snapshot of a live database (while it
can still be written), starts two replicas on the same snapshot file,
puts nginx in front of them with round-robin balancing, and checks that
every answer is the same whichever replica gave it, that both replicas
answer, and that writes are refused. Output is TAP; exits 77 when nginx
is not installed.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'hostile'))
from prodlib import (AUTH, JSON_TYPE, Response, Server, Tap,  # noqa: E402
                     free_port)

NGINX = shutil.which('nginx') or (
    '/usr/sbin/nginx' if os.access('/usr/sbin/nginx', os.X_OK) else None)

tap = Tap()
BINARY = sys.argv[1]
PATHS = ['/api/v1/articles?sort=id&limit=3', '/api/v1/articles/2',
         '/api/v1/articles?q=troops', '/api/v1/entities?limit=5',
         '/api/v1/claim-groups', '/api/v1/timeline?limit=5',
         '/api/v1/sources']


def fetch(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def start_nginx(ports):
    d = tempfile.mkdtemp(prefix='dossier-replicas-')
    port = free_port()
    servers = ''.join('        server 127.0.0.1:%d;\n' % p for p in ports)
    with open(os.path.join(d, 'nginx.conf'), 'w') as f:
        f.write('''daemon off;
master_process off;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log info;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    upstream replicas {
%(servers)s    }
    server {
        listen 127.0.0.1:%(port)d;
        location / {
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
''' % {'d': d, 'port': port, 'servers': servers})
    proc = subprocess.Popen([NGINX, '-p', d, '-c',
                             os.path.join(d, 'nginx.conf')],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            fetch(port, 'GET', '/api/v1/health')
            return proc, port, d
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError('nginx did not start')


def main():
    if not NGINX:
        tap.skip_all('nginx is not installed (apt-get install nginx)')
    with Server(BINARY) as live:
        snap = os.path.join(live.dir, 'snapshot.db')
        p = live.cli('snapshot', '--db', live.db, snap)
        tap.ok(p.returncode == 0 and os.path.exists(snap),
               'dossier snapshot writes a copy while the writer runs',
               p.stderr.decode(errors='replace'))
        p = live.cli('snapshot', '--db', live.db, snap)
        tap.ok(p.returncode != 0, 'a snapshot never overwrites a file')
        replicas = [Server(BINARY, args=['--read-only'], sample=False,
                           start=False) for _ in range(2)]
        proc = None
        try:
            for r in replicas:
                r.db = snap
                r.start()
            proc, port, ndir = start_nginx([r.port for r in replicas])
            for path in PATHS:
                direct = [r.get(path).body for r in replicas]
                via = [fetch(port, 'GET', path).body for _ in range(6)]
                tap.ok(len(set(direct + via)) == 1 and
                       json.loads(via[0]) is not None,
                       '%s: the same answer from every replica' % path)
            served = [sum(1 for line in r.access_lines()
                          if ' GET /api/v1/' in line) for r in replicas]
            tap.ok(all(n >= 6 for n in served),
                   'nginx spreads the requests over both replicas', served)
            res = fetch(port, 'POST', '/api/v1/articles',
                        dict(AUTH, **{'Content-Type': JSON_TYPE}),
                        body=b'{"body": "A new article."}')
            tap.ok(res.status == 403 and
                   res.json()['error']['code'] == 'writes_disabled',
                   'replicas refuse writes (403 writes_disabled)', res.status)
            health = [json.loads(r.get('/api/v1/health').body)['articles']
                      for r in replicas]
            tap.eq(health, [5, 5], 'both replicas hold the snapshot')
            tap.ok(not any(os.path.exists(snap + s) for s in ('-wal',
                                                               '-journal')),
                   'serving leaves the snapshot file untouched')
        finally:
            if proc:
                proc.terminate()
                proc.wait()
                shutil.rmtree(ndir, ignore_errors=True)
            for r in replicas:
                tap.eq(r.stop(), 0, 'a replica stops cleanly on SIGTERM')
                r.close()
    tap.done()


if __name__ == '__main__':
    main()
