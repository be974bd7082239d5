"""test_http.py - HTTP behaviour shared by every endpoint: 404/405, HEAD,
ETag and 304, gzip, CORS, base_path, trusted proxies and the access log,
X-Request-Id, static pages and the page shell, 503s, graceful shutdown.

usage: test_http.py PATH/TO/dossier
"""

import gzip
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

from harness import AUTH, JSON_TYPE, Server, Tap, article

tap = Tap()
srv = Server(tap.binary)
HTML = {'Accept': 'text/html,application/xhtml+xml,*/*;q=0.8'}
ACCESS = re.compile(r'access (\S+) ([A-Z]+) (\S+) (\d{3}) (\d+) '
                    r'([0-9.]+)ms id=(\S+)$')
GETS = ['/api/v1/articles', '/api/v1/articles/1',
        '/api/v1/articles/1/annotations', '/api/v1/entities',
        '/api/v1/entities/1', '/api/v1/entities/1/articles',
        '/api/v1/claims', '/api/v1/claim-groups', '/api/v1/timeline',
        '/api/v1/timeline/volume', '/api/v1/sources', '/api/v1/health',
        '/api/v1/openapi.json']


def access_lines(server, rid):
    """Parsed access log lines of one request id (the line is written
    after the response: wait for it up to 2 s)."""
    deadline = time.monotonic() + 2
    while True:
        out = [m.groups() for m in map(ACCESS.search,
                                       server.log().splitlines())
               if m and m.group(7) == rid]
        if out or time.monotonic() > deadline:
            return out
        time.sleep(0.02)


@tap.test
def not_found(t):
    for path in ['/api/v1/nope', '/api/v2/articles', '/api/v1',
                 '/api/v1/articles/1/nope', '/api/v1/entities/1/claims',
                 '/api/', '/api/v1/health/x', '/api/v1/timeline/2021',
                 '/api/v1/articles/1/annotations/2']:
        t.error(srv.get(path), 404, 'not_found', 'GET %s' % path)
        t.error(srv.get(path, headers=HTML), 404, 'not_found',
                'GET %s accepting HTML: still JSON 404' % path)
    r = srv.head('/api/v1/nope')
    t.eq((r.status, r.body), (404, b''), 'HEAD unknown path: 404, no body')


@tap.test
def method_not_allowed(t):
    cases = [('PUT', '/api/v1/articles', {'GET', 'HEAD', 'POST'}),
             ('DELETE', '/api/v1/articles', {'GET', 'HEAD', 'POST'}),
             ('PATCH', '/api/v1/articles/1', {'GET', 'HEAD', 'DELETE'}),
             ('POST', '/api/v1/articles/1', {'GET', 'HEAD', 'DELETE'}),
             ('POST', '/api/v1/entities', {'GET', 'HEAD'}),
             ('DELETE', '/api/v1/entities/1', {'GET', 'HEAD'}),
             ('POST', '/api/v1/health', {'GET', 'HEAD'}),
             ('PUT', '/api/v1/timeline/volume', {'GET', 'HEAD'}),
             ('POST', '/api/v1/articles/1/annotations', {'GET', 'HEAD'}),
             ('POST', '/', {'GET', 'HEAD'})]
    for method, path, allowed in cases:
        r = srv.request(method, path, body=b'{}',
                        headers=dict(AUTH, **{'Content-Type':
                                              'application/json'}))
        name = '%s %s' % (method, path)
        t.error(r, 405, 'method_not_allowed', name)
        allow = {m.strip() for m in (r.header('Allow') or '').split(',')}
        t.ok(allowed <= allow and method not in allow,
             '%s: Allow lists %s' % (name, ', '.join(sorted(allowed))),
             r.header('Allow'))
    t.eq(srv.json('/api/v1/health')['articles'], 5, '405s changed nothing')


