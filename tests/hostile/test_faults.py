#!/usr/bin/env python3
"""test_faults.py - faults around `dossier serve` and `dossier ingest`.

usage: test_faults.py PATH/TO/dossier

- Concurrent ingest while serving: the CLI and POSTs write while readers
  page, search and read annotations. No `database is locked`, no 5xx,
  the article count never goes down, an article's annotations never
  change once it is visible (each article is stored atomically).
- SIGKILL during ingest (CLI, and the server during a POST), at several
  points: the database passes PRAGMA integrity_check and
  foreign_key_check, entity counters match the mentions, every stored
  article has exactly the annotations a clean ingest gives it, and
  running the same ingest again completes the corpus.
- SIGTERM: an in-flight request is finished, idle keep-alive connections
  do not hold the exit up, new connections are refused, the exit status
  is 0, and a client that never finishes cannot hold it beyond the grace
  period.

Output is TAP.
"""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prodlib import AUTH, Server, Tap, parse_raw  # noqa: E402

tap = Tap()
if len(sys.argv) < 2:
    sys.exit('usage: %s PATH/TO/dossier' % sys.argv[0])
BINARY = os.path.abspath(sys.argv[1])

PEOPLE = ['Joe Biden', 'Vladimir Putin', 'Volodymyr Zelensky',
          'Antony Blinken', 'Sergei Lavrov', 'Jens Stoltenberg',
          'Olaf Scholz', 'Emmanuel Macron', 'Wendy Sherman',
          'Sergei Ryabkov']
PLACES = ['Geneva', 'Kyiv', 'Moscow', 'Brussels', 'Warsaw', 'Vienna',
          'Berlin', 'Paris', 'Minsk', 'Helsinki']
ORGS = ['NATO', 'the European Union', 'the United Nations', 'the Pentagon',
        'the Kremlin', 'the OSCE']
DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']
SOURCES = ['Wire One', 'Daily Two', 'Times Three', 'Post Four']


def make_articles(n, tag):
    """@n distinct news-style articles (external ids tag-0 ... tag-n-1)."""
    out = []
    for i in range(n):
        p1, p2 = PEOPLE[i % 10], PEOPLE[(i * 3 + 1) % 10]
        if p1 == p2:
            p2 = PEOPLE[(i + 5) % 10]
        place, place2 = PLACES[i % 10], PLACES[(i * 7 + 3) % 10]
        body = (
            '%s met %s in %s on %s, officials said. '
            '"We will not accept new threats to our security," %s told '
            'reporters after talks that lasted %d hours. '
            'As many as %d,000 troops were reported near the border, '
            'according to %s. '
            'Talks are scheduled to resume on January %d, 2022, in %s. '
            '%s said he would consult allies next week. '
            'This is dispatch %s number %d.' % (
                p1, p2, place, DAYS[i % 5], p2, 2 + i % 9, 60 + i % 70,
                ORGS[i % 6], 1 + i % 28, place2, p1, tag, i))
        out.append({'id': '%s-%d' % (tag, i), 'source': SOURCES[i % 4],
                    'published': '2022-01-%02d' % (1 + i % 28),
                    'title': 'Talks in %s, dispatch %d' % (place, i),
                    'body': body})
    return out


def write_ndjson(path, articles):
    with open(path, 'w') as f:
        for a in articles:
            f.write(json.dumps(a) + '\n')


def annotation_spans(conn):
    """external_id -> the per-article extraction results (no ids that
    cross-article consolidation may change)."""
    spans = {}
    for ext, in conn.execute('SELECT external_id FROM articles'):
        spans[ext] = None
    q = {
        'm': 'SELECT a.external_id, m.start, m."end", m.type, '
             'substr(a.body, m.start + 1, m."end" - m.start) FROM '
             'mentions m JOIN articles a ON a.id = m.article_id',
        't': 'SELECT a.external_id, t.start, t."end", t.type, t.value FROM '
             'timexes t JOIN articles a ON a.id = t.article_id',
        'c': 'SELECT a.external_id, c.kind, c.start, c."end" FROM claims c '
             'JOIN articles a ON a.id = c.article_id',
    }
    result = {ext: set() for ext in spans}
    for kind, sql in q.items():
        for row in conn.execute(sql):
            result[row[0]].add((kind,) + tuple(row[1:]))
    return result


def db_check(path):
    """(integrity_check result, foreign key violations and entities whose
    counters disagree with their mentions, spans)."""
    conn = sqlite3.connect('file:%s?mode=ro' % path, uri=True, timeout=30)
    try:
        integrity = conn.execute('PRAGMA integrity_check').fetchone()[0]
        fk = conn.execute('PRAGMA foreign_key_check').fetchall()
        fk += conn.execute(
            'SELECT \'entity counters\', id FROM entities e WHERE '
            'mention_count != (SELECT count(*) FROM mentions m '
            'WHERE m.entity_id = e.id) OR article_count != (SELECT '
            'count(DISTINCT article_id) FROM mentions m '
            'WHERE m.entity_id = e.id)').fetchall()
        return integrity, fk, annotation_spans(conn)
    finally:
        conn.close()


