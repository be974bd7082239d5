"""test_writes.py - POST and DELETE /api/v1/articles: authorisation (401,
403 with no token and with --read-only), body limits (413), media types
(415), batches with a bad article, NDJSON, invalid bodies, duplicates, and
what a delete removes.

usage: test_writes.py PATH/TO/dossier
"""

import json
import os
import sqlite3
import struct

from harness import AUTH, Server, Tap, article

tap = Tap()
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                      'schema')
srv = Server(tap.binary)
NDJSON = {'Content-Type': 'application/x-ndjson'}


def count():
    return srv.json('/api/v1/health')['articles']


def post(body, headers=None):
    return srv.post('/api/v1/articles', body, dict(AUTH, **(headers or {})))


@tap.test
def post_one(t):
    a = article('The port of Ostrava-Lhota reopened on Tuesday after a '
                'two-day strike by 450 dock workers, the union said.',
                title='Port reopens', source='Test Wire',
                published='2022-02-01', url='https://example.org/port',
                external_id='wire-0001', extra_field={'ignored': True})
    n = count()
    r = post(a)
    doc = t.json_ok(r, 'POST one article', 201)
    if doc is None:
        return
    t.ok(set(doc) >= {'created', 'duplicates', 'errors'},
         'result has created, duplicates, errors', doc)
    t.eq((len(doc['created']), doc['duplicates'], doc['errors']),
         (1, [], []), 'one created, no duplicates, no errors')
    t.eq(count(), n + 1, 'health counts the new article')
    new = doc['created'][0]
    got = srv.json('/api/v1/articles/%d' % new)
    for k in ('title', 'source', 'published', 'url', 'external_id', 'body'):
        t.eq(got[k], a[k], 'stored %s' % k)
    t.ok(isinstance(got['word_count'], int) and
         15 <= got['word_count'] <= 20,
         'word_count computed', got['word_count'])
    t.ok('extra_field' not in got, 'other fields are ignored')
    loc = r.header('Location')
    t.ok(loc is None or loc.startswith('/api/v1/articles'),
         'Location (if any) points into the API', loc)
    ann = srv.json('/api/v1/articles/%d/annotations' % new)
    t.ok(ann['timexes'] or ann['entities'],
         'needs extraction: annotations exist right after the 201')
    r = post({'body': 'Officials met on Jan. 5, 2022 at noon in a tented '
                      'hall outside the capital.',
              'published': '2022-01-05T10:00:00Z'})
    if t.status(r, 201, 'POST with a full timestamp published'):
        got = srv.json('/api/v1/articles/%d' % r.json()['created'][0])
        t.eq(got['published'], '2022-01-05T10:00:00Z',
             'full published timestamp stored')
        t.eq((got['title'], got['source'], got['url'], got['external_id']),
             (None, None, None, None), 'absent fields are null')


@tap.test
def post_batch_with_errors(t):
    n = count()
    batch = [
        article('Batch story one: the regional council approved a budget '
                'of 12 million euros on Monday.'),
        {'title': 'no body at all'},
        article('Batch story three: forty hikers were rescued from the '
                'ridge by helicopter crews overnight.'),
        article(''),
        {'body': 42},
        article('Batch story six: the ferry service resumes next week.',
                published='yesterday'),
        'not an object',
        article('Batch story eight: a new library opened in the old mill.'),
    ]
    r = post(batch)
    doc = t.json_ok(r, 'batch with bad articles', 201)
    if doc is None:
        return
    bad = sorted(e['index'] for e in doc['errors'])
    t.eq(bad, [1, 3, 4, 5, 6], 'errors[] name the bad indexes')
    t.ok(all(e.get('code') == 'invalid_article' and
             isinstance(e.get('message'), str) and e['message']
             for e in doc['errors']),
         'errors are invalid_article with a message', doc['errors'])
    t.eq(len(doc['created']), 3, 'the three good articles are created')
    t.eq(count(), n + 3, 'exactly three stored')
    bodies = [srv.json('/api/v1/articles/%d' % i)['body']
              for i in doc['created']]
    t.eq(bodies, [batch[0]['body'], batch[2]['body'], batch[7]['body']],
         'created ids in input order')
    r = post([])
    t.ok(r.status in (201, 400), 'empty array: 201 (nothing) or 400',
         r.status)


@tap.test
def post_ndjson(t):
    n = count()
    lines = [json.dumps(article('NDJSON line %d: the tram network added '
                                '%d stops in the northern district.'
                                % (i, i + 2), source='Line Wire'))
             for i in range(3)]
    r = post('\n'.join(lines) + '\n', NDJSON)
    doc = t.json_ok(r, 'NDJSON POST', 201)
    if doc:
        t.eq(len(doc['created']), 3, 'NDJSON: three created')
    t.eq(count(), n + 3, 'NDJSON: three stored')
    r = post('\n' + json.dumps(article('NDJSON blank lines: a bakery won '
                                       'the county prize.')) + '\n\n',
             NDJSON)
    t.status(r, 201, 'NDJSON with blank lines')
    r = post(json.dumps(article('NDJSON with a bad line: never stored.')) +
             '\n{"body": "broken\n', NDJSON)
    t.error(r, 400, 'invalid_json', 'NDJSON with an invalid line')
    t.eq(count(), n + 4, 'invalid NDJSON: nothing stored')


