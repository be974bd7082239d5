#!/usr/bin/env python3
"""test_http.py - hostile input at the HTTP edge of `dossier serve`.

usage: test_http.py PATH/TO/dossier

Slow and idle clients, header/URI/body limits, malformed HTTP (raw
sockets), invalid UTF-8 and NUL bytes in paths, parameters and bodies,
path traversal in every encoding, full-text syntax abuse, huge numbers in
limits, ids and cursors, deeply nested JSON. After every case the process
must still run and answer; no answer may be a 500; where dossier itself
answers (not libmicrohttpd's protocol layer), a 4xx is the JSON error
envelope of API.md. Output is TAP.
"""

import base64
import os
import socket
import sys
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prodlib import Server, Tap, envelope_problem, parse_raw  # noqa: E402

tap = Tap()
if len(sys.argv) < 2:
    sys.exit('usage: %s PATH/TO/dossier' % sys.argv[0])
BINARY = sys.argv[1]
CANARY = 'canary-7f3a9-outside-static'


def alive(s, what):
    tap.ok(s.alive(), 'server alive after %s' % what,
           'exit status %s' % s.proc.poll(), s.log()[-2000:])


def no_500(res, what):
    tap.ok(res is None or res.status < 500 or res.status == 503,
           '%s: no 5xx (%s)' % (what, res.status if res else 'closed'),
           repr(res))


def app_error(s, res, status, code, what):
    """A 4xx that dossier itself answers: exact status, envelope, code."""
    tap.ok(envelope_problem(res, status, code) is None,
           '%s -> %d %s' % (what, status, code),
           envelope_problem(res, status, code) or '')


def raw_case(s, data, what, allowed, app=False, timeout=3):
    """Send raw bytes; the answer's status must be in @allowed (None: the
    connection may also just close). With @app the envelope is checked."""
    out, closed = s.raw(data, timeout=timeout)
    res = parse_raw(out)
    status = res.status if res else None
    tap.ok(status in allowed,
           '%s -> %s' % (what, status if res else 'no answer'),
           'allowed %s; closed=%s; got %r' % (sorted(allowed, key=str),
                                               closed, out[:300]))
    if app and res and 400 <= res.status < 500:
        problem = envelope_problem(res)
        tap.ok(problem is None, '%s: JSON error envelope' % what,
               problem or '')
    return res


# --- slow and idle clients -------------------------------------------------

def slow_clients():
    with Server(BINARY) as s:
        socks = []
        t0 = time.monotonic()
        try:
            for i in range(400):
                c = socket.create_connection(('127.0.0.1', s.port), timeout=5)
                kind = i % 4
                if kind == 1:      # request line, no end of headers
                    c.sendall(b'GET /api/v1/articles HTTP/1.1\r\nHost: x\r\n')
                elif kind == 2:    # headers done, body never comes
                    c.sendall(b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                              b'Authorization: Bearer x\r\nContent-Type: '
                              b'application/json\r\nContent-Length: 100000'
                              b'\r\n\r\n{"bo')
                elif kind == 3:    # half a request line
                    c.sendall(b'GE')
                socks.append(c)
            opened = time.monotonic() - t0
            tap.diag('%d slow/idle connections opened in %.2f s' %
                     (len(socks), opened))
            worst = 0.0
            for path in ('/api/v1/health', '/api/v1/articles?q=putin',
                         '/api/v1/entities', '/'):
                t = time.monotonic()
                res = s.get(path, timeout=10)
                worst = max(worst, time.monotonic() - t)
                tap.eq(res.status, 200, 'GET %s answers with 400 slow '
                       'clients open' % path)
            tap.ok(worst < 2.0, 'normal requests are not starved '
                   '(slowest %.3f s)' % worst)
            # Slowloris: one header byte at a time, while others are served.
            c = socket.create_connection(('127.0.0.1', s.port), timeout=5)
            for b in b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: 1':
                c.send(bytes([b]))
            t = time.monotonic()
            tap.eq(s.get('/api/v1/sources', timeout=10).status, 200,
                   'request served during a byte-at-a-time client')
            tap.ok(time.monotonic() - t < 2.0, 'and promptly')
            c.close()
        finally:
            for c in socks:
                c.close()
        alive(s, 'closing 400 slow clients')

    # Idle connections are dropped after connection_timeout_s.
    with Server(BINARY, env={'DOSSIER_SERVER_CONNECTION_TIMEOUT_S': '2'}) as s:
        c = socket.create_connection(('127.0.0.1', s.port), timeout=10)
        c.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n')
        t = time.monotonic()
        try:
            data = c.recv(100)
        except (socket.timeout, OSError):
            data = None
        waited = time.monotonic() - t
        tap.ok(data == b'' and waited < 8,
               'a stalled connection is closed after connection_timeout_s '
               '(%.1f s, got %r)' % (waited, data))
        c.close()
        # A client that never reads its (large) response.
        c = socket.create_connection(('127.0.0.1', s.port), timeout=10)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.sendall(b''.join(b'GET /api/v1/openapi.json HTTP/1.1\r\nHost: x'
                           b'\r\n\r\n' for _ in range(50)))
        time.sleep(0.5)
        tap.eq(s.get('/api/v1/health', timeout=10).status, 200,
               'served while a client does not read 50 pipelined responses')
        c.close()
        alive(s, 'idle and non-reading clients')