# --- concurrent ingest while serving -------------------------------------------

def api_spans(doc):
    return sorted([('e', x['start'], x['end'], x['type'])
                   for x in doc['entities']] +
                  [('t', x['start'], x['end'], x['type'], x['value'])
                   for x in doc['timexes']] +
                  [('c', x['start'], x['end'], x['kind'])
                   for x in doc['claims']])


def concurrent():
    with Server(BINARY) as s:
        cli_articles = make_articles(200, 'cli')
        api_articles = make_articles(100, 'api')
        path = os.path.join(s.dir, 'cli.ndjson')
        write_ndjson(path, cli_articles)
        problems = []
        seen = {}                 # article id -> spans when first read
        counts = {'reads': 0, 'posts': 0}
        writers_done = threading.Event()
        lock = threading.Lock()
        cli_result = {}

        def cli_writer():
            p = subprocess.run([BINARY, 'ingest', '--db', s.db, path],
                               capture_output=True, timeout=300)
            cli_result['rc'] = p.returncode
            cli_result['err'] = p.stderr.decode('utf-8', 'replace')

        def api_writer():
            for i in range(0, len(api_articles), 10):
                batch = '\n'.join(json.dumps(a)
                                  for a in api_articles[i:i + 10])
                res = s.post('/api/v1/articles', batch,
                             'application/x-ndjson')
                with lock:
                    counts['posts'] += 1
                    if res.status != 201:
                        problems.append('POST -> %d %s' % (res.status,
                                                            res.body[:200]))
                    elif res.json()['errors']:
                        problems.append('POST errors: %s' % res.body[:300])

        def reader(k):
            last = 0
            while not writers_done.is_set():
                try:
                    h = s.get('/api/v1/health')
                    n = h.json()['articles']
                    if n < last:
                        problems.append('article count went down: %d -> %d'
                                        % (last, n))
                    last = n
                    lst = s.get('/api/v1/articles?limit=100&sort=-published'
                                '&_r=%d' % k)
                    for path_ in ('/api/v1/articles?q=troops+border&limit=5',
                                  '/api/v1/entities?limit=10',
                                  '/api/v1/claim-groups?limit=5',
                                  '/api/v1/timeline?limit=10',
                                  '/api/v1/sources'):
                        r = s.get(path_)
                        if r.status != 200:
                            problems.append('%s -> %d %s' % (
                                path_, r.status, r.body[:200]))
                    if lst.status != 200:
                        problems.append('list -> %d %s' % (lst.status,
                                                            lst.body[:200]))
                        continue
                    for item in lst.json()['items'][k::4][:5]:
                        r = s.get('/api/v1/articles/%d/annotations' %
                                  item['id'])
                        if r.status != 200:
                            problems.append('listed article %d: annotations'
                                            ' -> %d' % (item['id'], r.status))
                            continue
                        spans = api_spans(r.json())
                        with lock:
                            first = seen.setdefault(item['id'], spans)
                        if first != spans:
                            problems.append('annotations of %d changed' %
                                            item['id'])
                    with lock:
                        counts['reads'] += 7
                except (OSError, ValueError, KeyError) as e:
                    problems.append('reader: %r' % e)

        threads = [threading.Thread(target=cli_writer),
                   threading.Thread(target=api_writer)]
        readers = [threading.Thread(target=reader, args=(k,))
                   for k in range(3)]
        t0 = time.monotonic()
        for t in threads + readers:
            t.start()
        for t in threads:
            t.join(300)
        writers_done.set()
        for t in readers:
            t.join(60)
        took = time.monotonic() - t0
        tap.diag('%d reads, %d POSTs and a 200-article CLI ingest in %.1f s'
                 % (counts['reads'], counts['posts'], took))
        tap.eq(cli_result.get('rc'), 0, 'CLI ingest alongside the server '
               'exits 0')
        locked = [l for l in (s.log() + cli_result.get('err', '')).splitlines()
                  if 'locked' in l.lower() or 'busy' in l.lower()]
        tap.ok(not locked, 'no "database is locked" / busy anywhere',
               *locked[:10])
        tap.ok(not problems, 'readers saw only 200s, a growing count and '
               'stable annotations', *problems[:15])
        tap.ok(len(seen) > 20, 'readers checked %d articles' % len(seen))
        final = s.get('/api/v1/health').json()['articles']
        tap.eq(final, 5 + 200 + 100, 'every article is stored')
        changed = []
        for aid, spans in seen.items():
            r = s.get('/api/v1/articles/%d/annotations' % aid)
            if r.status != 200 or api_spans(r.json()) != spans:
                changed.append(aid)
        tap.ok(not changed, 'what readers saw mid-ingest is what is stored',
               'changed: %s' % changed[:20])
        tap.ok(s.alive(), 'server alive after concurrent ingest')