@tap.test
def invalid_bodies(t):
    n = count()
    for body in ['{"body": "unterminated', '{"body": "x"} trailing',
                 '[{"body": "one"}, ', 'not json', '', '\xff\xfe',
                 '{"body": "a"}{"body": "b"}']:
        r = post(body.encode('latin-1') if '\xff' in body else body,
                 {'Content-Type': 'application/json'})
        t.error(r, 400, {'invalid_json', 'invalid_article'},
                'invalid JSON body %r' % body[:20])
    t.eq(count(), n, 'invalid JSON: nothing stored')
    for body in ['42', '"text"', 'null']:
        r = post(body, {'Content-Type': 'application/json'})
        t.ok(r.status == 400 or (r.status == 201 and r.json()['errors']),
             'JSON %s is not an article: 400 or an error entry' % body,
             r.status, r.body[:200])
    t.eq(count(), n, 'no article stored from non-objects')


@tap.test
def text_round_trip(t):
    body = ('Z\u00fcrich \u2014 the caf\u00e9 \u201cLa Fl\u00e8che\u201d '
            'reopened; \u5317\u4eac and Kyiv sent \U0001F600 greetings.\n\n'
            'Second paragraph\twith a tab.')
    r = post(article(body, title='\u00c9t\u00e9 \u2019quotes\u2019'))
    doc = t.json_ok(r, 'POST non-ASCII text', 201)
    if doc:
        got = srv.json('/api/v1/articles/%d' % doc['created'][0])
        t.eq(got['body'], body, 'body returned exactly as stored')
        t.eq(got['title'], '\u00c9t\u00e9 \u2019quotes\u2019',
             'title round trip')
        found = srv.json('/api/v1/articles', {'q': 'Z\u00fcrich'})['items']
        t.ok(doc['created'][0] in [a['id'] for a in found],
             'q=Z\u00fcrich finds it')
        found = srv.json('/api/v1/articles', {'q': 'caf\u00e9'})['items']
        t.ok(doc['created'][0] in [a['id'] for a in found],
             'q=caf\u00e9 finds it')
    r = post(article('NUL inside \u0000 the body: a test of the parser.'))
    t.ok(r.status in (201, 400), 'a body with U+0000: 201 or 400, never '
         '5xx', r.status)
    if r.status == 201 and r.json()['created']:
        got = srv.get('/api/v1/articles/%d' % r.json()['created'][0])
        t.status(got, 200, 'the article with U+0000 can be read back')
    # The last one is quoted in the message cut after 40 bytes, inside
    # its first CJK character: the message must stay UTF-8.
    for bad in ['2022-02-30', '2022-13-01', '22-01-01', '2022-01-01T25:00:00Z',
                'January 5, 2022', 20220105, '2021-12v' + 'x' * 31 +
                '\u4028\u4028']:
        r = post(article('Bad date %r: the parade went ahead.' % bad,
                         published=bad))
        doc = r.json() if r.status == 201 else {}
        t.ok(r.status == 201 and [e['index'] for e in doc['errors']] == [0]
             and not doc['created'],
             'published=%r is an invalid_article error' % bad,
             r.status, r.body[:200])
        try:
            message = json.loads(r.body.decode('utf-8'))['errors'][0][
                'message']
        except (UnicodeDecodeError, ValueError, KeyError, IndexError) as e:
            message = 'not UTF-8 JSON: %s' % e
        t.ok(message.startswith('published must be'),
             'published=%r: a UTF-8 message' % bad, message)
    for field in ('title', 'source', 'url', 'external_id'):
        r = post(article('Wrong type of %s: a kite flew.' % field,
                         **{field: ['not', 'a', 'string']}))
        doc = r.json() if r.status == 201 else {}
        t.ok(r.status == 201 and [e['index'] for e in doc['errors']] == [0],
             '%s that is not a string: an error entry' % field,
             r.status, r.body[:200])


@tap.test
def chunked_and_expect(t):
    def chunks(data, size=100):
        for i in range(0, len(data), size):
            yield data[i:i + size]

    body = json.dumps(article('Chunked upload: the harbour of Tarn '
                              'welcomed a tall ship on Sunday.')).encode()
    conn = srv.connection()
    conn.request('POST', '/api/v1/articles', body=chunks(body),
                 headers=dict(AUTH, **{'Content-Type': 'application/json'}),
                 encode_chunked=True)
    r = conn.getresponse()
    t.eq(r.status, 201, 'Transfer-Encoding: chunked POST: 201')
    r.read()
    conn.close()
    with Server(tap.binary, sample=False,
                env={'DOSSIER_SERVER_MAX_BODY_BYTES': '2000'}) as small:
        big = json.dumps(article('Chunked but too long. ' * 300)).encode()
        conn = small.connection()
        try:
            conn.request('POST', '/api/v1/articles', body=chunks(big),
                         headers=dict(AUTH, **{
                             'Content-Type': 'application/json'}),
                         encode_chunked=True)
            r = conn.getresponse()
            status, data = r.status, r.read()
        except OSError as e:
            status, data = None, str(e).encode()
        conn.close()
        t.eq(status, 413, 'chunked POST over max_body_bytes: 413', data)
        t.eq(small.json('/api/v1/health')['articles'], 0,
             'chunked 413: nothing stored')
        conn = small.connection()
        conn.putrequest('POST', '/api/v1/articles')
        for k, v in dict(AUTH, **{'Content-Type': 'application/json',
                                  'Content-Length': '5000000',
                                  'Expect': '100-continue'}).items():
            conn.putheader(k, v)
        conn.endheaders()
        try:
            r = conn.getresponse()
            status = r.status
            r.read()
        except OSError as e:
            status = str(e)
        conn.close()
        t.eq(status, 413, 'Expect: 100-continue with a too large '
             'Content-Length: 413 before the upload')


