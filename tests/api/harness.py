"""harness.py - black-box test harness for the dossier HTTP API and CLI.

Starts the real `dossier` binary on a temporary database and a free port,
talks plain HTTP/1.1 to it (http.client: no redirects, no transparent
decompression, so headers and bodies are seen exactly as sent) and reports
TAP.  Python 3 standard library only.

A test file looks like:

    from harness import Tap, Server
    tap = Tap()

    @tap.test
    def health(t):
        with Server(tap.binary) as s:
            t.eq(s.get('/api/v1/health').status, 200, 'health is 200')

    tap.main()
"""

import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / 'sample'
TOKEN = 'secret'
AUTH = {'Authorization': 'Bearer ' + TOKEN}
JSON_TYPE = 'application/json; charset=utf-8'


# --- TAP ------------------------------------------------------------------

class Tap:
    """TAP producer: one `ok`/`not ok` line per check, plan at the end."""

    def __init__(self):
        if len(sys.argv) < 2:
            sys.exit('usage: %s PATH/TO/dossier' % sys.argv[0])
        self.binary = os.path.abspath(sys.argv[1])
        self.count = 0
        self.failures = 0
        self.tests = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def _line(self, text):
        sys.stdout.write(text + '\n')
        sys.stdout.flush()

    def diag(self, *lines):
        for line in lines:
            for part in str(line).splitlines() or ['']:
                self._line('# ' + part)

    def ok(self, cond, name, *diag):
        self.count += 1
        name = name.replace('#', '\\#')
        if cond:
            self._line('ok %d - %s' % (self.count, name))
        else:
            self.failures += 1
            self._line('not ok %d - %s' % (self.count, name))
            self.diag(*diag)
        return bool(cond)

    def eq(self, got, want, name, *diag):
        return self.ok(got == want, name, 'got:  %s' % short(got),
                       'want: %s' % short(want), *map(short, diag))

    def status(self, res, want, name):
        """Check a status code; show the body on failure."""
        return self.ok(res.status == want, '%s: status %d' % (name, want),
                       'got %d %s' % (res.status, short(res.body)))

    def json_ok(self, res, name, status=200):
        """Status + JSON content type; returns the parsed body or None."""
        good = self.status(res, status, name)
        self.eq(res.header('Content-Type'), JSON_TYPE,
                '%s: JSON content type' % name)
        if not good:
            return None
        try:
            return res.json()
        except ValueError as e:
            self.ok(False, '%s: body parses as JSON' % name, str(e))
            return None

    def error(self, res, status, code, name, parameter=None):
        """Check the exact error envelope of API.md."""
        self.status(res, status, name)
        self.eq(res.header('Content-Type'), JSON_TYPE,
                '%s: JSON content type' % name)
        try:
            doc = res.json()
        except ValueError:
            return self.ok(False, '%s: error envelope' % name,
                           'body: %s' % short(res.body))
        err = doc.get('error') if isinstance(doc, dict) else None
        good = (isinstance(err, dict) and set(doc) == {'error'} and
                err.get('status') == status and
                isinstance(err.get('message'), str) and err['message'] and
                set(err) <= {'status', 'code', 'message', 'parameter'})
        self.ok(good, '%s: error envelope' % name, 'body: %s' % short(doc))
        if err:
            codes = code if isinstance(code, (set, tuple, list)) else {code}
            self.ok(err.get('code') in codes,
                    '%s: code %s' % (name, '/'.join(sorted(codes))),
                    'got code %r' % err.get('code'))
            if parameter is not None:
                self.eq(err.get('parameter'), parameter,
                        '%s: parameter' % name)
        return err

    def main(self):
        for fn in self.tests:
            name = fn.__name__
            try:
                fn(self)
            except Exception:  # a crashed test is one failure, then go on
                self.ok(False, '%s: ran to the end' % name,
                        traceback.format_exc())
        self._line('1..%d' % self.count)
        sys.exit(1 if self.failures else 0)


def short(value, limit=400):
    if isinstance(value, (bytes, bytearray)):
        value = value.decode('utf-8', 'replace')
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


# --- HTTP -----------------------------------------------------------------

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers          # http.client.HTTPMessage
        self.body = body                # bytes, exactly as received
        self._json = None

    def header(self, name):
        return self.headers.get(name)

    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode('utf-8'))
        return self._json

    def __repr__(self):
        return '<Response %d %s>' % (self.status, short(self.body, 120))


def query(path, params=None):
    """path + '?' + urlencoded params (a dict or a list of pairs)."""
    if not params:
        return path
    return path + ('&' if '?' in path else '?') + urllib.parse.urlencode(
        params, quote_via=urllib.parse.quote)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


# --- the server -----------------------------------------------------------

