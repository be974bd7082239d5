#!/usr/bin/env python3
"""session.py - a served session under valgrind (used by run.sh).

usage: session.py PATH/TO/dossier VALGRIND-ARGS...

Ingests the sample corpus with the CLI under valgrind, then starts
`dossier serve` under valgrind, makes requests to every endpoint (errors,
writes, 304s, gzip, pages and /metrics included), stops it with SIGTERM and
checks valgrind's verdict for both. Output is TAP.
"""

import os
import re
import signal
import subprocess
import sys
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'hostile'))
from prodlib import SAMPLE, Server, Tap  # noqa: E402

tap = Tap()
BINARY = sys.argv[1]
VALGRIND = sys.argv[2:]


def verdict(log_path, what, status):
    """valgrind runs --quiet: a clean run writes nothing to its log."""
    with open(log_path, errors='replace') as f:
        report = [l for l in f.read().splitlines() if l.startswith('==')]
    lost = re.findall(r'definitely lost: ([\d,]+) bytes', '\n'.join(report))
    tap.ok(status == 0 and not report,
           '%s: valgrind clean (exit %s%s)' % (
               what, status, ', definitely lost %s bytes' % '+'.join(lost)
               if lost else ''), *report[:80])


def requests(s):
    bad = []
    sent = []

    def expect(status, method, path, body=None, headers=None):
        sent.append(path)
        res = s.request(method, path, body, headers, timeout=120)
        if res.status != status:
            bad.append('%s %s -> %d, want %d' % (method, path, res.status,
                                                  status))
        return res

    auth = {'Authorization': 'Bearer hostile-test-token',
            'Content-Type': 'application/json'}
    arts = expect(200, 'GET', '/api/v1/articles?limit=2').json()
    expect(200, 'GET', '/api/v1/articles?limit=2&cursor=' +
           urllib.parse.quote(arts['next_cursor'] or ''))
    expect(200, 'GET', '/api/v1/articles?q=%22phone+call%22+-Zelensky')
    expect(200, 'GET', '/api/v1/articles?q=troop*+OR+border&sort=published')
    expect(200, 'GET', '/api/v1/articles?source=Reuters,Daily+Mail'
           '&since=2021-12-01&until=2022-01-31')
    aid = arts['items'][0]['id']
    res = expect(200, 'GET', '/api/v1/articles/%d' % aid)
    expect(304, 'GET', '/api/v1/articles/%d' % aid,
           headers={'If-None-Match': res.header('ETag') or '*'})
    expect(200, 'GET', '/api/v1/articles/%d/annotations' % aid,
           headers={'Accept-Encoding': 'gzip'})
    ent = expect(200, 'GET', '/api/v1/entities?type=person&q=put').json()
    eid = ent['items'][0]['id'] if ent['items'] else 1
    expect(200, 'GET', '/api/v1/entities?sort=name&limit=3')
    expect(200, 'GET', '/api/v1/entities/%d' % eid)
    expect(200, 'GET', '/api/v1/entities/%d/articles' % eid)
    cl = expect(200, 'GET', '/api/v1/claims?kind=number').json()
    expect(200, 'GET', '/api/v1/claims?q=troops&status=conflicting')
    if cl['items']:
        expect(200, 'GET', '/api/v1/claims/%d' % cl['items'][0]['id'])
    groups = expect(200, 'GET', '/api/v1/claim-groups?min_sources=2').json()
    if groups['items']:
        expect(200, 'GET', '/api/v1/claim-groups/%d' %
               groups['items'][0]['id'])
    expect(200, 'GET', '/api/v1/timeline?since=2021-12&precision=day')
    expect(200, 'GET', '/api/v1/timeline/volume?interval=week&q=putin')
    expect(200, 'GET', '/api/v1/sources')
    expect(200, 'HEAD', '/api/v1/health')
    expect(200, 'GET', '/api/v1/openapi.json',
           headers={'Accept-Encoding': 'gzip'})
    expect(200, 'GET', '/metrics')
    expect(200, 'GET', '/', headers={'Accept': 'text/html'})
    expect(200, 'GET', '/claims', headers={'Accept': 'text/html'})
    expect(200, 'GET', '/css/dossier.css')
    expect(404, 'GET', '/nope.png')
    # Errors.
    expect(400, 'GET', '/api/v1/articles?limit=0')
    expect(400, 'GET', '/api/v1/articles?bogus=1')
    expect(400, 'GET', '/api/v1/articles?q=-only')
    expect(400, 'GET', '/api/v1/articles?cursor=garbage')
    expect(400, 'GET', '/api/v1/articles?q=%FF')
    expect(400, 'GET', '/api/v1/entities?type=animal')
    expect(404, 'GET', '/api/v1/articles/999999')
    expect(404, 'GET', '/api/v1/nope')
    expect(405, 'PUT', '/api/v1/articles')
    expect(204, 'OPTIONS', '/api/v1/articles')
    expect(401, 'POST', '/api/v1/articles', '{"body": "x"}',
           {'Content-Type': 'application/json'})
    expect(415, 'POST', '/api/v1/articles', 'x',
           dict(auth, **{'Content-Type': 'text/plain'}))
    expect(400, 'POST', '/api/v1/articles', '{"body": ', auth)
    expect(400, 'POST', '/api/v1/articles', '[' * 5000, auth)
    # Writes.
    res = expect(201, 'POST', '/api/v1/articles',
                 '[{"title": "Talks", "source": "Wire", "published": '
                 '"2022-01-10", "body": "Negotiators met in Geneva on Monday,'
                 ' and Wendy Sherman said \\"we were firm\\"."}, {"body": 5}]',
                 auth)
    new = res.json()['created'] if res.status == 201 else []
    expect(201, 'POST', '/api/v1/articles',
           '{"id": "x1", "body": "As many as 100,000 troops massed."}\n'
           '{"id": "x1", "body": "duplicate"}\n',
           dict(auth, **{'Content-Type': 'application/x-ndjson'}))
    for aid in new:
        expect(204, 'DELETE', '/api/v1/articles/%d' % aid, None, auth)
    expect(404, 'DELETE', '/api/v1/articles/999999', None, auth)
    tap.ok(not bad, 'a session of %d requests answers as expected' %
           len(sent), *bad)
    return len(sent)


def main():
    s = Server(BINARY, sample=False, start=False, ready_timeout=180)
    ingest_log = os.path.join(s.dir, 'valgrind-ingest.log')
    p = subprocess.run(VALGRIND + ['--log-file=' + ingest_log, s.binary,
                                   'ingest', '--db', s.db, str(SAMPLE)],
                       cwd=s.dir, env=s.env, capture_output=True, timeout=900)
    verdict(ingest_log, 'dossier ingest sample/', p.returncode)
    serve_log = os.path.join(s.dir, 'valgrind-serve.log')
    s.wrapper = VALGRIND + ['--log-file=' + serve_log]
    try:
        s.start()
        n = requests(s)
        status = s.stop(signal.SIGTERM, timeout=120)
        verdict(serve_log, 'dossier serve, %d requests, SIGTERM' % n, status)
    except Exception as e:
        tap.ok(False, 'served session raised %s' % str(e)[:200],
               traceback.format_exc()[-3000:])
    finally:
        s.close()
    tap.done()


main()