@tap.test
def duplicates(t):
    n = count()
    first = post(article('Duplicate test: the dam released water for the '
                         'first time in six years, engineers said.',
                         external_id='dup-ext-1'))
    t.status(first, 201, 'first copy')
    first_id = first.json()['created'][0]
    r = post(article('A different body, same external id.',
                     external_id='dup-ext-1'))
    doc = t.json_ok(r, 'same external_id', 201)
    t.eq(doc and (doc['created'], doc['duplicates']),
         ([], [{'index': 0, 'id': first_id}]),
         'same external_id is a duplicate of the first')
    r = post(article('Duplicate test: the dam released water for the '
                     'first time in six years, engineers said.'))
    doc = r.json()
    t.eq((doc['created'], doc['duplicates']),
         ([], [{'index': 0, 'id': first_id}]),
         'same body without external_id is a duplicate')
    r = post(article('  Duplicate test: the dam released water for the\n'
                     'first  time in six years, engineers said.\n'))
    doc = r.json()
    t.eq((doc['created'], doc['duplicates']),
         ([], [{'index': 0, 'id': first_id}]),
         'same body up to whitespace is a duplicate (normalised)')
    body = 'In-batch duplicate: the choir sang at the harvest festival.'
    r = post([article(body), article('Unrelated: snow closed the pass.'),
              article(body)])
    doc = r.json()
    t.eq(len(doc['created']), 2, 'batch: two created')
    t.eq(doc['duplicates'], [{'index': 2, 'id': doc['created'][0]}],
         'batch: the repeat points at the first copy')
    t.eq(count(), n + 3, 'duplicates are not stored')


@tap.test
def delete(t):
    body = ('Councillor Theodora Quillfeather of Marrowby said on Friday '
            'that the Quillfeather Institute would close.')
    r = post(article(body, source='Only Here'))
    new = r.json()['created'][0]
    ann = srv.json('/api/v1/articles/%d/annotations' % new)
    ents = {e['entity_id'] for e in ann['entities']}
    n = count()
    r = srv.delete('/api/v1/articles/%d' % new)
    t.error(r, 401, 'unauthorized', 'DELETE without a token')
    r = srv.delete('/api/v1/articles/%d' % new, AUTH)
    t.status(r, 204, 'DELETE')
    t.eq(r.body, b'', '204 has no body')
    t.eq(count(), n - 1, 'one article fewer')
    t.error(srv.get('/api/v1/articles/%d' % new), 404, 'not_found',
            'GET after DELETE')
    t.error(srv.get('/api/v1/articles/%d/annotations' % new), 404,
            'not_found', 'annotations after DELETE')
    t.error(srv.delete('/api/v1/articles/%d' % new, AUTH), 404, 'not_found',
            'DELETE twice')
    t.error(srv.delete('/api/v1/articles/abc', AUTH), 404, 'not_found',
            'DELETE a non-numeric id')
    sources = [s['source'] for s in srv.json('/api/v1/sources')['items']]
    t.ok('Only Here' not in sources, 'its only outlet is gone from sources')
    t.ok(ents, 'needs extraction: the deleted article had entities')
    for e in ents:
        r = srv.get('/api/v1/entities/%d' % e)
        t.ok(r.status == 404 or r.json()['article_count'] >= 1,
             'entity %d: gone, or still mentioned elsewhere' % e)
        if r.status == 200:
            arts = srv.json('/api/v1/entities/%d/articles' % e)['items']
            t.ok(new not in [a['id'] for a in arts],
                 'entity %d no longer lists the deleted article' % e)
    claims = srv.json('/api/v1/claims', {'article': new})['items']
    t.eq(claims, [], 'no claims of the deleted article')
    t.eq(srv.json('/api/v1/articles', {'source': 'Only Here'})['total'], 0,
         'not listed any more')
    r = post(article(body, source='Only Here'))
    t.eq(len(r.json()['created']), 1,
         'the same body can be posted again after a delete')


# What each schema since 5 added, to take a database back to an older one.
UNDO = {
    6: 'DROP TRIGGER source_counts_insert; DROP TRIGGER source_counts_delete; '
       'DROP TABLE source_counts;',
    7: 'DROP TRIGGER day_counts_insert; DROP TRIGGER day_counts_delete; '
       'DROP TRIGGER day_counts_update; DROP TABLE day_counts;',
    8: 'DROP TRIGGER claims_published_update; DROP INDEX claims_group_order; '
       'DROP INDEX claims_group_values; CREATE INDEX claims_group_value ON '
       'claims(group_id, value, qualifier); '
       'ALTER TABLE claims DROP COLUMN published;',
    9: 'DROP TRIGGER rewrites_delete; DROP TRIGGER rewrites_update; '
       'ALTER TABLE corpus_state DROP COLUMN rewrites;',
    10: 'DROP TABLE index_builds;',
    # An older writer stored each group's label: its claim's text (a
    # number's sentence), cut at 140 bytes; here uncut, which a reader of
    # stored labels must show as they are.
    11: 'UPDATE claim_groups SET label = (SELECT substr(a.body, '
        'coalesce(c.label_start, c.start) + 1, coalesce(c.label_end, '
        'c."end") - coalesce(c.label_start, c.start)) FROM claims c '
        'JOIN articles a ON a.id = c.article_id '
        'WHERE c.id = label_claim_id); '
        'ALTER TABLE claim_groups DROP COLUMN label_claim_id; '
        'ALTER TABLE claims DROP COLUMN label_start; '
        'ALTER TABLE claims DROP COLUMN label_end;',
    # Schema 3's claim_sketch, as it filled it, and its trigger.
    12: open(os.path.join(SCHEMA, '0003_claim_sketch.sql')).read().split(
        'DROP INDEX IF EXISTS claim_terms_claim;')[0] +
        open(os.path.join(SCHEMA, '0003_claim_sketch.sql')).read().split(
            'DROP TABLE IF EXISTS claim_terms;')[1] +
        'DROP TABLE claim_postings;',
    13: 'DROP TABLE claims_fts; CREATE VIRTUAL TABLE claims_fts USING fts5('
        "text, content = 'claim_texts', content_rowid = 'id', tokenize = "
        "'porter unicode61 remove_diacritics 2'); INSERT INTO claims_fts("
        "claims_fts) VALUES ('rebuild');",
}


