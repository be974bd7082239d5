#!/usr/bin/env python3
"""test_proxy.py - dossier behind nginx under /news/, with deploy/nginx.conf.

usage: test_proxy.py PATH/TO/dossier

Runs the example config (only its ports changed, and nginx made to
connect from 127.0.0.2) in a foreground nginx with a temporary prefix, in
front of `dossier serve` with base_path /news, all on loopback. Checks
that every API path, every page and every asset or module the pages link
work through the proxy (paging, writes, errors, ETag/304, gzip, HEAD
included), and that X-Forwarded-For reaches the access log only when the
peer is in trusted_proxies: clients connect from 127.0.0.5, nginx from
127.0.0.2. Output is TAP; exits 77 when nginx is not installed.
"""

import gzip
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'hostile'))
from prodlib import (AUTH, JSON_TYPE, ROOT, Response, Server,  # noqa: E402
                     Tap, envelope_problem, free_port)

tap = Tap()
if len(sys.argv) < 2:
    sys.exit('usage: %s PATH/TO/dossier' % sys.argv[0])
BINARY = sys.argv[1]
NGINX = shutil.which('nginx') or (
    '/usr/sbin/nginx' if os.access('/usr/sbin/nginx', os.X_OK) else None)
if not NGINX:
    tap.skip_all('nginx is not installed (apt-get install nginx)')

CLIENT = '127.0.0.5'     # where test clients connect from
PROXY = '127.0.0.2'      # where nginx connects to dossier from
PREFIX = '/news'