# --- SIGKILL during ingest --------------------------------------------------

def stored_count(path):
    try:
        conn = sqlite3.connect('file:%s?mode=ro' % path, uri=True, timeout=5)
        try:
            return conn.execute('SELECT count(*) FROM articles').fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def sigkill():
    # Enough articles for several batches past the last kill point: with
    # 600, the first batch could hold 340 and the run end 0.2 s after the
    # commit that the kill at 300 waits for, before the kill landed.
    total = 2400
    work = tempfile.mkdtemp(prefix='dossier-kill-')
    articles = make_articles(total, 'kill')
    path = os.path.join(work, 'corpus.ndjson')
    write_ndjson(path, articles)
    ref = os.path.join(work, 'ref.db')
    t0 = time.monotonic()
    p = subprocess.run([BINARY, 'ingest', '--db', ref, path],
                       capture_output=True, timeout=600)
    tap.eq(p.returncode, 0, 'reference ingest of %d articles (%.1f s)' %
           (total, time.monotonic() - t0))
    _, _, ref_spans = db_check(ref)
    tap.eq(len(ref_spans), total, 'reference has every article')
    # Ingest commits whole articles in batches (a quarter second at most),
    # so kills land well before the end.
    for target in (1, total // 3, total // 2):
        db = os.path.join(work, 'kill-%d.db' % target)
        proc = subprocess.Popen([BINARY, 'ingest', '--db', db, path],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while (proc.poll() is None and time.monotonic() < deadline and
               stored_count(db) < target):
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        what = 'SIGKILL after %d stored' % target
        integrity, fk, spans = db_check(db)
        tap.eq(integrity, 'ok', '%s: integrity_check' % what)
        tap.eq(fk, [], '%s: foreign_key_check, entity counters' % what)
        tap.ok(0 < len(spans) < total, '%s: killed mid-ingest (%d of %d '
               'stored)' % (what, len(spans), total))
        wrong = [e for e, sp in spans.items() if sp != ref_spans.get(e)]
        tap.ok(not wrong, '%s: each stored article has all its annotations'
               % what, 'incomplete: %s' % wrong[:10])
        p = subprocess.run([BINARY, 'ingest', '--db', db, path],
                           capture_output=True, timeout=600)
        out = (p.stdout + p.stderr).decode('utf-8', 'replace')
        m = re.search(r'ingested (\d+) articles \((\d+) duplicates', out)
        tap.eq(p.returncode, 0, '%s: the same ingest again exits 0' % what)
        tap.ok(m and (int(m.group(1)), int(m.group(2))) ==
               (total - len(spans), len(spans)),
               '%s: it stores the rest and skips the %d stored as duplicates'
               % (what, len(spans)), out[-500:])
        integrity, fk, spans = db_check(db)
        tap.ok(integrity == 'ok' and not fk and spans == ref_spans,
               '%s: ingest again completes the corpus exactly' % what,
               'integrity %s, fk %s, %d articles, %d differ' % (
                   integrity, fk[:3], len(spans),
                   sum(1 for e in ref_spans if spans.get(e) != ref_spans[e])))
    # The same through the server: SIGKILL while a POST is being stored.
    with Server(BINARY, sample=False) as s:
        with open(path) as f:
            body = f.read()
        posted = {}

        def post():
            try:
                posted['res'] = s.post('/api/v1/articles', body,
                                       'application/x-ndjson', timeout=600)
            except OSError as e:
                posted['error'] = e

        t = threading.Thread(target=post)
        t.start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and stored_count(s.db) < 100:
            time.sleep(0.01)
        s.proc.kill()
        s.proc.wait()
        t.join(30)
        what = 'SIGKILL of the server during a POST'
        integrity, fk, spans = db_check(s.db)
        tap.ok(integrity == 'ok' and not fk, '%s: integrity_check and '
               'foreign_key_check' % what, '%s %s' % (integrity, fk[:3]))
        wrong = [e for e, sp in spans.items() if sp != ref_spans.get(e)]
        tap.ok(0 < len(spans) < total and not wrong, '%s: %d stored, each '
               'with all its annotations' % (what, len(spans)),
               'incomplete: %s' % wrong[:10])
        s.start()
        res = s.post('/api/v1/articles', body, 'application/x-ndjson',
                     timeout=600)
        doc = res.json() if res.status == 201 else {}
        tap.ok(res.status == 201 and
               len(doc['duplicates']) == len(spans) and
               len(doc['created']) == total - len(spans) and
               not doc['errors'],
               '%s: the same POST again stores the rest' % what,
               repr(res)[:300])
        s.stop()
        integrity, fk, spans = db_check(s.db)
        tap.ok(integrity == 'ok' and not fk and spans == ref_spans,
               '%s: the corpus is complete and exact' % what)
    if os.environ.get('DOSSIER_TEST_KEEP') != '1':
        subprocess.run(['rm', '-rf', work])


# --- SIGTERM ------------------------------------------------------------------

def sigterm():
    # An in-flight POST whose body is still arriving when SIGTERM comes.
    with Server(BINARY) as s:
        body = json.dumps({'id': 'drain-1', 'title': 'Drain',
                           'body': 'Diplomats met in Vienna on Friday and '
                                   'agreed to meet again, officials said.'})
        body = body.encode()
        keep = socket.create_connection(('127.0.0.1', s.port), timeout=10)
        keep.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
        first = keep.recv(65536)
        idle = [socket.create_connection(('127.0.0.1', s.port), timeout=5)
                for _ in range(50)]
        c = socket.create_connection(('127.0.0.1', s.port), timeout=15)
        c.sendall(b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                  b'Authorization: ' + AUTH['Authorization'].encode() +
                  b'\r\nContent-Type: application/json\r\nContent-Length: ' +
                  str(len(body)).encode() + b'\r\n\r\n' + body[:20])
        time.sleep(0.3)
        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        tap.ok(s.proc.poll() is None, 'SIGTERM: still running while a '
               'request is in flight')
        late, outcome = b'', 'refused'
        try:
            refused = socket.create_connection(('127.0.0.1', s.port),
                                               timeout=1)
            refused.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
            late = refused.recv(65536)
            outcome = 'answered' if late else 'closed'
            refused.close()
        except socket.timeout:
            outcome = 'accepted, no answer within 1 s'
        except OSError:
            pass
        res = parse_raw(late)
        tap.ok(outcome in ('refused', 'closed') or
               (res is not None and res.status == 503),
               'SIGTERM: a new connection is refused or told 503 (%s)' %
               outcome, repr(late))
        c.sendall(body[20:])
        out = b''
        while b'\r\n\r\n' not in out or len(out) < 200:
            try:
                chunk = c.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            res = parse_raw(out)
            if res and len(res.body) >= int(res.header('Content-Length') or
                                            0):
                break
        res = parse_raw(out)
        tap.ok(res is not None and res.status == 201,
               'SIGTERM: the in-flight POST is finished (201)',
               repr(out[:400]))
        t1 = time.monotonic()
        code = s.stop(timeout=20)
        took = time.monotonic() - t1
        tap.eq(code, 0, 'SIGTERM: exit status 0 (%.1f s after the signal)'
               % (time.monotonic() - t0))
        tap.ok(took < 2, 'SIGTERM: 50 idle keep-alive connections do not '
               'hold the exit (%.2f s after the last request)' % took)
        tap.ok(first.startswith(b'HTTP/1.1 200'), 'keep-alive connection '
               'was served before SIGTERM')
        for sock in idle + [c, keep]:
            sock.close()
        log = s.log()
        tap.ok('finishing in-flight requests' in log and 'stopped' in log,
               'SIGTERM: the log says it drained and stopped', log[-800:])
        # The stored article survives the restart.
        s.start()
        r = s.get('/api/v1/articles?q=Vienna+diplomats')
        tap.ok(r.status == 200 and r.json()['total'] >= 1,
               'the drained POST was stored', repr(r))
        tap.eq(s.stop(signal.SIGINT), 0, 'SIGINT: exit status 0')

    # A client that never finishes cannot hold the exit forever.
    with Server(BINARY) as s:
        c = socket.create_connection(('127.0.0.1', s.port), timeout=30)
        c.sendall(b'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
                  b'Content-Type: application/json\r\n'
                  b'Content-Length: 1000\r\n\r\n{"bo')
        time.sleep(0.2)
        t0 = time.monotonic()
        code = s.stop(timeout=40)
        took = time.monotonic() - t0
        tap.ok(code == 0 and took < 15,
               'SIGTERM with a never-ending upload: exits %s after %.1f s '
               '(grace is bounded)' % (code, took))
        c.close()


def main():
    for section in (concurrent, sigkill, sigterm):
        tap.diag('--- ' + section.__name__)
        try:
            section()
        except Exception as e:
            tap.ok(False, '%s raised %s' % (section.__name__,
                                            str(e)[:200]),
                   traceback.format_exc()[-3000:])
    tap.done()


main()