@tap.test
def keep_alive(t):
    conn = srv.connection()
    try:
        a = srv.request('GET', '/api/v1/health', conn=conn)
        b = srv.request('GET', '/api/v1/nope', conn=conn)
        c = srv.request('GET', '/api/v1/articles/1', conn=conn,
                        headers={'If-None-Match': srv.get(
                            '/api/v1/articles/1').header('ETag')})
        d = srv.request('HEAD', '/api/v1/articles', conn=conn)
        e = srv.request('GET', '/api/v1/articles?limit=1', conn=conn)
        t.eq([x.status for x in (a, b, c, d, e)], [200, 404, 304, 200, 200],
             'five requests on one keep-alive connection (200, 404, 304, '
             'HEAD, 200)')
        t.eq(len(e.json()['items']), 1, 'the last one is intact')
    finally:
        conn.close()
    r = srv.get('/api/v1/articles', {'q': 'x' * 20000})
    t.ok(r.status in (200, 400, 414, 431), 'a 20 kB URL: 200/400/414/431',
         r.status)
    r = srv.get('/api/v1/health', headers={'X-Big': 'y' * 20000})
    t.ok(r.status in (200, 400, 431), 'a 20 kB header: 200/400/431',
         r.status)
    t.status(srv.get('/api/v1/health'), 200, 'still serving')


@tap.test
def head(t):
    for path in GETS + ['/metrics', '/']:
        g = srv.get(path)
        h = srv.head(path)
        t.eq(h.status, g.status, 'HEAD %s: same status' % path)
        t.eq(h.body, b'', 'HEAD %s: no body' % path)
        for k in ('Content-Type', 'Content-Length', 'ETag'):
            if k in ('ETag', 'Content-Length') and path == '/metrics':
                continue
            t.eq(h.header(k), g.header(k), 'HEAD %s: same %s' % (path, k))
    h = srv.head('/api/v1/articles/999999')
    t.eq((h.status, h.body), (404, b''), 'HEAD of a missing article: 404, '
         'no body')


@tap.test
def etag(t):
    for path in ['/api/v1/articles', '/api/v1/articles/1', '/api/v1/entities',
                 '/api/v1/openapi.json', '/']:
        r = srv.get(path)
        tag = r.header('ETag')
        if not t.ok(tag, '%s has an ETag' % path):
            continue
        r2 = srv.get(path, headers={'If-None-Match': tag})
        t.eq((r2.status, r2.body), (304, b''), '%s If-None-Match: 304, no '
             'body' % path)
        t.eq(r2.header('ETag'), tag, '%s 304 repeats the ETag' % path)
        r3 = srv.get(path, headers={'If-None-Match': '"other", ' + tag})
        t.eq(r3.status, 304, '%s If-None-Match list containing it: 304'
             % path)
        r4 = srv.get(path, headers={'If-None-Match': 'W/"nope"'})
        t.eq(r4.status, 200, '%s other ETag: 200' % path)
        t.eq(r4.body, r.body, '%s same body again' % path)
    t.ok(srv.get('/api/v1/articles', {'limit': 1}).header('ETag') !=
         srv.get('/api/v1/articles', {'limit': 2}).header('ETag'),
         'different query, different ETag')
    before = srv.get('/api/v1/articles')
    r = srv.post('/api/v1/articles', article(
        'ETag test: the town band played at the pier on Sunday.'), AUTH)
    after = srv.get('/api/v1/articles', headers={
        'If-None-Match': before.header('ETag')})
    t.eq(after.status, 200, 'after a write the old ETag no longer matches')
    for i in r.json()['created']:
        srv.delete('/api/v1/articles/%d' % i, AUTH)
    t.eq(srv.get('/api/v1/articles/999999',
                 headers={'If-None-Match': '*'}).status, 404,
         'If-None-Match on a 404 stays 404')