def take_back(s, docs, version):
    """Ingest @docs into the new database of @s (not started), then take
    the database back to schema @version, as an older writer left it."""
    s.ingest(docs)
    con = sqlite3.connect(s.db)
    con.executescript(''.join(UNDO[v] for v in sorted(UNDO, reverse=True)
                              if v > version) +
                      'PRAGMA user_version = %d;' % version)
    con.close()


@tap.test
def sources_follow_writes(t):
    # /sources counts outlets from a table that triggers keep: it follows
    # every POST and DELETE, and the migration that adds it counts what a
    # database already holds.
    def outlets(s):
        return {o['source']: (o['article_count'], o['first_published'],
                              o['last_published'])
                for o in s.json('/api/v1/sources')['items']}

    with Server(tap.binary) as s:
        before = outlets(s)
        nulls = before.get(None, (0, None, None))[0]
        r = s.post('/api/v1/articles', [
            article('Tally one: the harbour crane was repaired on Monday.',
                    source='Tally Desk', published='2022-02-03'),
            article('Tally two: the harbour crane failed again on Friday.',
                    source='Tally Desk', published='2022-02-07T10:00:00Z'),
            article('Tally three: nobody signed this note about the crane.'),
            article('Tally four: an undated note from the Tally Desk.',
                    source='Tally Desk')], AUTH)
        new = r.json()['created']
        after = outlets(s)
        t.eq(after.get('Tally Desk'), (3, '2022-02-03',
                                      '2022-02-07T10:00:00Z'),
             'a new outlet: 3 articles, first and last dates (undated one '
             'counted, not dated)')
        t.eq(after.get(None, (0,))[0], nulls + 1,
             'a sourceless article: the null outlet + 1')
        s.delete('/api/v1/articles/%d' % new[0], AUTH)
        t.eq(outlets(s).get('Tally Desk'),
             (2, '2022-02-07T10:00:00Z', '2022-02-07T10:00:00Z'),
             'a delete: count - 1, the first date moves')
        for i in (new[1], new[3]):
            s.delete('/api/v1/articles/%d' % i, AUTH)
        s.delete('/api/v1/articles/%d' % new[2], AUTH)
        t.eq(outlets(s), before, 'all deleted: the outlets as before')
        r = s.post('/api/v1/articles', article(
            'Tally five: the crane works.', source='Tally Desk'), AUTH)
        s.post('/api/v1/articles', article(
            'Tally five: the crane works.', source='Tally Desk'), AUTH)
        t.eq(outlets(s).get('Tally Desk'), (1, None, None),
             'a duplicate POST is not counted')
    # A database of schema 5 (no counts table): served read-only as it is
    # (a snapshot of an older writer), then migrated to the counts of its
    # articles.
    with Server(tap.binary, start=False) as s:
        take_back(s, [{'id': 'x1', 'body': 'A late note on the crane.',
                       'source': 'Tally Desk'}], 5)
        with Server(tap.binary, sample=False, db=s.db,
                    args=['--read-only']) as ro:
            want = {}
            for a in ro.pages('/api/v1/articles', {}, limit=100)[0]:
                want[a['source']] = want.get(a['source'], 0) + 1
            t.eq((ro.json('/api/v1/health')['schema_version'],
                  {k: v[0] for k, v in outlets(ro).items()}), (5, want),
                 'a schema-5 snapshot served read-only: the same counts')
            snapshot = outlets(ro)
        s.start()
        t.eq(outlets(s), snapshot,
             'migrated from schema 5: each outlet counts its articles')


def volume_oracle(items, interval, since=None, until=None):
    """The volume buckets of @items as API.md defines them (by published;
    weeks named by their Monday), counted here from the article list."""
    import datetime
    out = {}
    for a in items:
        p = a['published'] or ''
        if not p or (since and p < since) or (until and p[:10] > until):
            continue
        day = datetime.date.fromisoformat(p[:10])
        key = {'day': p[:10], 'month': p[:7],
               'week': (day - datetime.timedelta(days=day.weekday()))
               .isoformat()}[interval]
        out[key] = out.get(key, 0) + 1
    return [{'date': k, 'count': out[k]} for k in sorted(out)]