# --- header, URI and body limits ---------------------------------------------

def limits():
    with Server(BINARY, env={'DOSSIER_SERVER_MAX_BODY_BYTES': '4096'}) as s:
        big = 'a' * 100000
        raw_case(s, b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ' +
                 big.encode() + b'\r\n\r\n', '100 KB header', {431, 413, 400,
                                                             None})
        alive(s, '100 KB header')
        raw_case(s, b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n' +
                 b''.join(b'X-H%d: v\r\n' % i for i in range(5000)) +
                 b'\r\n', '5000 headers', {431, 413, 400, None})
        alive(s, '5000 headers')
        raw_case(s, b'GET /api/v1/articles?q=' + big.encode() +
                 b' HTTP/1.1\r\nHost: x\r\n\r\n', '100 KB URI',
                 {414, 431, 413, 400, None})
        alive(s, '100 KB URI')
        res = s.get('/api/v1/articles?q=' + 'ab+' * 700)
        app_error(s, res, 400, 'invalid_query', '2 KB query (over 1024)')
        res = s.get('/api/v1/articles?' + '&'.join(
            '_p%d=1' % i for i in range(40)))
        app_error(s, res, 400, 'invalid_parameter', '40 parameters')
        res = s.get('/api/v1/articles?source=' + ','.join(['a'] * 101))
        app_error(s, res, 400, 'invalid_parameter', '101-item list')
        res = s.get('/api/v1/articles?limit=5&limit=6')
        app_error(s, res, 400, 'invalid_parameter', 'repeated parameter')
        res = s.get('/' + '/'.join(['a'] * 20))
        no_500(res, '20-segment path')

        body = '{"body": "%s"}' % ('x' * 5000)
        res = s.post('/api/v1/articles', body)
        app_error(s, res, 413, 'body_too_large', '5 KB body over a 4 KB cap')
        res = s.request('POST', '/api/v1/articles', None, {
            'Authorization': 'Bearer hostile-test-token',
            'Content-Type': 'application/json',
            'Content-Length': '99999999999999999999999'})
        no_500(res, 'Content-Length 10^23')
        res = raw_case(s, b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                       b'Authorization: Bearer hostile-test-token\r\n'
                       b'Content-Type: application/json\r\n'
                       b'Transfer-Encoding: chunked\r\n\r\n' +
                       b''.join(b'400\r\n' + b'x' * 0x400 + b'\r\n'
                                for _ in range(8)) + b'0\r\n\r\n',
                       '8 KB chunked body over a 4 KB cap', {413}, app=True)
        res = raw_case(s, b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Length: -1\r\n\r\n', 'Content-Length -1',
                       {400, 413, None}, app=False)
        res = raw_case(s, b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Length: 10\r\n\r\nabc', 'short body then '
                       'silence', {None, 400, 408})
        alive(s, 'body limits')
        # Exactly at the cap is accepted.
        pad = 4096 - len('{"body": "Talks resumed in Geneva.", "x": ""}')
        body = '{"body": "Talks resumed in Geneva.", "x": "%s"}' % ('y' * pad)
        res = s.post('/api/v1/articles', body)
        tap.eq((len(body), res.status), (4096, 201),
               'a body of exactly max_body_bytes is accepted')


# --- malformed HTTP ----------------------------------------------------------