@tap.test
def gzip_encoding(t):
    for path in ['/api/v1/articles/1', '/api/v1/openapi.json',
                 '/api/v1/articles?limit=100']:
        plain = srv.get(path)
        t.eq(plain.header('Content-Encoding'), None,
             '%s without Accept-Encoding: identity' % path)
        gz = srv.get(path, headers={'Accept-Encoding': 'gzip, deflate'})
        t.eq(gz.header('Content-Encoding'), 'gzip', '%s: gzip' % path)
        t.ok('Accept-Encoding' in (gz.header('Vary') or ''),
             '%s: Vary: Accept-Encoding' % path, gz.header('Vary'))
        t.eq(int(gz.header('Content-Length') or -1), len(gz.body),
             '%s: Content-Length of the compressed body' % path)
        t.ok(len(gz.body) < len(plain.body), '%s: smaller' % path)
        try:
            t.eq(gzip.decompress(gz.body), plain.body, '%s: decompresses to the '
                 'identity body' % path)
        except OSError as e:
            t.ok(False, '%s: valid gzip' % path, str(e))
        h = srv.head(path, headers={'Accept-Encoding': 'gzip'})
        t.eq((h.header('Content-Encoding'), h.header('Content-Length')),
             ('gzip', gz.header('Content-Length')),
             '%s: HEAD with gzip has the same headers' % path)
        r = srv.get(path, headers={'Accept-Encoding': 'gzip;q=0'})
        t.eq(r.header('Content-Encoding'), None, '%s: gzip;q=0 refuses'
             % path)
        r = srv.get(path, headers={'Accept-Encoding': 'br'})
        t.eq(r.header('Content-Encoding'), None, '%s: br only: identity'
             % path)


@tap.test
def request_id(t):
    r = srv.get('/api/v1/health', headers={'X-Request-Id': 'abc-123_x.y'})
    t.eq(r.header('X-Request-Id'), 'abc-123_x.y', 'X-Request-Id echoed')
    t.ok(access_lines(srv, 'abc-123_x.y'), 'the access log line has it')
    a = srv.get('/api/v1/health').header('X-Request-Id')
    b = srv.get('/api/v1/health').header('X-Request-Id')
    t.ok(a and b and a != b, 'generated ids are unique', a, b)
    t.ok(access_lines(srv, a), 'a generated id is in the access log')
    r = srv.get('/api/v1/nope', headers={'X-Request-Id': 'err-1'})
    t.eq(r.header('X-Request-Id'), 'err-1', 'echoed on errors too')
    bad = 'x' * 500
    r = srv.get('/api/v1/health', headers={'X-Request-Id': bad})
    t.ok(r.header('X-Request-Id') and r.header('X-Request-Id') != bad,
         'an over-long id is replaced by a generated one')
    r = srv.get('/api/v1/health', headers={'X-Request-Id': 'a b"c'})
    t.ok(r.header('X-Request-Id') not in (None, 'a b"c'),
         'an id with spaces/quotes is replaced')


@tap.test
def access_log(t):
    r = srv.get('/api/v1/articles', {'limit': 1, 'q': 'Putin'},
                headers={'X-Request-Id': 'log-1',
                         'X-Forwarded-For': '203.0.113.9'})
    lines = access_lines(srv, 'log-1')
    if not t.eq(len(lines), 1, 'one access line per request'):
        return t.diag(srv.log()[-2000:])
    ip, method, path, status, size, ms, rid = lines[0]
    t.eq((ip, method, status), ('127.0.0.1', 'GET', '200'),
         'client ip (untrusted X-Forwarded-For ignored), method, status')
    t.ok(path.startswith('/api/v1/articles'), 'path logged', path)
    t.eq(int(size), len(r.body), 'bytes = body size')
    t.ok(float(ms) >= 0, 'duration in ms')
    srv.get('/api/v1/articles/999999', headers={'X-Request-Id': 'log-2'})
    t.eq([x[3] for x in access_lines(srv, 'log-2')], ['404'],
         'a 404 is logged with its status')


