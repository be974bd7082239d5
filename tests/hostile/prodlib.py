"""prodlib.py - what the hostile, proxy and valgrind tests share.

A TAP producer, a `dossier serve` process on a temporary folder and a port
the kernel picks, plain HTTP over http.client, raw bytes over a socket
(for requests no HTTP library would send), and checks of the error
envelope of API.md. Python 3 standard library only; loopback only; every
wait is bounded.
"""

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / 'sample'
TOKEN = 'hostile-test-token'
AUTH = {'Authorization': 'Bearer ' + TOKEN}
JSON_TYPE = 'application/json; charset=utf-8'


# --- TAP ------------------------------------------------------------------

class Tap:
    """One `ok`/`not ok` line per check; the plan is printed at the end."""

    def __init__(self):
        self.count = 0
        self.failures = 0

    def diag(self, *lines):
        for line in lines:
            for part in str(line).splitlines() or ['']:
                print('# ' + part, flush=True)

    def ok(self, cond, name, *diag):
        self.count += 1
        name = name.replace('#', '\\#').replace('\n', ' ')
        if cond:
            print('ok %d - %s' % (self.count, name), flush=True)
        else:
            self.failures += 1
            print('not ok %d - %s' % (self.count, name), flush=True)
            self.diag(*diag)
        return bool(cond)

    def eq(self, got, want, name):
        return self.ok(got == want, name, 'got:  %s' % short(got),
                       'want: %s' % short(want))

    def skip_all(self, why):
        """No test can run (a tool is missing): say why, exit 77."""
        print('1..0 # SKIP %s' % why, flush=True)
        sys.stderr.write('skipped: %s\n' % why)
        sys.exit(77)

    def done(self):
        print('1..%d' % self.count, flush=True)
        sys.exit(1 if self.failures else 0)


def short(v, n=300):
    s = v if isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n] + '...'


# --- responses ------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers      # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body.decode('utf-8'))

    def __repr__(self):
        return '<%s %s>' % (self.status, short(self.body[:200]))


def envelope_problem(res, status=None, code=None):
    """None when @res carries the error envelope of API.md (with @status
    and @code when given), else what is wrong with it."""
    if status is not None and res.status != status:
        return 'status %s, want %s: %s' % (res.status, status,
                                           short(res.body))
    if res.header('Content-Type') != JSON_TYPE:
        return 'content type %r: %s' % (res.header('Content-Type'),
                                        short(res.body))
    try:
        err = res.json()['error']
    except (ValueError, KeyError, TypeError) as e:
        return 'not the error envelope (%s): %s' % (e, short(res.body))
    if err.get('status') != res.status or not isinstance(
            err.get('message'), str) or not isinstance(err.get('code'), str):
        return 'envelope fields wrong: %s' % short(res.body)
    if code is not None and err['code'] != code:
        return 'code %r, want %r' % (err['code'], code)
    return None


def parse_raw(data):
    """Parse the first HTTP response in @data; None when there is none."""
    head, sep, rest = data.partition(b'\r\n\r\n')
    if not sep:
        return None
    lines = head.split(b'\r\n')
    m = re.match(rb'HTTP/1\.[01] (\d{3})', lines[0])
    if not m:
        return None
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(b':')
        headers.append((k.decode('latin-1').strip(),
                        v.decode('latin-1').strip()))
    res = Response(int(m.group(1)), headers, b'')
    n = res.header('Content-Length')
    res.body = rest[:int(n)] if n and n.isdigit() else rest
    return res