class Server:
    """One `dossier serve` process on its own temporary folder and port.

    sample: ingest the five seed articles first (with the CLI).
    args: extra flags; env: extra environment (DOSSIER_* from the caller's
    environment are dropped); config: INI text written to a file passed with
    --config; prefix: the base path the service lives under; db: the
    database file (False: pass no --db, the server uses ./dossier.db).
    """

    def __init__(self, binary, args=(), env=None, config=None, sample=True,
                 prefix='', db=None, token=TOKEN, start=True):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix='dossier-api-')
        if db is False:
            self.db, self.db_args = os.path.join(self.dir, 'dossier.db'), []
        else:
            self.db = db or os.path.join(self.dir, 'test.db')
            self.db_args = ['--db', self.db]
        self.prefix = prefix
        self.args = list(args)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith('DOSSIER_')}
        if token:
            self.env['DOSSIER_SECURITY_WRITE_TOKEN'] = token
        self.env.update(env or {})
        if config is not None:
            path = os.path.join(self.dir, 'dossier.ini')
            with open(path, 'w') as f:
                f.write(config)
            self.args += ['--config', path]
        self.proc = None
        self.log_path = os.path.join(self.dir, 'serve.log')
        atexit.register(self.close)
        if sample:
            self.cli('ingest', '--db', self.db, str(SAMPLE), check=True)
        if start:
            self.start()

    def cli(self, *args, stdin=None, check=False):
        """Run the binary with @args in the server's folder."""
        p = subprocess.run([self.binary] + list(args), cwd=self.dir,
                           env=self.env, input=stdin, capture_output=True,
                           timeout=100)
        if check and p.returncode != 0:
            raise RuntimeError('dossier %s failed: %s' % (
                ' '.join(args), p.stderr.decode(errors='replace')))
        return p

    def ingest(self, articles, name='corpus.jsonl'):
        """Write @articles (dicts) as NDJSON in the server's folder and load
        them with `dossier ingest`; before start(), or beside the server."""
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            for a in articles:
                f.write(json.dumps(a) + '\n')
        self.cli('ingest', '--db', self.db, path, check=True)

    def start(self, timeout=15):
        """Start on a port the kernel picks, and wait until health answers.

        The port comes from the server's own "listening on" log line: a
        port chosen beforehand could be taken by a parallel test before the
        server binds it.
        """
        self.log_file = open(self.log_path, 'ab')
        offset = len(self.log())
        self.proc = subprocess.Popen(
            [self.binary, 'serve'] + self.db_args +
            ['--listen', '127.0.0.1:0'] + self.args,
            cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.log_file, stderr=self.log_file)
        listening = re.compile(r'listening on http://127\.0\.0\.1:(\d+)/')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            m = listening.search(self.log()[offset:])
            if m:
                self.port = int(m.group(1))
                try:
                    self.request('GET', '/api/v1/health', timeout=2)
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError('dossier serve did not start:\n' + self.log())

    def connection(self, timeout=30):
        return http.client.HTTPConnection('127.0.0.1', self.port,
                                          timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=30,
                conn=None, raw_path=False):
        """One request; @path is relative to the prefix unless raw_path."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict({'Content-Type': 'application/json'},
                           **(headers or {}))
        elif isinstance(body, str):
            body = body.encode()
        own = conn is None
        conn = conn or self.connection(timeout)
        try:
            conn.request(method, path if raw_path else self.prefix + path,
                         body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, r.reason, r.headers, r.read())
        finally:
            if own:
                conn.close()

    def get(self, path, params=None, **kw):
        return self.request('GET', query(path, params), **kw)

    def head(self, path, params=None, **kw):
        return self.request('HEAD', query(path, params), **kw)

    def post(self, path, body, headers=None, **kw):
        return self.request('POST', path, body=body, headers=headers, **kw)

    def delete(self, path, headers=None, **kw):
        return self.request('DELETE', path, headers=headers, **kw)

    def json(self, path, params=None):
        """GET a JSON document, raising unless it is a 200."""
        r = self.get(path, params)
        if r.status != 200:
            raise AssertionError('GET %s: %d %s' % (
                query(path, params), r.status, short(r.body)))
        return r.json()

    def items(self, path, params=None):
        """Every item of a list, in pages of 100, raising on an error."""
        items, _, err = self.pages(path, params, limit=100)
        if err:
            raise AssertionError('GET %s: %s' % (query(path, params), err))
        return items

    def pages(self, path, params=None, limit=2, max_pages=500):
        """Follow next_cursor to the end: (items, pages, error or None)."""
        params = dict(params or {}, limit=limit)
        items, pages = [], 0
        while pages < max_pages:
            r = self.get(path, params)
            if r.status != 200:
                return items, pages, 'page %d: %d %s' % (
                    pages + 1, r.status, short(r.body))
            doc = r.json()
            pages += 1
            if len(doc['items']) > limit:
                return items, pages, 'page %d has %d items > limit' % (
                    pages, len(doc['items']))
            items += doc['items']
            if doc['next_cursor'] is None:
                return items, pages, None
            if not doc['items']:
                return items, pages, 'empty page with a next_cursor'
            params['cursor'] = doc['next_cursor']
        return items, pages, 'more than %d pages' % max_pages

    def log(self):
        try:
            with open(self.log_path, encoding='utf-8',
                      errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self, timeout=20):
        """SIGTERM and wait: the exit status (None if it had to be killed)."""
        if self.proc is None:
            return None
        code = self.proc.poll()
        if code is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                code = None
        self.log_file.close()
        self.proc = None
        return code

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def article(body, **fields):
    """A POST body object."""
    return dict(fields, body=body)