@tap.test
def trusted_proxies(t):
    with Server(tap.binary, env={
            'DOSSIER_SERVER_TRUSTED_PROXIES': '127.0.0.1'}) as s:
        s.get('/api/v1/health', headers={'X-Forwarded-For': '198.51.100.4',
                                         'X-Request-Id': 'xff-1'})
        t.eq([x[0] for x in access_lines(s, 'xff-1')], ['198.51.100.4'],
             'trusted peer: X-Forwarded-For client in the access log')
        s.get('/api/v1/health', headers={
            'X-Forwarded-For': '192.0.2.1, 198.51.100.5',
            'X-Request-Id': 'xff-2'})
        t.eq([x[0] for x in access_lines(s, 'xff-2')], ['198.51.100.5'],
             'a chain: the rightmost untrusted hop is the client')
        s.get('/api/v1/health', headers={'X-Request-Id': 'xff-3'})
        t.eq([x[0] for x in access_lines(s, 'xff-3')], ['127.0.0.1'],
             'no X-Forwarded-For: the peer')
    with Server(tap.binary, sample=False, env={
            'DOSSIER_SERVER_TRUSTED_PROXIES': '10.0.0.0/8'}) as s:
        s.get('/api/v1/health', headers={'X-Forwarded-For': '198.51.100.4',
                                         'X-Request-Id': 'xff-4'})
        t.eq([x[0] for x in access_lines(s, 'xff-4')], ['127.0.0.1'],
             'untrusted peer: X-Forwarded-For ignored')
    s = Server(tap.binary, sample=False, start=False,
               env={'DOSSIER_SERVER_TRUSTED_PROXIES': 'not-an-address'})
    p = s.cli('serve', '--db', s.db, '--listen', '127.0.0.1:1')
    t.ok(p.returncode != 0, 'a bad trusted_proxies entry: serve fails',
         p.returncode)
    s.close()


@tap.test
def cors(t):
    origin = {'Origin': 'https://app.example'}
    r = srv.get('/api/v1/health', headers=origin)
    t.eq(r.header('Access-Control-Allow-Origin'), None,
         'CORS off by default: no Access-Control-Allow-Origin')
    pre = dict(origin, **{'Access-Control-Request-Method': 'POST',
                          'Access-Control-Request-Headers':
                          'authorization, content-type'})
    r = srv.request('OPTIONS', '/api/v1/articles', headers=pre)
    t.eq(r.header('Access-Control-Allow-Origin'), None,
         'CORS off: preflight gets no CORS headers')
    with Server(tap.binary, env={'DOSSIER_SERVER_CORS_ORIGINS':
                                 'https://app.example,https://b.example'}) \
            as s:
        r = s.get('/api/v1/health', headers=origin)
        t.eq(r.header('Access-Control-Allow-Origin'), 'https://app.example',
             'listed origin is allowed')
        t.ok('Origin' in (r.header('Vary') or ''), 'Vary: Origin',
             r.header('Vary'))
        r = s.get('/api/v1/health', headers={'Origin': 'https://evil.example'})
        t.eq(r.header('Access-Control-Allow-Origin'), None,
             'unlisted origin: no CORS header')
        r = s.request('OPTIONS', '/api/v1/articles', headers=pre)
        t.ok(r.status in (200, 204), 'preflight: 200/204', r.status)
        t.eq(r.header('Access-Control-Allow-Origin'), 'https://app.example',
             'preflight: Allow-Origin')
        methods = (r.header('Access-Control-Allow-Methods') or '').upper()
        t.ok('POST' in methods, 'preflight: POST allowed', methods)
        hdrs = (r.header('Access-Control-Allow-Headers') or '').lower()
        t.ok('authorization' in hdrs and 'content-type' in hdrs,
             'preflight: Authorization and Content-Type allowed', hdrs)
        r = s.get('/api/v1/nope', headers=origin)
        t.eq(r.header('Access-Control-Allow-Origin'), 'https://app.example',
             'CORS header on errors too (so the page can read them)')
    with Server(tap.binary, env={'DOSSIER_SERVER_CORS_ORIGINS': '*'}) as s:
        r = s.get('/api/v1/health', headers={'Origin': 'https://x.example'})
        t.eq(r.header('Access-Control-Allow-Origin'), '*',
             'cors_origins=*: Allow-Origin *')
        r = s.get('/api/v1/health')
        t.eq(r.status, 200, 'cors_origins=*: plain request fine')