# --- the server -------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    """`dossier serve` on its own temporary folder.

    sample: ingest the five sample articles first (with the CLI); env:
    extra environment (the caller's DOSSIER_* are dropped); config: INI
    text passed with --config; wrapper: a command prefix (valgrind).
    """

    def __init__(self, binary, args=(), env=None, config=None, sample=True,
                 wrapper=(), token=TOKEN, start=True, ready_timeout=20):
        self.binary = os.path.abspath(binary)
        self.dir = tempfile.mkdtemp(prefix='dossier-prod-')
        self.db = os.path.join(self.dir, 'test.db')
        self.args = list(args)
        self.wrapper = list(wrapper)
        self.ready_timeout = ready_timeout
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith('DOSSIER_')}
        if token:
            self.env['DOSSIER_SECURITY_WRITE_TOKEN'] = token
        self.env.update(env or {})
        self.prefix = self.env.get('DOSSIER_SERVER_BASE_PATH', '')
        if config is not None:
            path = os.path.join(self.dir, 'dossier.ini')
            with open(path, 'w') as f:
                f.write(config)
            self.args += ['--config', path]
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.dir, 'serve.log')
        try:
            if sample:
                self.cli('ingest', '--db', self.db, str(SAMPLE), check=True)
            if start:
                self.start()
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cli(self, *args, stdin=None, check=False, timeout=120):
        p = subprocess.run([self.binary] + list(args), cwd=self.dir,
                           env=self.env, input=stdin, capture_output=True,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError('dossier %s failed: %s' % (
                ' '.join(args), p.stderr.decode(errors='replace')))
        return p

    def start(self, listen_port=0):
        """Start and wait until /api/v1/health answers."""
        self.log_file = open(self.log_path, 'ab')
        self.log_offset = len(self.log())
        self.proc = subprocess.Popen(
            self.wrapper + [self.binary, 'serve', '--db', self.db,
                            '--listen', '127.0.0.1:%d' % listen_port] +
            self.args,
            cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.log_file, stderr=self.log_file)
        deadline = time.monotonic() + self.ready_timeout
        pat = re.compile(r'listening on http://[^:]+:(\d+)/')
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('dossier serve exited %s:\n%s' % (
                    self.proc.returncode, self.log()[-3000:]))
            m = pat.search(self.log()[self.log_offset:])
            if m:
                self.port = int(m.group(1))
                try:
                    if self.get(self.prefix + '/api/v1/health',
                                timeout=5).status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError('dossier serve did not start:\n' +
                           self.log()[-3000:])

    def log(self):
        with open(self.log_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def access_lines(self):
        return [l for l in self.log().splitlines() if ' access ' in l]

    def alive(self):
        """The process runs and answers health."""
        if self.proc.poll() is not None:
            return False
        try:
            return self.get(self.prefix + '/api/v1/health',
                            timeout=10).status == 200
        except OSError:
            return False

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Send @sig and wait; returns the exit status (None: had to kill)."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.log_file.close()

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if os.environ.get('DOSSIER_TEST_KEEP') != '1':
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- talking to it ---

    def request(self, method, path, body=None, headers=None, timeout=30,
                port=None):
        conn = http.client.HTTPConnection('127.0.0.1', port or self.port,
                                          timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            if body is not None:
                if isinstance(body, str):
                    body = body.encode('utf-8')
                conn.putheader('Content-Length', str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    def get(self, path, headers=None, timeout=30):
        return self.request('GET', path, headers=headers, timeout=timeout)

    def post(self, path, body, content_type='application/json',
             headers=None, timeout=60):
        h = dict(AUTH)
        h['Content-Type'] = content_type
        h.update(headers or {})
        return self.request('POST', path, body, h, timeout=timeout)

    def raw(self, data, timeout=3, shut=False):
        """Send bytes on a new connection; read until close or @timeout.
        Returns (bytes read, whether the server closed)."""
        out = b''
        closed = False
        with socket.create_connection(('127.0.0.1', self.port),
                                      timeout=timeout) as s:
            try:
                s.sendall(data)
                if shut:
                    s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                except OSError:
                    closed = True
                    break
                if not chunk:
                    closed = True
                    break
                out += chunk
                res = parse_raw(out)
                n = res.header('Content-Length') if res else None
                if res and (res.status == 304 or (n and n.isdigit() and
                                                  len(res.body) >= int(n))):
                    break       # one whole response: enough
        return out, closed