def fetch(port, method, path, headers=None, body=None, source=CLIENT):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30,
                                      source_address=(source, 0))
    try:
        conn.putrequest(method, path, skip_host=False,
                        skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader('Content-Length', str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


class Nginx:
    """A foreground nginx running deploy/nginx.conf on a temporary prefix."""

    def __init__(self, upstream_port):
        self.dir = tempfile.mkdtemp(prefix='dossier-nginx-')
        self.port = free_port()
        with open(ROOT / 'deploy' / 'nginx.conf') as f:
            site = f.read()
        site = site.replace('server 127.0.0.1:8080;',
                            'server 127.0.0.1:%d;' % upstream_port)
        site = site.replace('listen 80;', 'listen 127.0.0.1:%d;' % self.port)
        site = site.replace('proxy_pass http://dossier;',
                            'proxy_pass http://dossier;\n'
                            '        proxy_bind %s;' % PROXY)
        with open(os.path.join(self.dir, 'site.conf'), 'w') as f:
            f.write(site)
        d = self.dir
        with open(os.path.join(d, 'nginx.conf'), 'w') as f:
            f.write('''daemon off;
master_process off;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log info;
events { worker_connections 512; }
http {
    access_log %(d)s/access.log;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    include %(d)s/site.conf;
}
''' % {'d': d})
        self.proc = subprocess.Popen(
            [NGINX, '-p', d, '-c', os.path.join(d, 'nginx.conf')],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(
                d, 'stderr.log'), 'wb'))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('nginx exited: ' + self.errors())
            try:
                fetch(self.port, 'GET', '/nothing')
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError('nginx did not start: ' + self.errors())

    def errors(self):
        out = ''
        for name in ('stderr.log', 'error.log'):
            try:
                with open(os.path.join(self.dir, name)) as f:
                    out += f.read()
            except OSError:
                pass
        return out[-3000:]

    def get(self, path, headers=None, source=CLIENT):
        return fetch(self.port, 'GET', path, headers, source=source)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def logged_client(server, request_id):
    """The client address dossier logged for the request @request_id."""
    for _ in range(50):
        for line in server.access_lines():
            m = re.search(r' access (\S+) .* id=(\S+)', line)
            if m and m.group(2) == request_id:
                return m.group(1)
        time.sleep(0.02)
    return None


# --- pages and assets --------------------------------------------------------

LINK = re.compile(r'''(?:href|src)="([^"#]+)"''')
IMPORT = re.compile(r'''(?:from|import)\s*['"](\.{1,2}/[^'"]+)['"]''')


def pages(ng):
    res = ng.get(PREFIX)
    tap.ok(res.status in (301, 302) and
           (res.header('Location') or '').endswith(PREFIX + '/'),
           'GET /news redirects to /news/', repr(res))
    html = {'Accept': 'text/html'}
    res = ng.get(PREFIX + '/', html)
    tap.ok(res.status == 200 and b'<html' in res.body.lower(),
           'GET /news/ is the page', repr(res))
    shell = res.body.decode('utf-8', 'replace')
    base = re.search(r'<base href="([^"]*)"', shell)
    tap.eq(base.group(1) if base else None, PREFIX + '/',
           'the page shell says <base href="/news/">')
    base_url = base.group(1) if base else PREFIX + '/'
    links = sorted(set(LINK.findall(shell)))
    tap.ok(len(links) > 5, 'the page links %d URLs' % len(links))
    bad = []
    modules = []
    for link in links:
        url = urllib.parse.urljoin(base_url, link)
        if not url.startswith(PREFIX + '/'):
            bad.append('%s resolves outside the prefix: %s' % (link, url))
            continue
        r = ng.get(url, html if not re.search(r'\.\w+$', link) else None)
        if r.status != 200:
            bad.append('%s -> %d' % (url, r.status))
        if url.endswith('.js'):
            modules.append(url)
    # ES modules import each other relatively: follow every import.
    done = set()
    while modules:
        url = modules.pop()
        if url in done:
            continue
        done.add(url)
        r = ng.get(url)
        if r.status != 200:
            bad.append('%s -> %d' % (url, r.status))
            continue
        ctype = r.header('Content-Type') or ''
        if 'javascript' not in ctype:
            bad.append('%s: Content-Type %s' % (url, ctype))
        for imp in IMPORT.findall(r.body.decode('utf-8', 'replace')):
            modules.append(urllib.parse.urljoin(url, imp))
    tap.ok(not bad, 'every link of the page and every module import (%d '
           'modules) answers 200 through nginx' % len(done), *bad)
    css = ng.get(PREFIX + '/css/dossier.css')
    tap.ok(css.status == 200 and 'text/css' in (css.header('Content-Type')
                                                or ''),
           'stylesheet is text/css through nginx', repr(css))
    for page in ('/search?q=putin', '/articles/1', '/claims', '/timeline',
                 '/entities/1'):
        r = ng.get(PREFIX + page, html)
        tap.ok(r.status == 200 and b'<base href="/news/">' in r.body,
               'clean URL %s: the page shell with the prefix' % page,
               repr(r))
        tap.ok(r.header('Content-Security-Policy') is not None,
               'clean URL %s: Content-Security-Policy header' % page)


# --- the API -------------------------------------------------------------------

def api(ng, server):
    health = ng.get(PREFIX + '/api/v1/health')
    tap.ok(health.status == 200 and health.json()['status'] == 'ok',
           'health through nginx', repr(health))
    arts = ng.get(PREFIX + '/api/v1/articles?limit=2').json()
    ent = ng.get(PREFIX + '/api/v1/entities?limit=1').json()['items'][0]
    claim = ng.get(PREFIX + '/api/v1/claims?limit=1').json()['items'][0]
    groups = ng.get(PREFIX + '/api/v1/claim-groups?limit=1').json()['items']
    aid = arts['items'][0]['id']
    paths = [
        '/api/v1/articles', '/api/v1/articles?q=troops+border&limit=3',
        '/api/v1/articles/%d' % aid, '/api/v1/articles/%d/annotations' % aid,
        '/api/v1/entities?type=person&q=put', '/api/v1/entities/%d' %
        ent['id'], '/api/v1/entities/%d/articles' % ent['id'],
        '/api/v1/claims?kind=quote', '/api/v1/claims/%d' % claim['id'],
        '/api/v1/claim-groups', '/api/v1/timeline?precision=day',
        '/api/v1/timeline/volume?interval=week', '/api/v1/sources',
        '/api/v1/openapi.json',
    ]
    if groups:
        paths.append('/api/v1/claim-groups/%d' % groups[0]['id'])
    bad = []
    for p in paths:
        r = ng.get(PREFIX + p)
        if r.status != 200 or r.header('Content-Type') != JSON_TYPE:
            bad.append('%s -> %d %s' % (p, r.status, r.body[:100]))
        else:
            direct = server.get(PREFIX + p)
            if direct.body != r.body:
                bad.append('%s: differs from the direct answer' % p)
    tap.ok(not bad, 'all %d GET endpoints answer through nginx, as '
           'directly' % len(paths), *bad)
    r = ng.get(PREFIX + '/metrics', source='127.0.0.1')
    tap.ok(r.status == 200 and b'dossier_' in r.body,
           '/news/metrics from inside (127.0.0.1)', repr(r))
    r = ng.get(PREFIX + '/metrics')
    tap.eq(r.status, 403, '/news/metrics from elsewhere is refused by nginx')
    # Paging with the cursor, through the proxy.
    nxt = arts.get('next_cursor')
    r = ng.get(PREFIX + '/api/v1/articles?limit=2&cursor=' +
               urllib.parse.quote(nxt or ''))
    tap.ok(nxt and r.status == 200 and
           r.json()['items'][0]['id'] not in [a['id'] for a in
                                              arts['items']],
           'the next page through nginx', repr(r))
    # ETag / 304, gzip, HEAD.
    r = ng.get(PREFIX + '/api/v1/articles/%d' % aid)
    etag = r.header('ETag')
    r2 = ng.get(PREFIX + '/api/v1/articles/%d' % aid,
                {'If-None-Match': etag or '"none"'})
    tap.ok(etag and r2.status == 304, 'ETag and 304 through nginx',
           'etag %r, then %r' % (etag, r2))
    r = ng.get(PREFIX + '/api/v1/openapi.json', {'Accept-Encoding': 'gzip'})
    ok = r.status == 200 and r.header('Content-Encoding') == 'gzip'
    if ok:
        json.loads(gzip.decompress(r.body))
    tap.ok(ok, 'gzip passes through nginx', repr(r.headers))
    r = fetch(ng.port, 'HEAD', PREFIX + '/api/v1/sources')
    tap.ok(r.status == 200 and r.body == b'', 'HEAD through nginx', repr(r))
    # Writes and errors.
    body = json.dumps({'title': 'Proxy test', 'source': 'Test Wire',
                       'published': '2022-01-10',
                       'body': 'Negotiators met in Geneva on Monday and '
                               'spoke for eight hours.'}).encode()
    h = dict(AUTH)
    h['Content-Type'] = 'application/json'
    r = fetch(ng.port, 'POST', PREFIX + '/api/v1/articles', h, body)
    tap.eq(r.status, 201, 'POST through nginx')
    new_id = r.json()['created'][0] if r.status == 201 else 0
    r = fetch(ng.port, 'DELETE', PREFIX + '/api/v1/articles/%d' % new_id, AUTH)
    tap.eq(r.status, 204, 'DELETE through nginx')
    r = fetch(ng.port, 'POST', PREFIX + '/api/v1/articles',
              {'Content-Type': 'application/json'}, body)
    tap.ok(envelope_problem(r, 401, 'unauthorized') is None,
           'POST without a token: 401 envelope through nginx',
           envelope_problem(r, 401) or '')
    big = b'{"body": "' + b'x' * 70000 + b'"}'
    r = fetch(ng.port, 'POST', PREFIX + '/api/v1/articles', h, big)
    tap.ok(envelope_problem(r, 413, 'body_too_large') is None,
           'a body over max_body_bytes: dossier\'s 413 envelope through nginx',
           envelope_problem(r, 413) or '')
    r = ng.get(PREFIX + '/api/v1/nope')
    tap.ok(envelope_problem(r, 404, 'not_found') is None,
           '404 envelope through nginx', envelope_problem(r, 404) or '')
    r = fetch(ng.port, 'PUT', PREFIX + '/api/v1/articles', None, b'')
    tap.ok(envelope_problem(r, 405, 'method_not_allowed') is None and
           r.header('Allow'), '405 with Allow through nginx', repr(r))
    r = ng.get(PREFIX + '/api/v1/articles?limit=1000')
    tap.ok(envelope_problem(r, 400, 'invalid_parameter') is None,
           '400 envelope through nginx', envelope_problem(r, 400) or '')
    r = server.get('/api/v1/health')
    tap.eq(r.status, 404, 'outside the prefix dossier answers 404')


# --- X-Forwarded-For and trusted_proxies -----------------------------------------

def forwarded(ng, server, trusted):
    def via_nginx(headers=None):
        r = ng.get(PREFIX + '/api/v1/health', headers)
        return logged_client(server, r.header('X-Request-Id'))

    def direct(source, xff):
        r = fetch(server.port, 'GET', PREFIX + '/api/v1/health',
                  {'X-Forwarded-For': xff}, source=source)
        return logged_client(server, r.header('X-Request-Id'))

    if trusted:
        tap.eq(via_nginx(), CLIENT, 'trusted nginx: the log shows the '
               'client address from X-Forwarded-For')
        tap.eq(via_nginx({'X-Forwarded-For': '203.0.113.9'}), CLIENT,
               'trusted nginx: a client-made X-Forwarded-For is not believed')
        tap.eq(direct(CLIENT, '203.0.113.9'), CLIENT,
               'X-Forwarded-For from an untrusted peer is ignored')
        tap.eq(direct(PROXY, '198.51.100.7'), '198.51.100.7',
               'X-Forwarded-For from a trusted peer is used')
        tap.eq(direct(PROXY, 'not-an-address'), PROXY,
               'an unusable X-Forwarded-For falls back to the peer')
    else:
        tap.eq(via_nginx(), PROXY, 'no trusted_proxies: the log shows '
               'nginx\'s address, not X-Forwarded-For')
        tap.eq(direct(PROXY, '198.51.100.7'), PROXY,
               'no trusted_proxies: X-Forwarded-For is never used')
    r = ng.get(PREFIX + '/api/v1/health')
    rid = r.header('X-Request-Id') or ''
    tap.ok(re.fullmatch(r'[0-9a-f]{32}', rid) is not None,
           'nginx\'s $request_id is dossier\'s request id (%s)' % rid)


def main():
    env = {'DOSSIER_SERVER_BASE_PATH': PREFIX,
           'DOSSIER_SERVER_MAX_BODY_BYTES': '65536',
           'DOSSIER_SERVER_TRUSTED_PROXIES': '%s, ::1' % PROXY}
    with Server(BINARY, env=env) as server:
        ng = Nginx(server.port)
        try:
            for section in (lambda: pages(ng), lambda: api(ng, server),
                            lambda: forwarded(ng, server, True)):
                try:
                    section()
                except Exception as e:
                    tap.ok(False, 'raised %s' % str(e)[:200],
                           traceback.format_exc()[-3000:])
            tap.ok(server.alive(), 'dossier alive')
            tap.ok(ng.proc.poll() is None, 'nginx alive', ng.errors())
        finally:
            ng.close()
    env.pop('DOSSIER_SERVER_TRUSTED_PROXIES')
    with Server(BINARY, env=env) as server:
        ng = Nginx(server.port)
        try:
            forwarded(ng, server, False)
        finally:
            ng.close()
    tap.done()


main()