@tap.test
def static_pages(t):
    with Server(tap.binary, sample=False, start=False) as s:
        pages = os.path.join(s.dir, 'pages')
        os.makedirs(os.path.join(pages, 'js'))
        index = ('<!doctype html>\n<html><head><meta charset="utf-8">'
                 '<title>t</title></head><body>STATIC-INDEX</body></html>\n')
        files = {'index.html': index, 'app.css': 'body { color: red }\n',
                 'js/app.js': 'console.log("hi");\n'}
        for name, text in files.items():
            with open(os.path.join(pages, name), 'w') as f:
                f.write(text)
        s.args += ['--static', pages]
        s.start()
        r = s.get('/')
        t.status(r, 200, 'GET /')
        t.ok((r.header('Content-Type') or '').startswith('text/html'),
             '/ is text/html', r.header('Content-Type'))
        t.ok(b'STATIC-INDEX' in r.body, '/ serves index.html')
        t.status(s.get('/index.html'), 200, 'GET /index.html')
        r = s.get('/app.css')
        t.eq((r.status, r.body), (200, files['app.css'].encode()),
             'GET /app.css: the file')
        t.ok((r.header('Content-Type') or '').startswith('text/css'),
             'css content type', r.header('Content-Type'))
        r = s.get('/js/app.js')
        t.eq((r.status, r.body), (200, files['js/app.js'].encode()),
             'GET /js/app.js: a file in a folder')
        t.ok('javascript' in (r.header('Content-Type') or ''),
             'js content type', r.header('Content-Type'))
        for path in ['/articles/3', '/claims', '/entities/12?x=1',
                     '/timeline']:
            r = s.get(path, headers=HTML)
            t.status(r, 200, 'GET %s accepting HTML: the shell' % path)
            t.ok(b'STATIC-INDEX' in r.body and
                 (r.header('Content-Type') or '').startswith('text/html'),
                 'GET %s: the shell is index.html' % path)
            t.ok(b'<base href="/">' in r.body, 'GET %s: <base href="/">'
                 % path)
        for path in ['/articles/3', '/missing.css', '/js/none.js']:
            t.error(s.get(path, headers={'Accept': 'application/json'}), 404,
                    'not_found', 'GET %s not accepting HTML' % path)
        t.error(s.get('/missing.css'), 404, 'not_found',
                'GET /missing.css with no Accept')
        for path in ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
                     '/js/../../dossier.ini', '/..%2fserve.log']:
            r = s.request('GET', path, headers={'Accept': '*/*'})
            t.ok(r.status in (400, 404) and b'root:' not in r.body and
                 b'access' not in r.body,
                 'GET %s: no file outside static_dir' % path, r.status)
        r = s.head('/app.css')
        t.eq((r.status, r.body, r.header('Content-Length')),
             (200, b'', str(len(files['app.css']))), 'HEAD /app.css')
    with Server(tap.binary, sample=False) as s:
        r = s.get('/')
        t.ok(r.status == 200 and (r.header('Content-Type') or '')
             .startswith('text/html'), 'no static dir: built-in pages at /')
        r = s.get('/articles/1', headers=HTML)
        t.ok(r.status == 200 and b'<base href="/">' in r.body,
             'built-in pages: the shell for clean URLs')


@tap.test
def base_path(t):
    with Server(tap.binary, args=['--base-path', '/news'],
                prefix='/news') as s:
        doc = t.json_ok(s.get('/api/v1/health'), '/news/api/v1/health')
        t.eq(doc and doc['articles'], 5, 'the API lives under /news')
        t.status(s.get('/api/v1/articles/1'), 200, '/news/api/v1/articles/1')
        for path in ['/api/v1/health', '/metrics', '/', '/articles/1',
                     '/newsx/api/v1/health', '/new/api/v1/health']:
            r = s.request('GET', path, raw_path=True, headers=HTML)
            t.error(r, 404, 'not_found', 'outside /news: %s' % path)
        t.status(s.get('/metrics'), 200, '/news/metrics')
        r = s.get('/', headers=HTML)
        t.ok(r.status == 200 and b'<base href="/news/">' in r.body,
             '/news/: pages with <base href="/news/">')
        r = s.get('/articles/3', headers=HTML)
        t.ok(r.status == 200 and b'<base href="/news/">' in r.body,
             '/news/articles/3: the shell with <base href="/news/">')
        r = s.request('GET', '/news', raw_path=True, headers=HTML)
        t.ok(r.status in (200, 301, 302, 308) and
             (r.status == 200 or
              (r.header('Location') or '').startswith('/news/')),
             '/news without a slash: the pages or a redirect under /news/',
             r.status, r.header('Location'))
        doc = s.json('/api/v1/openapi.json')
        t.ok(doc['servers'][0]['url'].rstrip('/') == '/news',
             'openapi servers url carries /news', doc['servers'])
        r = s.post('/api/v1/articles', article(
            'Base path test: the museum opened a wing.'), AUTH)
        t.status(r, 201, 'POST under /news')
        loc = r.header('Location')
        t.ok(loc is None or loc.startswith('/news/'),
             'Location (if any) carries /news', loc)
        r = s.get('/api/v1/articles', {'limit': 1})
        t.ok(b'/api/v1' not in r.body or b'/news/api/v1' in r.body,
             'no URL without the prefix in bodies')
    with Server(tap.binary, sample=False,
                env={'DOSSIER_SERVER_BASE_PATH': '/a/b'}, prefix='/a/b') as s:
        t.status(s.get('/api/v1/health'), 200,
                 'DOSSIER_SERVER_BASE_PATH=/a/b: a two-level prefix')