MALFORMED = [
    (b'GARBAGE\r\n\r\n', 'no method, path or version'),
    (b'GET\r\n\r\n', 'method only'),
    (b'GET /api/v1/health\r\n\r\n', 'HTTP/0.9 request line'),
    (b'GET /api/v1/health HTTP/1.1\r\n\r\n', 'HTTP/1.1 without Host'),
    (b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
     'non-numeric Content-Length'),
    (b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n'
     b'Content-Length: 7\r\n\r\n{}', 'two different Content-Lengths'),
    (b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n'
     b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
     'Content-Length and Transfer-Encoding (smuggling)'),
    (b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: '
     b'chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', 'bad chunk size'),
    (b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: '
     b'chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n', 'chunk size overflow'),
    (b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: '
     b'gzip, chunked\r\n\r\n0\r\n\r\n', 'unsupported transfer coding'),
    (b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBadHeaderNoColon\r\n\r\n',
     'header without a colon'),
    (b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n folded: y\r\n\r\n',
     'obsolete line folding'),
    (b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX\x00Y: z\r\n\r\n',
     'NUL in a header name'),
    (b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-A: \x01\x7f\xff\r\n\r\n',
     'control bytes in a header value'),
    (b'GET /api/v1/he\x00alth HTTP/1.1\r\nHost: x\r\n\r\n',
     'NUL in the request line'),
    (b'GET /api/v1/health HTTP/1.1\nHost: x\n\n', 'bare LF line ends'),
    (b'GET  /api/v1/health  HTTP/1.1\r\nHost: x\r\n\r\n', 'double spaces'),
    (b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + b'\x00' * 40,
     'TLS ClientHello on plain HTTP'),
    (b'\x00\x01\x02\x03\xff\xfe\r\n\r\n', 'binary noise'),
    (b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'HTTP/2 preface'),
    (b'GET http://evil.example/api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n',
     'absolute-form URI'),
    (b'GET * HTTP/1.1\r\nHost: x\r\n\r\n', 'asterisk-form'),
    (b'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n', 'CONNECT'),
    (b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n'
     b'\r\n', 'Expect on a GET'),
    (b'GET /api/v1/health?a=%zz&b=%%&c=%4 HTTP/1.1\r\nHost: x\r\n\r\n',
     'broken percent escapes'),
    (b'G' * 5000 + b' / HTTP/1.1\r\nHost: x\r\n\r\n', '5000-byte method'),
]


def malformed():
    with Server(BINARY) as s:
        for data, what in MALFORMED:
            out, closed = s.raw(data)
            res = parse_raw(out)
            ok = res is None or res.status < 500 or res.status in (501, 505)
            tap.ok(ok, 'malformed: %s -> %s' % (
                what, res.status if res else 'closed'), repr(out[:300]))
            if res and res.header('Content-Type') == 'application/json; ' \
                    'charset=utf-8' and res.status >= 400:
                problem = envelope_problem(res)
                tap.ok(problem is None, 'malformed: %s: envelope' % what,
                       problem or '')
            if s.proc.poll() is not None:
                break
        alive(s, '%d malformed requests' % len(MALFORMED))
        # Unknown and odd methods reach dossier: 405 with Allow.
        for method in ('BREW', 'PUT', 'PATCH', 'TRACE', 'get'):
            res = s.request(method, '/api/v1/articles')
            app_error(s, res, 405, 'method_not_allowed', method +
                      ' /api/v1/articles')
            tap.ok(res.header('Allow') is not None, '%s: Allow header' %
                   method)
        # Pipelined garbage after a valid request.
        out, _ = s.raw(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'
                       b'\x00\x00GARBAGE\r\n\r\n')
        res = parse_raw(out)
        tap.eq(res.status if res else None, 200,
               'a valid request followed by garbage is answered')
        alive(s, 'pipelined garbage')


# --- invalid UTF-8 and NUL bytes ----------------------------------------------