def volume_matches(t, s, what):
    # Every interval, with and without date bounds, equals the oracle.
    items = s.pages('/api/v1/articles', {}, limit=100)[0]
    days = sorted(a['published'][:10] for a in items if a['published'])
    bounds = [{}, {'since': days[len(days) // 3]},
              {'until': days[len(days) // 2]},
              {'since': days[1], 'until': days[-2]}] if len(days) > 2 else [{}]
    bad = []
    for interval in ('day', 'week', 'month'):
        for b in bounds:
            got = s.json('/api/v1/timeline/volume',
                          dict(b, interval=interval))['buckets']
            want = volume_oracle(items, interval, b.get('since'),
                                 b.get('until'))
            if got != want:
                bad.append((interval, b, got[:4], want[:4]))
    t.eq(bad, [], '%s: volume = the articles counted by date (%d articles)'
         % (what, len(items)))


@tap.test
def volume_follows_writes(t):
    # The volume without a query, outlet or entity sums articles per day
    # from a table that triggers keep: it follows every POST and DELETE,
    # the migration that adds it counts what a database already holds,
    # and a read-only snapshot of an older schema counts the articles.
    with Server(tap.binary) as s:
        volume_matches(t, s, 'the sample')
        r = s.post('/api/v1/articles', [
            article('Volume one: the dam gates opened on Monday.',
                    source='Dam Desk', published='2019-03-04'),
            article('Volume two: the dam gates closed at noon.',
                    source='Dam Desk', published='2019-03-04T12:00:00Z'),
            article('Volume three: the dam held through Sunday night.',
                    published='2019-03-10T23:30:00Z'),
            article('Volume four: a note on the dam with no date.'),
            article('Volume five: the dam inspection in the spring.',
                    published='2019-04-01')], AUTH)
        new = r.json()['created']
        t.eq(len(new), 5, 'five dated and undated articles stored')
        volume_matches(t, s, 'after a POST')
        day = s.json('/api/v1/timeline/volume',
                     {'since': '2019-03-04', 'until': '2019-03-04'})
        t.eq(day['buckets'], [{'date': '2019-03-04', 'count': 2}],
             'a day with a date and a timestamp: 2')
        s.delete('/api/v1/articles/%d' % new[0], AUTH)
        s.delete('/api/v1/articles/%d' % new[4], AUTH)
        volume_matches(t, s, 'after a DELETE')
        t.eq(s.json('/api/v1/timeline/volume',
                    {'since': '2019-04-01', 'until': '2019-04-30'})['buckets'],
             [], 'the last article of a day deleted: the day is gone')
    with Server(tap.binary, start=False) as s:
        take_back(s, [{'id': 'v1', 'body': 'A late note on the dam.',
                       'published': '2019-05-02'}], 6)
        with Server(tap.binary, sample=False, db=s.db,
                    args=['--read-only']) as ro:
            t.eq(ro.json('/api/v1/health')['schema_version'], 6,
                 'a schema-6 snapshot served read-only')
            volume_matches(t, ro, 'a schema-6 snapshot')
        s.start()
        t.eq(s.json('/api/v1/health')['schema_version'] >= 7, True,
             'the database migrates')
        volume_matches(t, s, 'migrated from schema 6')
        s.stop()
        con = sqlite3.connect(s.db)
        con.execute("UPDATE articles SET published = '2019-06-07' "
                    "WHERE external_id = 'v1'")
        con.commit()
        con.close()
        s.start()
        volume_matches(t, s, 'after a hand edit of a date')


@tap.test
def number_values_with_sourceless_articles(t):
    # A number group's values name their outlets; articles without a
    # source are outlets of their own (counted apart, listed as null).
    said = ('Russia has massed as many as %s troops near its border with '
            'Ukraine, Western officials said on Monday. ')
    with Server(tap.binary, sample=False) as s:
        r = s.post('/api/v1/articles', [
            article(said % '100,000' + 'The ferry to Holm was late.'),
            article(said % '100,000' + 'Markets in Oslo were calm.'),
            article(said % '100,000' + 'Snow fell in Bergen.',
                    source='Nordic Wire'),
            article(said % '120,000' + 'The tram line opened.',
                    source='Baltic Post')], AUTH)
        t.status(r, 201, 'four articles stored')
        groups = s.json('/api/v1/claim-groups', {'kind': 'number'})['items']
        g = [g for g in groups if len(g.get('values', [])) == 2]
        if not t.ok(g, 'needs extraction: a number group with 100,000 and '
                    '120,000', groups):
            return
        g = g[0]
        t.eq((g['status'], g['source_count']), ('conflicting', 4),
             'conflicting, four outlets (two of them sourceless)')
        t.eq([(v['value'], sorted(v['sources'], key=str))
              for v in g['values']],
             [(100000, [None, 'Nordic Wire']), (120000, ['Baltic Post'])],
             'values by outlets: 100,000 (three: null once) before 120,000')


def claims_in_order(t, s, what):
    """Every group lists its claims by date (undated first), article,
    offset, id, and embeds the first of them in the list of groups."""
    def key(c):
        return (c['published'] or '', c['article_id'], c['start'], c['id'])

    listed = s.pages('/api/v1/claim-groups', {}, limit=100)[0]
    bad, biggest = [], 0
    for g in listed:
        whole = s.json('/api/v1/claim-groups/%d' % g['id'])
        claims = whole['claims']
        biggest = max(biggest, whole['claim_count'])
        if claims != sorted(claims, key=key):
            bad.append((g['id'], 'detail', [key(c) for c in claims][:5]))
        if g['claims'] != claims[:len(g['claims'])]:
            bad.append((g['id'], 'list', [key(c) for c in g['claims']][:5]))
        if len(g['claims']) != min(50, whole['claim_count']):
            bad.append((g['id'], 'embedded', len(g['claims'])))
    t.eq(bad, [], '%s: %d groups (the largest %d claims) list their claims '
         'by date' % (what, len(listed), biggest))
    return listed


def unordered_values(groups):
    for g in groups:
        for v in g.get('values', []):
            v['sources'] = sorted(v['sources'], key=str)
    return groups


@tap.test
def group_claims_follow_dates(t):
    # Claims of a group come by their articles' dates: 60 articles posted
    # out of date order carry one number claim, some undated, some on the
    # same day with and without a time, one without an outlet and one
    # whose outlet's name starts with '#'. Since schema 8 the order comes
    # from a copy of the date in each claim: it follows the migration, a
    # schema-7 snapshot served read-only sorts by the articles' dates, and
    # a hand edit of an article's date moves its claims.
    said = ('Russia has massed as many as 100,000 troops near its border '
            'with Ukraine, Western officials said on Monday. ')
    outlets = ['Nordic Wire', 'Baltic Post', None, '#Harbour Wire']
    docs = []
    for i in range(60):
        day = '2020-0%d-%02d' % (1 + i // 20, 1 + (i * 7) % 28)
        published = [day, day + 'T0%d:30:00Z' % (i % 10), None][i % 3]
        docs.append({'id': 'order-%d' % i, 'source': outlets[i % 4],
                     'published': published,
                     'body': said + 'Filler note number %d on the ferry.' % i})
    with Server(tap.binary, sample=False) as s:
        r = s.post('/api/v1/articles', [article(d['body'], **{
            k: v for k, v in d.items() if k not in ('body', 'id')})
            for d in docs[::-1]], AUTH)
        t.status(r, 201, '60 articles stored, in reverse order')
        groups = claims_in_order(t, s, 'posted')
        big = [g for g in groups if g['claim_count'] > 50]
        if not t.ok(big, 'needs extraction: a group of more than 50 claims',
                    [g['claim_count'] for g in groups]):
            return
        t.eq(big[0]['sources'],
             [None, '#Harbour Wire', 'Baltic Post', 'Nordic Wire'],
             'its outlets in order: none, and one named with a leading #')
    with Server(tap.binary, start=False) as s:
        take_back(s, docs, 7)
        with Server(tap.binary, sample=False, db=s.db,
                    args=['--read-only']) as ro:
            t.eq(ro.json('/api/v1/health')['schema_version'], 7,
                 'a schema-7 snapshot served read-only')
            old = claims_in_order(t, ro, 'a schema-7 snapshot')
        s.start()
        t.eq(s.json('/api/v1/health')['schema_version'] >= 8, True,
             'the database migrates')
        # A value's outlets come in the order of the index that lists
        # them, which schema 8 changed: compare them as sets.
        t.eq(unordered_values(claims_in_order(t, s, 'migrated from schema 7')),
             unordered_values(old), 'the same groups as the schema-7 snapshot')
        s.stop()
        # The last article by date: its claim is past the first 50 until
        # it moves to the front of the dated ones.
        last = max((d for d in docs if d['published']),
                   key=lambda d: d['published'])['id']
        con = sqlite3.connect(s.db)
        con.execute("UPDATE articles SET published = '1999-01-01' "
                    "WHERE external_id = ?", (last,))
        con.commit()
        con.close()
        s.start()
        first = claims_in_order(t, s, 'after a hand edit of a date')
        t.eq([[c['published'] for c in g['claims'] if c['published']][0]
              for g in first if g['claim_count'] > 50], ['1999-01-01'],
             'the edited article\'s claim comes first of the dated ones')


def labels(s):
    """Every claim group's label by id."""
    return {g['id']: g['label'] for g in s.items('/api/v1/claim-groups')}


@tap.test
def group_labels_follow_writes(t):
    # A group is labelled by its first claim (a number group by the
    # claim's sentence), cut from the article when read since schema 11:
    # deleting that article labels it by its oldest claim left; a
    # schema-10 snapshot's stored labels are served and kept as they are.
    said = ('Russia has massed as many as 100,000 troops near the border '
            'with Ukraine, officials in Kyïv said. ')
    first = 'We will not attack anyone, we have no plans to invade,'
    second = 'We will not attack anyone: we have no plans to invade,'
    quotes = ['“%s” Putin told reporters.' % first,
              '“%s” Putin said.' % second,
              '“%s” said Putin on Thursday.' % first]
    docs = [article(said + q, source=src, published='2021-12-%02d' % (20 + i))
            for i, (q, src) in enumerate(zip(quotes, [
                'Nordic Wire', 'Baltic Post', 'Harbour Wire']))]
    with Server(tap.binary, sample=False) as s:
        r = s.post('/api/v1/articles', docs, AUTH)
        t.status(r, 201, 'three articles stored')
        groups = s.json('/api/v1/claim-groups')['items']
        if not t.eq(sorted((g['kind'], g['source_count']) for g in groups),
                    [('number', 3), ('quote', 3)],
                    'needs extraction: a number and a quote group, each of '
                    'the three articles', groups):
            return
        t.eq(sorted(labels(s).values()), [said.strip(), first],
             'the first article\'s sentence and quote label them')
        s.delete('/api/v1/articles/%d' % r.json()['created'][0], AUTH)
        t.eq(sorted(labels(s).values()), [said.strip(), second],
             'its article deleted, the oldest claim left labels the group')
    with Server(tap.binary, start=False) as s:
        take_back(s, [dict(d, id='label-%d' % i) for i, d in enumerate(docs)],
                  10)
        con = sqlite3.connect(s.db)
        stored = dict(con.execute('SELECT id, label FROM claim_groups'))
        con.close()
        t.ok(first in stored.values(),
             'a schema-10 snapshot stores its labels\' text')
        with Server(tap.binary, sample=False, db=s.db,
                    args=['--read-only']) as ro:
            t.eq(labels(ro), stored, 'served read-only as they are')
        s.start()
        t.eq(s.json('/api/v1/health')['schema_version'] >= 11, True,
             'the database migrates')
        t.eq(labels(s), stored, 'and keeps them')


def postings(db):
    """claim_postings decoded: {key: [ids]}, and its blocks' sizes."""
    con = sqlite3.connect(db)
    lists, sizes = {}, []
    for key, first, gaps in con.execute(
            'SELECT key, first_id, ids FROM claim_postings ORDER BY 1, 2'):
        ids, gap, shift = [first], 0, 0
        for b in gaps:
            gap |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                ids.append(ids[-1] + gap)
                gap, shift = 0, 0
        lists.setdefault(key, []).extend(ids)
        sizes.append(len(ids))
    con.close()
    return lists, sizes


def sketch_keys(db):
    """What claim_postings must hold, from the claims: each claim under
    its scope and its lowest hashes (3 for a number, else 8) and its
    highest 4."""
    con = sqlite3.connect(db)
    want = {}
    for cid, kind, fp in con.execute('SELECT id, kind, fingerprint FROM '
                                     'claims WHERE fingerprint IS NOT NULL'):
        words = struct.unpack('<%dI' % (len(fp) // 4), fp)
        low = 3 if kind == 'number' else 8
        for i, w in enumerate(words):
            if i < low or i + 4 >= len(words):
                want.setdefault(ord(kind[0]) << 32 | w, set()).add(cid)
    con.close()
    return {k: sorted(v) for k, v in want.items()}


def claim_ids(s, q):
    """Ids of every claim /claims?q=@q lists."""
    return sorted(c['id'] for c in s.items('/api/v1/claims', {'q': q}))


@tap.test
def postings_follow_writes(t):
    # claim_postings lists each claim under its sketch's keys, in blocks
    # of up to 128 ids: after POSTs, DELETEs (first ids of a block among
    # them), a bulk load of the same articles and a migration from
    # schema 11's claim_sketch, it holds exactly what the claims say.
    said = ('Officials said as many as %d,000 troops were moved to the '
            'border on Monday. ')
    docs = [{'id': 'post-%d' % i, 'source': 'Wire %d' % (i % 7),
             'body': said % (100 + i % 3) + 'Harbour note %d was filed.' % i}
            for i in range(170)]
    with Server(tap.binary, sample=False) as s:
        r = s.post('/api/v1/articles', [article(d['body'], source=d['source'])
                                        for d in docs[:150]], AUTH)
        t.status(r, 201, '150 articles stored')
        lists, sizes = postings(s.db)
        t.eq(lists, sketch_keys(s.db), 'after POSTs: every claim under its '
             'keys, no other id')
        t.ok(max(sizes) == 128 and max(len(v) for v in lists.values()) > 128,
             'a key of more than 128 claims spans blocks of at most 128',
             max(sizes))
        created = r.json()['created']
        for a in created[:3] + created[64:80] + created[127:131]:
            s.delete('/api/v1/articles/%d' % a, AUTH)
        lists, sizes = postings(s.db)
        t.eq(lists, sketch_keys(s.db), 'after 23 DELETEs: the same')
        t.ok(min(sizes) >= 1, 'no empty block left', min(sizes))
        r = s.post('/api/v1/articles', [article(d['body'], source=d['source'])
                                        for d in docs[150:]], AUTH)
        t.status(r, 201, '20 more stored')
        t.eq(postings(s.db)[0], sketch_keys(s.db), 'after more POSTs: the '
             'same')
    with Server(tap.binary, start=False) as bulk, \
            Server(tap.binary, start=False) as old:
        bulk.ingest(docs)
        take_back(old, docs, 11)
        t.eq(sqlite3.connect(old.db).execute(
            "SELECT count(*) FROM sqlite_master WHERE name = "
            "'claim_postings'").fetchone()[0], 0, 'a schema-11 database: '
             'claim_sketch, no claim_postings')
        old.start()
        t.eq(postings(old.db), postings(bulk.db), 'migrated from schema '
             '11: the blocks of a bulk load of the same articles')
        t.eq(postings(bulk.db)[0], sketch_keys(bulk.db), 'which lists every '
             'claim under its keys')
        # Schema 13 rebuilt the claims' full-text index without their
        # token counts, which nothing ranks by.
        bulk.start()
        for q in ('troops', 'harbour note', '"many as"'):
            t.eq(claim_ids(old, q), claim_ids(bulk, q),
                 'claims matching %s: the same after the migration' % q)
        t.ok(len(claim_ids(bulk, 'troops')) > 100, 'needs extraction: '
             'claims about troops')
        for db in (old.db, bulk.db):
            t.eq(sqlite3.connect(db).execute(
                "SELECT count(*) FROM sqlite_master WHERE name = "
                "'claims_fts_docsize'").fetchone()[0], 0,
                 'no claims_fts_docsize table')


@tap.test
def writes_update_entities_and_groups(t):
    with Server(tap.binary) as s:
        putin = [e for e in s.json('/api/v1/entities', {'q': 'putin'})[
            'items'] if e['name'] == 'Vladimir Putin']
        if not t.ok(putin, 'needs extraction: "Vladimir Putin"'):
            return
        before = putin[0]
        r = s.post('/api/v1/articles', [
            article('Vladimir Putin met Margarethe Vollenweider in Sochi on '
                    'Monday. Putin said the talks were useful.'),
            article('Margarethe Vollenweider flew home from Sochi on '
                    'Tuesday, her office said.'),
            article('Margarethe Vollenweider will visit Oslo in March.',
                    source='Nordic Wire')], AUTH)
        new = r.json()['created']
        after = s.json('/api/v1/entities/%d' % before['id'])
        t.eq(after['article_count'], before['article_count'] + 1,
             'a POST mentioning Putin: article_count + 1')
        t.ok(after['mention_count'] >= before['mention_count'] + 2,
             'and mention_count + 2', before['mention_count'],
             after['mention_count'])
        t.eq(after['source_count'], before['source_count'] + 1,
             'an article without a source counts as an outlet of its own')
        vol = [e for e in s.json('/api/v1/entities', {'q': 'margarethe'})[
            'items'] if e['name'] == 'Margarethe Vollenweider']
        t.ok(vol and vol[0]['article_count'] == 3 and
             vol[0]['source_count'] == 3,
             'needs extraction: a new person in 3 articles, 3 outlets '
             '(two without a source)', vol)
        s.delete('/api/v1/articles/%d' % new[0], AUTH)
        again = s.json('/api/v1/entities/%d' % before['id'])
        t.eq((again['article_count'], again['mention_count'],
              again['source_count']),
             (before['article_count'], before['mention_count'],
              before['source_count']), 'DELETE restores the counts')
        related = [x['name'] for x in again['related']]
        t.ok('Margarethe Vollenweider' not in related,
             'DELETE removes the co-mention from related', related)
        # Claim groups: delete an article carrying a grouped claim.
        groups = s.json('/api/v1/claim-groups', {'limit': 100})['items']
        multi = [g for g in groups if len({c['article_id']
                                           for c in g['claims']}) >= 2]
        if not t.ok(multi, 'needs extraction: a group over 2+ articles'):
            return
        g = multi[0]
        gone = g['claims'][0]['article_id']
        s.delete('/api/v1/articles/%d' % gone, AUTH)
        r = s.get('/api/v1/claim-groups/%d' % g['id'])
        if r.status == 200:
            g2 = r.json()
            t.ok(all(c['article_id'] != gone for c in g2['claims']),
                 'the group lost the deleted article\'s claims')
            t.eq(g2['source_count'], len(g2['sources']),
                 'source_count = len(sources) after the delete')
            t.ok(g2['source_count'] <= g['source_count'],
                 'source_count did not grow')
        else:
            t.error(r, 404, 'not_found', 'the group is gone with its claims')
        left = [c for grp in s.json('/api/v1/claim-groups',
                                    {'limit': 100})['items']
                for c in grp['claims'] if c['article_id'] == gone]
        t.eq(left, [], 'no group lists a claim of the deleted article')


@tap.test
def auth(t):
    a = article('Auth test: the observatory named a comet after a pupil.')
    n = count()
    for headers, name in [({}, 'no Authorization'),
                          ({'Authorization': 'Bearer wrong'}, 'wrong token'),
                          ({'Authorization': 'Bearer secre'}, 'prefix'),
                          ({'Authorization': 'Bearer secretx'}, 'longer'),
                          ({'Authorization': 'Basic c2VjcmV0'}, 'Basic'),
                          ({'Authorization': 'secret'}, 'no scheme'),
                          ({'Authorization': 'Bearer '}, 'empty token')]:
        r = srv.post('/api/v1/articles', a, headers)
        t.error(r, 401, 'unauthorized', 'POST with %s' % name)
        t.ok(r.header('WWW-Authenticate') is None or
             'Bearer' in r.header('WWW-Authenticate'),
             'POST with %s: WWW-Authenticate names Bearer' % name)
    t.eq(count(), n, 'nothing stored without the token')
    r = srv.post('/api/v1/articles', a, {'Authorization': 'bearer secret'})
    t.ok(r.status in (201, 401), 'lower-case scheme: 201 or 401', r.status)


@tap.test
def media_types_and_size(t):
    n = count()
    a = json.dumps(article('Media type test: the orchard harvest was '
                           'early this year.'))
    for ctype in ['text/plain', 'application/x-www-form-urlencoded',
                  'multipart/form-data; boundary=x', 'application/xml']:
        r = post(a, {'Content-Type': ctype})
        t.error(r, 415, 'unsupported_media_type', 'POST as %s' % ctype)
    r = srv.request('POST', '/api/v1/articles', body=a.encode(),
                    headers=dict(AUTH))
    t.error(r, 415, 'unsupported_media_type', 'POST without Content-Type')
    t.eq(count(), n, '415: nothing stored')
    r = post(a, {'Content-Type': 'application/json; charset=utf-8'})
    t.status(r, 201, 'application/json with charset accepted')
    with Server(tap.binary, sample=False,
                env={'DOSSIER_SERVER_MAX_BODY_BYTES': '2000'}) as small:
        big = json.dumps(article('Long body. ' * 400))
        r = small.post('/api/v1/articles', big,
                       dict(AUTH, **{'Content-Type': 'application/json'}))
        t.error(r, 413, 'body_too_large', 'POST over max_body_bytes')
        t.eq(small.json('/api/v1/health')['articles'], 0,
             '413: nothing stored')
        ok = json.dumps(article('Short body under the limit.'))
        r = small.post('/api/v1/articles', ok,
                       dict(AUTH, **{'Content-Type': 'application/json'}))
        t.status(r, 201, 'POST under max_body_bytes')


@tap.test
def writes_disabled(t):
    a = article('Disabled test: a lighthouse keeper retired after 40 years.')
    with Server(tap.binary, token=None) as nowrite:
        for headers in ({}, AUTH):
            r = nowrite.post('/api/v1/articles', a, headers)
            t.error(r, 403, 'writes_disabled',
                    'no token configured, POST %s' % ('with' if headers
                                                      else 'without'))
        t.error(nowrite.delete('/api/v1/articles/1', AUTH), 403,
                'writes_disabled', 'no token configured, DELETE')
        t.eq(nowrite.json('/api/v1/health')['articles'], 5,
             'nothing stored or deleted')
    with Server(tap.binary, args=['--read-only']) as ro:
        t.error(ro.post('/api/v1/articles', a, AUTH), 403, 'writes_disabled',
                '--read-only, POST with the token')
        t.error(ro.delete('/api/v1/articles/1', AUTH), 403, 'writes_disabled',
                '--read-only, DELETE with the token')
        t.status(ro.get('/api/v1/articles/1'), 200, '--read-only still reads')
        t.eq(ro.json('/api/v1/health')['articles'], 5,
             '--read-only: nothing changed')
    with Server(tap.binary, env={'DOSSIER_DATABASE_READ_ONLY': 'true'}) as ro:
        t.error(ro.post('/api/v1/articles', a, AUTH), 403, 'writes_disabled',
                'DOSSIER_DATABASE_READ_ONLY=true, POST')
    with Server(tap.binary, token=None, config='[security]\nwrite_token_file '
                '= token.txt\n', start=False) as tf:
        with open(tf.dir + '/token.txt', 'w') as f:
            f.write('filetoken\n')
        tf.start()
        r = tf.post('/api/v1/articles', a,
                    {'Authorization': 'Bearer filetoken'})
        t.status(r, 201, 'write_token_file: its token (newline trimmed)')
        r = tf.post('/api/v1/articles', a, AUTH)
        t.error(r, 401, 'unauthorized', 'write_token_file: another token')


tap.main()