@tap.test
def config_precedence(t):
    ini = ('[server]\nbase_path = /file\ncors_origins = https://f.example\n'
           '[log]\naccess_log = false\n')
    with Server(tap.binary, config=ini, prefix='/file') as s:
        t.status(s.get('/api/v1/health'), 200, 'config file: base_path')
        r = s.get('/api/v1/health', headers={'Origin': 'https://f.example',
                                             'X-Request-Id': 'cfg-1'})
        t.eq(r.header('Access-Control-Allow-Origin'), 'https://f.example',
             'config file: cors_origins')
        time.sleep(0.2)
        t.ok('id=cfg-1' not in s.log(), 'config file: access_log = false')
    with Server(tap.binary, config=ini, prefix='/env',
                env={'DOSSIER_SERVER_BASE_PATH': '/env'}) as s:
        t.status(s.get('/api/v1/health'), 200,
                 'the environment overrides the file')
    with Server(tap.binary, config=ini, prefix='/flag',
                env={'DOSSIER_SERVER_BASE_PATH': '/env'},
                args=['--base-path', '/flag']) as s:
        t.status(s.get('/api/v1/health'), 200, 'a flag overrides both')
        t.status(s.request('GET', '/env/api/v1/health', raw_path=True), 404,
                 '... and the environment value is not used')
    s = Server(tap.binary, sample=False, start=False,
               config='[server]\nthreads = many\n')
    p = s.cli('serve', '--db', s.db, '--listen', '127.0.0.1:1', '--config',
              s.dir + '/dossier.ini')
    t.ok(p.returncode != 0 and p.stderr, 'a bad config value: serve fails '
         'with a message', p.returncode)
    s.close()


