#!/usr/bin/env python3
"""test_cache.py - answers stay right with the response cache.

The server keeps rendered GET answers keyed by the request and the corpus
generation (server/api/cache.c). This checks that repeated requests get
the same bytes, that the server's own writes show at once, and that a write
by another process (`dossier ingest` into the served database) shows
within a short time (the generation is polled every 50 ms).
"""

import json
import time

from harness import AUTH, Server, Tap, article

tap = Tap()


def total(s, path='/api/v1/articles'):
    return json.loads(s.get(path).body)['total']


@tap.test
def repeated(t):
    with Server(tap.binary) as s:
        paths = ['/api/v1/articles?q=troops', '/api/v1/articles/1',
                 '/api/v1/entities?limit=3', '/api/v1/claim-groups']
        for p in paths:
            bodies = {s.get(p).body for _ in range(5)}
            t.eq(len(bodies), 1, '%s: five answers, one body' % p)
        a = s.get('/api/v1/articles?limit=2&sort=id').body
        b = s.get('/api/v1/articles?sort=id&limit=2').body
        t.eq(a, b, 'the same question in another parameter order')


@tap.test
def own_writes(t):
    with Server(tap.binary) as s:
        before = total(s)
        res = s.post('/api/v1/articles', json.dumps(article(
            'Negotiators met in Geneva on Monday to discuss troop levels.',
            source='Wire')).encode(), headers=dict(AUTH, **{
                'Content-Type': 'application/json'}))
        t.status(res, 201, 'POST an article')
        t.eq(total(s), before + 1, 'the next list counts it at once')
        new = json.loads(res.body)['created'][0]
        t.status(s.get('/api/v1/articles/%d' % new), 200, 'and serves it')
        t.status(s.delete('/api/v1/articles/%d' % new, headers=AUTH), 204,
                 'DELETE it')
        t.status(s.get('/api/v1/articles/%d' % new), 404,
                 'the next GET is a 404 at once')
        t.eq(total(s), before, 'and the list no longer counts it')


@tap.test
def other_process(t):
    with Server(tap.binary) as s:
        before = total(s)
        p = s.cli('ingest', '--db', s.db, '-', stdin=json.dumps(article(
            'Officials in Vienna said on Tuesday that talks would resume.',
            source='Other Wire')).encode() + b'\n')
        t.eq(p.returncode, 0, 'another process ingests into the served db')
        deadline = time.monotonic() + 2
        seen = total(s)
        while seen != before + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
            seen = total(s)
        t.eq(seen, before + 1, 'the server sees it within 2 s')


tap.main()