def encodings():
    with Server(BINARY) as s:
        for q, what in [('q=%FF', 'lone 0xFF in q'),
                        ('source=%C3%28', 'truncated sequence'),
                        ('q=%C0%AF', 'overlong slash'),
                        ('q=%ED%A0%80', 'UTF-16 surrogate'),
                        ('q=%F4%90%80%80', 'above U+10FFFF'),
                        ('%FF=1', 'invalid parameter name'),
                        ('q=a%00b', 'NUL in a value'),
                        ('q%00x=1', 'NUL in a name'),
                        ('cursor=%00', 'NUL cursor')]:
            res = s.get('/api/v1/articles?' + q)
            app_error(s, res, 400, 'invalid_parameter', 'query ' + what)
        for path in ('/api/v1/articles/%FF', '/api/v1/entities/%C0%80',
                     '/api/v1/%ED%A0%80'):
            res = s.get(path)
            app_error(s, res, 404, 'not_found', 'path ' + path)
        res = s.get('/api/v1/articles/1%00')
        tap.ok(res.status in (400, 404), 'NUL after an id: 400/404 (%d)' %
               res.status, repr(res))
        res = s.get('/api/v1/articles/1%00/annotations')
        tap.ok(res.status in (400, 404), 'NUL inside the path: 400/404 (%d)'
               % res.status, repr(res))
        before = s.get('/api/v1/health').json()['articles']
        for body, ctype, what in [
                (b'{"body": "caf\xff"}', 'application/json', 'JSON body'),
                (b'{"body": "ok"}\n{"body": "\xc3\x28"}\n',
                 'application/x-ndjson', 'NDJSON line'),
                (b'{"body": "a\\ud800b"}', 'application/json',
                 'lone surrogate escape'),
                (b'{"body": "x"}\x00', 'application/json', 'NUL after JSON'),
                (b'{"bo\x00dy": "x"}', 'application/json', 'NUL in a key'),
                (b'\x00\x00\x00\x00', 'application/json', 'only NULs')]:
            res = s.post('/api/v1/articles', body, ctype)
            app_error(s, res, 400, 'invalid_json', 'invalid ' + what)
        res = s.post('/api/v1/articles', '{"body": "a\\u0000b"}')
        tap.ok(res.status in (400, 201), 'escaped NUL in a body: 400 or 201 '
               '(%d)' % res.status, repr(res))
        if res.status == 201:
            doc = res.json()
            tap.ok(not doc['created'] and doc['errors'],
                   'escaped NUL: reported as an invalid article', repr(doc))
        after = s.get('/api/v1/health').json()['articles']
        tap.eq(after, before, 'nothing stored from invalid bodies')
        res = s.post('/api/v1/articles', '{"body": "x"}', 'text/plain')
        app_error(s, res, 415, 'unsupported_media_type', 'text/plain body')
        alive(s, 'invalid UTF-8 and NUL bytes')


# --- path traversal --------------------------------------------------------

TRAVERSALS = [
    '/../{f}', '/../../../../../../etc/passwd', '/..%2f{f}', '/%2e%2e/{f}',
    '/%2e%2e%2f{f}', '/%2E%2E%2F{f}', '/%252e%252e%252f{f}', '/..%5c{f}',
    '/%c0%ae%c0%ae/{f}', '/%c0%af..%c0%af{f}', '/..%c0%af{f}',
    '/%ef%bc%8e%ef%bc%8e%ef%bc%8f{f}', '/....//{f}', '/..;/{f}',
    '/./../{f}', '//../{f}', '/static/../../{f}', '/%2e%2e%5c{f}',
    '/..%00/{f}', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2fetc%2fpasswd',
    '//etc/passwd', '/api/../../{f}', '/api/v1/../../../{f}', '/.%2e/{f}',
    '/%2e./{f}', '/css/../../{f}', '/\\..\\{f}',
]


def traversal(prefix=''):
    env = {'DOSSIER_SERVER_BASE_PATH': prefix} if prefix else {}
    with Server(BINARY, start=False, env=env) as s:
        work = s.dir
        static = os.path.join(work, 'www')
        os.makedirs(static)
        for name in ('index.html', 'app.js'):
            with open(os.path.join(static, name), 'w') as f:
                f.write('<!doctype html><html>page %s</html>' % name)
        with open(os.path.join(work, 'secret.txt'), 'w') as f:
            f.write(CANARY)
        s.args += ['--static', static]
        s.start()
        for pattern in TRAVERSALS:
            path = (prefix + pattern.format(f='secret.txt')).encode('latin-1')
            for accept in (b'*/*', b'text/html'):
                out, _ = s.raw(b'GET ' + path + b' HTTP/1.1\r\nHost: x\r\n'
                               b'Accept: ' + accept + b'\r\nConnection: close'
                               b'\r\n\r\n')
                res = parse_raw(out)
                leaked = CANARY.encode() in out or b'root:x:0:0' in out
                tap.ok(not leaked and res is not None and
                       res.status in (200, 400, 404),
                       'traversal %s (Accept %s) -> %s, no leak' % (
                           path.decode('latin-1'), accept.decode(),
                           res.status if res else 'closed'),
                       repr(out[:300]))
                if res and res.status == 200:
                    tap.ok(b'page index.html' in res.body,
                           'traversal %s: a 200 is only the page shell' %
                           path.decode('latin-1'), repr(res.body[:200]))
        alive(s, 'path traversal' + (' under ' + prefix if prefix else ''))
        # The symlink way out of the static folder.
        os.symlink(os.path.join(work, 'secret.txt'),
                   os.path.join(static, 'link.txt'))
        res = s.get(prefix + '/link.txt')
        tap.ok(CANARY.encode() not in res.body,
               'a symlink out of static_dir is not followed (%d)' %
               res.status, repr(res))