@tap.test
def concurrency(t):
    with Server(tap.binary, args=['--threads', '4']) as s:
        statuses, lock = [], threading.Lock()

        def reader(k):
            paths = ['/api/v1/articles?q=Putin', '/api/v1/entities',
                     '/api/v1/claims', '/api/v1/timeline',
                     '/api/v1/articles?sort=id&limit=3', '/api/v1/health']
            for i in range(40):
                try:
                    st = s.request('GET', paths[(i + k) % len(paths)]).status
                except OSError as e:
                    st = str(e)
                with lock:
                    statuses.append(('GET', st))

        def writer():
            for b in range(8):
                batch = [article('Concurrent story %d-%d: the tram line to '
                                 'Eskholm opened on Monday, Mayor Ada Lind '
                                 'said.' % (b, i)) for i in range(5)]
                try:
                    st = s.post('/api/v1/articles', batch, AUTH).status
                except OSError as e:
                    st = str(e)
                with lock:
                    statuses.append(('POST', st))

        threads = [threading.Thread(target=reader, args=(k,))
                   for k in range(4)] + [threading.Thread(target=writer)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(100)
        gets = [st for m, st in statuses if m == 'GET']
        posts = [st for m, st in statuses if m == 'POST']
        t.eq((len(gets), set(gets)), (160, {200}),
             '4 readers x 40 GETs during writes: all 200')
        t.eq(posts, [201] * 8, '8 POSTs during reads: all 201')
        t.eq(s.json('/api/v1/health')['articles'], 5 + 40,
             'every article stored')


@tap.test
def connection_timeout(t):
    with Server(tap.binary, sample=False,
                env={'DOSSIER_SERVER_CONNECTION_TIMEOUT_S': '1'}) as s:
        sock = socket.create_connection(('127.0.0.1', s.port), 10)
        sock.settimeout(10)
        start = time.monotonic()
        try:
            data = sock.recv(1024)
        except OSError:
            data = b''
        took = time.monotonic() - start
        sock.close()
        t.ok(data == b'' and took < 8,
             'an idle connection is closed after connection_timeout_s',
             '%.1f s' % took, data)
        t.status(s.get('/api/v1/health'), 200, 'new connections still work')


@tap.test
def port_in_use(t):
    # A second server on a port that is taken must fail, not share the port
    # with the first (SO_REUSEPORT would split the connections between two
    # processes, possibly on two different databases).
    with Server(tap.binary) as s:
        other = Server(tap.binary, sample=False, start=False)
        p = subprocess.Popen([tap.binary, 'serve', '--db', other.db,
                              '--listen', '127.0.0.1:%d' % s.port],
                             cwd=other.dir, env=other.env,
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            err = b''
        # While the second one runs (if it does), ask the port 20 times.
        counts = {s.json('/api/v1/health')['articles'] for _ in range(20)}
        if p.poll() is None:
            p.kill()
            err = p.communicate()[1]
        other.close()
        t.eq(p.returncode, 2, 'serve on a port in use: exit status 2 '
             '(-9: it ran, sharing the port)', err[-300:])
        t.ok(b'cannot listen on 127.0.0.1:%d' % s.port in err,
             'the error names the address', err[-300:])
        t.eq(counts, {5}, 'every request still reaches the first server')


@tap.test
def unavailable_db(t):
    with Server(tap.binary) as s:
        t.status(s.get('/api/v1/health'), 200, 'health before')
        size = os.path.getsize(s.db)
        with open(s.db, 'r+b') as f:
            f.write(b'\x00garbage\x00' * (size // 9))
        for path in ['/wal', '/shm']:
            p = s.db + '-' + path[1:]
            if os.path.exists(p):
                with open(p, 'r+b') as f:
                    f.write(b'\x00' * os.path.getsize(p))
        r = s.get('/api/v1/health')
        t.status(r, 503, 'health with an unreadable database')
        doc = r.json() if r.status == 503 else {}
        t.eq(doc.get('status'), 'unavailable', '503 health: status '
             'unavailable')
        r = s.get('/api/v1/articles')
        t.ok(r.status == 503 and r.json()['error']['code'] == 'unavailable',
             'a list on an unreadable database: 503 unavailable',
             r.status, r.body[:200])
        t.eq(r.header('Content-Type'), JSON_TYPE, '503 is JSON')


@tap.test
def query_timeout(t):
    with Server(tap.binary, sample=False, start=False,
                env={'DOSSIER_SERVER_QUERY_TIMEOUT_MS': '1'}) as s:
        path = s.dir + '/many.jsonl'
        words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta',
                 'theta', 'kappa', 'lambda', 'sigma']
        with open(path, 'w') as f:
            for i in range(3000):
                body = ' '.join('%s%d' % (words[(i * 7 + j) % 10], j % 50)
                                for j in range(60))
                f.write(json.dumps({'body': 'Report %d. %s.' % (i, body),
                                    'source': 'T%d' % (i % 40)}) + '\n')
        t.eq(s.cli('ingest', '--db', s.db, path).returncode, 0,
             'ingest 3000 articles')
        s.start()
        q = ' OR '.join('%s*' % w[:2] for w in words)
        seen = set()
        for _ in range(3):
            r = s.get('/api/v1/articles', {'q': q, 'sort': 'relevance',
                                           'limit': 100})
            seen.add(r.status)
            if r.status == 503:
                t.error(r, 503, 'timeout', 'a query past query_timeout_ms')
                break
        t.ok(503 in seen, 'query_timeout_ms=1: a heavy search is a 503',
             seen)
        t.ok(s.proc.poll() is None, 'the server keeps running')
        # The timed-out request's read transaction ended with it: every
        # worker sees an article stored after it.
        t.eq(s.cli('ingest', '--db', s.db, '-', stdin=json.dumps(
            {'body': 'One more report after the timeout.'}).encode()
        ).returncode, 0, 'ingest one more article')
        counts = [s.json('/api/v1/health')['articles'] for _ in range(20)]
        t.eq(set(counts), {3001}, 'every answer after it sees 3001 articles',
             counts)


def post_during_sigterm(s, n):
    """POST @n articles, SIGTERM once it is in flight: (in_flight, result)."""
    batch = [article(('Shutdown story %d: the city of Varnholm opened a '
                      'bridge on Monday, Mayor Ilse Brandt said. ' % i) * 30,
                     source='Shutdown Wire') for i in range(n)]
    body = json.dumps(batch).encode()
    result = {}

    def slow_post():
        try:
            result['r'] = s.request('POST', '/api/v1/articles', body=body,
                                    headers=dict(AUTH, **{
                                        'Content-Type': 'application/json'}),
                                    timeout=60)
        except Exception as e:  # reported by the caller
            result['e'] = e

    th = threading.Thread(target=slow_post)
    th.start()
    time.sleep(0.05)
    in_flight = th.is_alive()
    s.signal(signal.SIGTERM)
    th.join(60)
    return in_flight, result


@tap.test
def graceful_shutdown(t):
    # A POST that takes a second or so (extraction runs before the 201),
    # well inside the server's bounded grace period.
    for n in (40, 80, 160):
        with Server(tap.binary) as s:
            in_flight, result = post_during_sigterm(s, n)
            try:
                code = s.proc.wait(20)
            except Exception:
                code = None
            if in_flight or n == 160:
                break
    t.ok(in_flight, 'a POST of %d articles was in flight at SIGTERM' % n)
    r = result.get('r')
    t.ok(r is not None and r.status == 201,
         'the in-flight POST completes with 201',
         result.get('e') or (r and r.status))
    if r is not None and r.status == 201:
        t.eq(len(r.json()['created']), n, 'all %d stored' % n)
    t.eq(code, 0, 'exit status 0 after SIGTERM')
    with Server(tap.binary) as s:
        s.signal(signal.SIGINT)
        try:
            code = s.proc.wait(20)
        except Exception:
            code = None
        t.eq(code, 0, 'SIGINT: exit 0')
        t.ok('listening on http://127.0.0.1:%d/' % s.port in s.log(),
             'serve logs the URL it listens on')
        try:
            with socket.create_connection(('127.0.0.1', s.port), 1):
                refused = False
        except OSError:
            refused = True
        t.ok(refused, 'no longer listening after exit')


@tap.test
def slow_client_at_shutdown(t):
    with Server(tap.binary) as s:
        body = json.dumps(article('Slow client: the ferry to Brannoch '
                                  'sailed late on Tuesday.')).encode()
        sock = socket.create_connection(('127.0.0.1', s.port), 10)
        head = ('POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                'Authorization: Bearer secret\r\n'
                'Content-Type: application/json\r\nContent-Length: %d\r\n'
                'Connection: close\r\n\r\n' % len(body)).encode()
        sock.sendall(head + body[:10])
        time.sleep(0.2)
        s.signal(signal.SIGTERM)
        time.sleep(0.3)
        sock.sendall(body[10:])
        data = b''
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sock.close()
        status = data.split(b'\r\n', 1)[0]
        t.ok(status.startswith(b'HTTP/1.1 201'),
             'a request half-sent at SIGTERM still completes', status)
        try:
            code = s.proc.wait(20)
        except Exception:
            code = None
        t.eq(code, 0, 'exit 0')
        t.eq(s.cli('ingest', '--db', s.db, '-', stdin=b'').returncode, 0,
             'the database is fine afterwards')


tap.main()