def traversal_prefixed():
    traversal('/news')


# --- full-text syntax abuse --------------------------------------------------

FTS = ['"', '"""', '*', '-', '--', 'NOT', 'OR', 'AND', 'NOT NOT', 'OR OR OR',
       'a OR', 'OR a', '-putin', 'NOT putin', 'NEAR(putin biden, 5)',
       'title:putin', '{title body}: putin', '^putin', 'putin^2', '(((',
       ')))', '*putin', 'put*in', '"putin', 'putin"', '""*', '"*"',
       '\'', '\\', ';DROP TABLE articles;--', "' OR 1=1 --", '%', '_',
       'a' * 1024, 'a' * 1025, ' '.join(['w'] * 64), ' '.join(['w'] * 65),
       '\u2014 \u2014*', '"\u2014"*', '\U0001f600', 'caf\u00e9 cafe\u0301',
       'x' * 300 + '*', '- - -', '-"a b"', 'a:b:c', '+putin', 'putin +biden',
       'AND putin', 'putin AND', '"a" OR "b" NOT "c" OR', 'NEAR', 'near/3',
       '\t\n\r', '\u200b', 'ﬁ', 'ǅ', '\u0130stanbul']
FTS_ENDPOINTS = ['/api/v1/articles', '/api/v1/claims', '/api/v1/claim-groups',
                 '/api/v1/timeline/volume', '/api/v1/entities']


def fts_abuse():
    with Server(BINARY) as s:
        bad = []
        for q in FTS:
            for ep in FTS_ENDPOINTS:
                res = s.get(ep + '?q=' + urllib.parse.quote(q, safe=''))
                if res.status == 200:
                    continue
                if res.status != 400 or envelope_problem(res, 400) or \
                        res.json()['error']['code'] not in (
                            'invalid_query', 'invalid_parameter'):
                    bad.append('%s?q=%r -> %d %s' % (ep, q, res.status,
                                                     res.body[:200]))
        tap.ok(not bad, '%d hostile full-text queries x %d endpoints: 200 or '
               '400 invalid_query, never 5xx' % (len(FTS), len(FTS_ENDPOINTS)),
               *bad[:20])
        res = s.get('/api/v1/articles?q=-putin')
        app_error(s, res, 400, 'invalid_query', 'only a negated word')
        res = s.get('/api/v1/articles?q=' + urllib.parse.quote(
            ';DROP TABLE articles;--'))
        tap.eq(res.status, 200, 'SQL in q is searched as text')
        tap.eq(s.get('/api/v1/health').json()['articles'], 5,
               'the articles are all still there')
        alive(s, 'full-text abuse')


# --- huge numbers ------------------------------------------------------------

def cursor(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip('=')


def numbers():
    with Server(BINARY) as s:
        for v in ('0', '101', '-1', '1e2', '0x10', ' 5', '5 ', '+5', '5.0',
                  '99999999999999999999', '9223372036854775807',
                  '9223372036854775808', '-9223372036854775809',
                  '\u0665', '', '1,2'):
            res = s.get('/api/v1/articles?limit=' +
                        urllib.parse.quote(v, safe=''))
            app_error(s, res, 400, 'invalid_parameter', 'limit=%r' % v)
        for path in ('/api/v1/articles/0', '/api/v1/articles/-1',
                     '/api/v1/articles/9223372036854775807',
                     '/api/v1/articles/9223372036854775808',
                     '/api/v1/articles/99999999999999999999999999',
                     '/api/v1/articles/1e3', '/api/v1/articles/0x1',
                     '/api/v1/articles/+1', '/api/v1/articles/%201',
                     '/api/v1/entities/18446744073709551616',
                     '/api/v1/claims/9223372036854775807',
                     '/api/v1/claim-groups/-0',
                     '/api/v1/articles/9223372036854775807/annotations',
                     '/api/v1/entities/9223372036854775807/articles'):
            res = s.get(path)
            app_error(s, res, 404, 'not_found', path)
        res = s.request('DELETE', '/api/v1/articles/9223372036854775807',
                        headers={'Authorization': 'Bearer hostile-test-token'})
        app_error(s, res, 404, 'not_found', 'DELETE of id 2^63-1')
        for q in ('entity=99999999999999999999', 'entity=0', 'entity=-5',
                  'entity=1,,2', 'entity=9223372036854775808'):
            res = s.get('/api/v1/articles?' + q)
            app_error(s, res, 400, 'invalid_parameter', q)
        for q in ('min_sources=99999999999999999999', 'min_sources=-1'):
            res = s.get('/api/v1/claim-groups?' + q)
            app_error(s, res, 400, 'invalid_parameter', q)
        for q in ('article=9223372036854775807', 'speaker=9223372036854775807',
                  'entity=9223372036854775807'):
            res = s.get('/api/v1/claims?' + q)
            tap.ok(res.status == 200 and res.json()['items'] == [],
                   'claims?%s: 200, empty' % q, repr(res))
        for c in ('d.99999999999999999999.1.', 'd.1.99999999999999999999.',
                  'd.100000001.1.', 'd.-1.1.', 'd.1.-1.', 'd.1.1.' + '9' * 60,
                  'd.1.1.2021-12-30\'--', 'x.1.1.', 'd..', 'd.1e5.1.',
                  'd.0x10.1.', 'd. 1.1.'):
            res = s.get('/api/v1/articles?cursor=' + cursor(c))
            app_error(s, res, 400, 'invalid_cursor', 'cursor %r' % c)
        for c in ('', '=', 'A', '!!!!', 'a' * 171, '%FF', '\u00e9'):
            res = s.get('/api/v1/articles?cursor=' +
                        urllib.parse.quote(c, safe=''))
            tap.ok(res.status == 400 and envelope_problem(res, 400) is None,
                   'raw cursor %r -> 400' % c[:20], repr(res))
        # A big but valid offset: an empty page, not an error.
        res = s.get('/api/v1/claims?cursor=' + cursor('c.100000000.1.'))
        tap.ok(res.status in (200, 400), 'claims cursor at offset 10^8 -> '
               '%d' % res.status, repr(res))
        alive(s, 'huge numbers')


# --- deeply nested JSON ------------------------------------------------------

def nesting():
    with Server(BINARY) as s:
        for depth, what in ((100000, 'arrays'), (100000, 'objects'),
                            (5000, 'arrays inside an article')):
            if what == 'arrays':
                body = '[' * depth + ']' * depth
            elif what == 'objects':
                body = '{"a":' * depth + '1' + '}' * depth
            else:
                body = ('{"body": "Talks in Geneva.", "extra": ' +
                        '[' * depth + ']' * depth + '}')
            res = s.post('/api/v1/articles', body)
            app_error(s, res, 400, 'invalid_json',
                      'JSON nested %d deep (%s)' % (depth, what))
            alive(s, 'nesting %d %s' % (depth, what))
        body = '{"body": "Talks in Vienna ended.", "extra": ' + \
            '[' * 500 + ']' * 500 + '}'
        res = s.post('/api/v1/articles', body)
        tap.eq(res.status, 201, 'an article with an ignored field nested 500 '
               'deep is accepted')
        res = s.post('/api/v1/articles', '\n'.join(['[' * 3000] * 3),
                     'application/x-ndjson')
        app_error(s, res, 400, 'invalid_json', 'NDJSON of deep lines')
        res = s.post('/api/v1/articles', '"' + 'x' * 3000 + '"')
        tap.ok(res.status in (400, 201), 'a JSON string, not an object: %d' %
               res.status, repr(res))
        alive(s, 'nested JSON')


def main():
    for section in (slow_clients, limits, malformed, encodings, traversal,
                    traversal_prefixed, fts_abuse, numbers, nesting):
        tap.diag('--- ' + section.__name__)
        try:
            section()
        except Exception as e:  # a crash of the test is a failure, not a stop
            tap.ok(False, '%s raised %s' % (section.__name__, e),
                   traceback.format_exc())
    tap.done()


main()
