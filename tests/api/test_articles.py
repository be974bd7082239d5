"""test_articles.py - GET /api/v1/articles, /articles/{id} and annotations:
fields, filters, sorts, paging to the last page, totals, snippets and the
full-text query syntax (never a 500).

usage: test_articles.py PATH/TO/dossier
"""

import re

from harness import AUTH, Server, Tap, article

tap = Tap()
LIST_FIELDS = {'id', 'title', 'source', 'published', 'url', 'word_count',
               'snippet'}
ARTICLE_FIELDS = {'id', 'title', 'source', 'published', 'url', 'word_count',
                  'body', 'ingested_at', 'external_id'}
DATE = re.compile(r'^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$')
SORTS = ['published', '-published', 'id']

srv = Server(tap.binary)
ALL = srv.json('/api/v1/articles', {'limit': 100})['items']
FULL = {a['id']: srv.json('/api/v1/articles/%d' % a['id']) for a in ALL}


def text_of(a):
    return (a['title'] or '') + '\n' + a['body']


def ids(items):
    return [i['id'] for i in items]


def search_ids(q, **params):
    r = srv.get('/api/v1/articles', dict(params, q=q, limit=100))
    if r.status != 200:
        raise AssertionError('q=%r: %d %s' % (q, r.status, r.body[:200]))
    return set(ids(r.json()['items']))


def matching(pattern):
    rx = re.compile(pattern, re.I)
    return {i for i, a in FULL.items() if rx.search(text_of(a))}


@tap.test
def list_shape(t):
    r = srv.get('/api/v1/articles')
    doc = t.json_ok(r, 'list')
    t.eq(set(doc) >= {'items', 'next_cursor', 'total', 'total_exact'}, True,
         'list has items, next_cursor, total, total_exact')
    t.eq(len(ALL), 5, 'the five seed articles are listed')
    t.eq(doc['total'], 5, 'total is 5')
    t.eq(doc['total_exact'], True, 'total_exact is true')
    t.eq(doc['next_cursor'], None, 'one page: next_cursor null')
    for a in doc['items']:
        missing = LIST_FIELDS - set(a)
        t.ok(not missing, 'item %d has every list field' % a['id'],
             'missing %s' % missing)
        t.ok(isinstance(a['word_count'], int) and a['word_count'] > 0,
             'item %d word_count is a positive integer' % a['id'])
        t.ok(DATE.match(a['published'] or ''), 'item %d published is ISO'
             % a['id'], a['published'])
        t.ok('body' not in a, 'item %d has no body in the list' % a['id'])
    pub = [a['published'] for a in doc['items']]
    t.eq(pub, sorted(pub, reverse=True), 'default order is newest first')
    t.eq(srv.json('/api/v1/articles', {'limit': 2})['total'], 5,
         'total counts every match, not the page')


@tap.test
def snippet_without_q(t):
    for a in ALL:
        words = FULL[a['id']]['body'].split()
        first = ' '.join(words[:5])
        snip = a['snippet']
        t.ok('<mark>' not in snip, 'item %d: no <mark> without q' % a['id'])
        t.ok(len(snip.split()) <= 60, 'item %d: snippet is short' % a['id'],
             '%d words' % len(snip.split()))
        plain = snip.replace('&amp;', '&').replace('&quot;', '"').replace(
            '&#39;', "'").replace('&lt;', '<').replace('&gt;', '>')
        t.ok(' '.join(plain.split()).startswith(first),
             'item %d: snippet starts with the body' % a['id'],
             'snippet: %s' % snip[:80], 'body: %s' % first)


@tap.test
def get_article(t):
    for a in ALL:
        r = srv.get('/api/v1/articles/%d' % a['id'])
        doc = t.json_ok(r, 'article %d' % a['id'])
        t.ok(ARTICLE_FIELDS <= set(doc), 'article %d has every field'
             % a['id'], 'missing %s' % (ARTICLE_FIELDS - set(doc)))
        for k in LIST_FIELDS - {'snippet'}:
            t.eq(doc[k], a[k], 'article %d: %s as in the list' % (a['id'], k))
    by_ext = {a['external_id']: a for a in FULL.values()}
    t.ok('000_df6c05f6d0d70a2c' in by_ext,
         '.txt external_id is the file name without extension',
         sorted(by_ext))
    a = by_ext.get('001_869fe3987133c0b7')
    if a:
        t.eq(a['source'], 'Daily Mail', 'manifest source stored')
        t.eq(a['published'], '2021-12-29', 'manifest published stored')
        t.ok(a['title'].startswith('Biden and Putin will have a phone call'),
             'manifest title stored')
    for a in FULL.values():
        t.ok(re.match(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$',
                      a['ingested_at'] or ''),
             'article %d ingested_at is an ISO timestamp' % a['id'])
    nulls = [a for a in FULL.values() if a['source'] is None]
    t.eq(len(nulls), 1, 'the article without a source has source null')


@tap.test
def get_article_errors(t):
    for bad in ['999999', '0', '-1', 'abc', '1.5', '1e3', '%20', '1x',
                '99999999999999999999999']:
        r = srv.get('/api/v1/articles/' + bad)
        t.error(r, 404, 'not_found', 'GET /articles/%s' % bad)
    t.error(srv.get('/api/v1/articles/999999/annotations'), 404, 'not_found',
            'annotations of an unknown article')
    t.error(srv.get('/api/v1/articles/abc/annotations'), 404, 'not_found',
            'annotations of a non-numeric id')


@tap.test
def paging_every_sort(t):
    # Thirty more articles on three dates: many ties for the cursor.
    batch = [article('Paging story number %d: the harbour authority of '
                     'Port Velmar reported %d ships at anchor on %s.'
                     % (i, 3 * i + 1, ['Monday', 'Tuesday', 'Friday'][i % 3]),
                     title='Paging %d' % i,
                     source=['Wire A', 'Wire B', None][i % 3],
                     published=['2022-03-01', '2022-03-02',
                                '2022-03-02T08:30:00Z'][i % 3])
             for i in range(30)]
    r = srv.post('/api/v1/articles', batch, AUTH)
    t.status(r, 201, 'POST 30 paging articles')
    full = srv.json('/api/v1/articles', {'limit': 100})
    t.eq(full['total'], 35, 'total is 35 after the batch')
    for sort in SORTS:
        ref = srv.json('/api/v1/articles', {'sort': sort, 'limit': 100})
        for limit in (1, 7, 35):
            items, pages, err = srv.pages('/api/v1/articles', {'sort': sort},
                                          limit)
            t.ok(err is None, 'sort=%s limit=%d: paged to the end'
                 % (sort, limit), err)
            got = ids(items)
            t.eq(len(got), len(set(got)), 'sort=%s limit=%d: no duplicates'
                 % (sort, limit))
            t.eq(got, ids(ref['items']), 'sort=%s limit=%d: same order as '
                 'one page, no gaps' % (sort, limit))
            t.eq(pages, -(-35 // limit), 'sort=%s limit=%d: page count'
                 % (sort, limit))
        keys = [(a['published'], a['id']) for a in ref['items']]
        if sort == 'id':
            t.eq(ids(ref['items']), sorted(ids(ref['items'])),
                 'sort=id is ascending id')
        elif sort == 'published':
            t.eq([k[0] for k in keys], sorted(k[0] for k in keys),
                 'sort=published is oldest first')
        else:
            t.eq([k[0] for k in keys], sorted((k[0] for k in keys),
                                              reverse=True),
                 'sort=-published is newest first')
    # With a query and a filter too.
    for params in ({'q': 'harbour'}, {'q': 'harbour', 'sort': 'published'},
                   {'q': 'ships OR Putin', 'sort': 'relevance'},
                   {'source': 'Wire A,Wire B'}):
        ref = srv.json('/api/v1/articles', dict(params, limit=100))
        items, _, err = srv.pages('/api/v1/articles', params, 4)
        t.ok(err is None, '%s: paged to the end' % params, err)
        t.eq(ids(items), ids(ref['items']), '%s: pages equal one page'
             % params)
        t.eq(len(items), ref['total'], '%s: total equals item count'
             % params)
    rel = srv.json('/api/v1/articles', {'q': 'ships OR Putin', 'limit': 100})
    scores = [a['score'] for a in rel['items']]
    t.ok(all(isinstance(s, (int, float)) for s in scores),
         'relevance items have a numeric score')
    t.eq(scores, sorted(scores, reverse=True),
         'relevance order: score non-increasing (higher is better)')
    # Clean up for the other tests.
    for a in full['items']:
        if a['id'] not in FULL:
            srv.delete('/api/v1/articles/%d' % a['id'], AUTH)
    t.eq(srv.json('/api/v1/articles')['total'], 5, 'paging articles deleted')


@tap.test
def cursor_errors(t):
    first = srv.json('/api/v1/articles', {'limit': 2, 'sort': 'id'})
    cur = first['next_cursor']
    t.ok(isinstance(cur, str) and cur, 'a next_cursor is a string')
    for bad in ['zzz', '!!!', cur + '!', 'eyJhIjoxfQ', 'x' * 500, '']:
        r = srv.get('/api/v1/articles', {'limit': 2, 'sort': 'id',
                                         'cursor': bad})
        if bad == '':
            t.ok(r.status in (200, 400), 'empty cursor: 200 or 400')
            continue
        t.error(r, 400, 'invalid_cursor', 'cursor=%r' % bad, 'cursor')
    r = srv.get('/api/v1/articles', {'limit': 2, 'sort': '-published',
                                     'cursor': cur})
    t.ok(r.status == 400 or r.status == 200,
         'a cursor of another sort: 400 (or restarts), never 500',
         r.status)
    other = srv.json('/api/v1/entities', {'limit': 1})['next_cursor']
    if other:
        t.error(srv.get('/api/v1/articles', {'cursor': other}), 400,
                'invalid_cursor', 'a cursor of /entities on /articles',
                'cursor')
    again = srv.json('/api/v1/articles', {'limit': 2, 'sort': 'id',
                                          'cursor': cur})
    t.eq(again, srv.json('/api/v1/articles', {'limit': 2, 'sort': 'id',
                                              'cursor': cur}),
         'a cursor can be used twice (valid while the corpus is unchanged)')


@tap.test
def filters(t):
    def listed(**params):
        return set(ids(srv.json('/api/v1/articles',
                                dict(params, limit=100))['items']))

    by_source = {}
    for a in FULL.values():
        by_source.setdefault(a['source'], set()).add(a['id'])
    t.eq(listed(source='Alwaght'), by_source['Alwaght'], 'source=Alwaght')
    t.eq(listed(source='Alwaght,Daily Mail'),
         by_source['Alwaght'] | by_source['Daily Mail'],
         'source=a,b is OR')
    t.eq(listed(source='alwaght'), set(), 'source is exact (case)')
    t.eq(listed(source='Nobody'), set(), 'unknown source: empty list')
    doc = srv.json('/api/v1/articles', {'source': 'Nobody'})
    t.eq((doc['items'], doc['next_cursor'], doc['total']), ([], None, 0),
         'empty result: items [], next_cursor null, total 0')

    def dated(lo=None, hi=None):
        return {i for i, a in FULL.items()
                if (lo is None or a['published'][:10] >= lo) and
                (hi is None or a['published'][:10] <= hi)}

    t.eq(listed(since='2021-12-30'), dated('2021-12-30'), 'since inclusive')
    t.eq(listed(until='2021-12-29'), dated(None, '2021-12-29'),
         'until inclusive')
    t.eq(listed(since='2021-12-30', until='2021-12-30'),
         dated('2021-12-30', '2021-12-30'), 'since = until: one day')
    t.eq(listed(since='2021-12-31', until='2021-12-29'), set(),
         'since after until: empty')
    t.eq(listed(q='Putin', source='Alwaght'),
         search_ids('Putin') & by_source['Alwaght'], 'q AND source')
    t.eq(listed(source='Daily Mail', since='2021-12-30'), set(),
         'source AND since')
    r = srv.post('/api/v1/articles', article(
        'Late story: the ferry to Holm docked at midnight.',
        published='2022-03-02T23:59:59Z', source='Night Desk'), AUTH)
    late = r.json()['created'][0]
    t.eq(listed(source='Night Desk', until='2022-03-02'), {late},
         'until=D includes a timestamp late on day D')
    t.eq(listed(source='Night Desk', since='2022-03-02'), {late},
         'since=D includes a timestamp on day D')
    t.eq(listed(source='Night Desk', since='2022-03-03'), set(),
         'since=D+1 excludes it')
    srv.delete('/api/v1/articles/%d' % late, AUTH)


@tap.test
def search_with_filters(t):
    # A search with filters: the same articles as the search alone, kept if
    # they pass the filters, in every order, counted, paged one by one and
    # bucketed by the volume endpoint.
    putin = [e['id'] for e in srv.json('/api/v1/entities',
                                       {'q': 'putin'})['items']]
    mentions = set()
    if putin:
        for i in FULL:
            ann = srv.json('/api/v1/articles/%d/annotations' % i)
            if any(e['entity_id'] == putin[0] for e in ann['entities']):
                mentions.add(i)
    days = sorted({a['published'][:10] for a in FULL.values()})
    mid = days[len(days) // 2]
    sources = sorted({a['source'] for a in FULL.values()} - {None})
    filters = [({'source': s}, {i for i, a in FULL.items()
                                if a['source'] == s}) for s in sources[:3]]
    filters += [
        ({'since': mid}, {i for i, a in FULL.items()
                          if a['published'][:10] >= mid}),
        ({'until': mid}, {i for i, a in FULL.items()
                          if a['published'][:10] <= mid}),
        ({'source': ','.join(sources[:2]), 'since': days[0]},
         {i for i, a in FULL.items() if a['source'] in sources[:2]})]
    if putin:
        filters.append(({'entity': putin[0]}, mentions))
    key = {'published': lambda i: (FULL[i]['published'], i),
           '-published': lambda i: (FULL[i]['published'], i),
           'id': lambda i: i}
    nonempty = 0
    for q in ('Putin', 'troops', 'Biden OR Kremlin'):
        found = search_ids(q)
        for params, keep in filters:
            want = found & keep
            nonempty += bool(want)
            name = 'q=%s %s' % (q, params)
            doc = srv.json('/api/v1/articles', dict(params, q=q, limit=100))
            t.eq((set(ids(doc['items'])), doc['total']), (want, len(want)),
                 name + ': the search\'s matches that pass, and total')
            for sort in ('published', '-published', 'id'):
                got = ids(srv.json('/api/v1/articles', dict(
                    params, q=q, sort=sort, limit=100))['items'])
                t.eq(got, sorted(want, key=key[sort],
                                 reverse=sort == '-published'),
                     '%s sort=%s: in order' % (name, sort))
            pages = srv.pages('/api/v1/articles', dict(params, q=q), limit=1)
            t.eq((sorted(ids(pages[0])), pages[2]), (sorted(want), None),
                 name + ': paged one by one')
            vol = srv.json('/api/v1/timeline/volume', dict(params, q=q))
            t.eq(sum(b['count'] for b in vol['buckets']), len(want),
                 name + ': volume counts them')
    t.ok(nonempty >= 8, 'needs extraction and the seed articles: most '
         'filtered searches find something', nonempty)


@tap.test
def search_by_date_of_many_matches(t):
    # From 2,000 matches on, a search sorted by date walks the date index;
    # with an outlet filter, when 2,000 or more of its matches pass the
    # filter (fewer are sorted); and a page of one word matching more than
    # 1,000 articles a row finds its rows by rowid, ranked with the word's
    # count of matches. Every plan must give the matches of the search by
    # relevance, in date order, with the same scores and snippets.
    def day(i):
        d = '2023-%02d-%02d' % (i % 12 + 1, i * 7 % 28 + 1)
        return d if i % 3 else d + 'T%02d:00:00Z' % (i % 24)

    arts = ([{'id': 'many-%d' % i, 'source': 'Harbour Desk',
              'published': day(i), 'title': 'Harbour report %d' % i,
              'body': 'Report %d: the ferry to Holm %d sailed %s on '
              'Tuesday.' % (i, i, 'late' if i % 5 else 'early')}
             for i in range(2100)] +
            [{'id': 'quay-%d' % i, 'source': 'Quay Desk',
              'published': day(5 * i + 1), 'title': 'Quay note %d' % i,
              'body': 'Note %d: the ferry from Holm left %s, and the ferry '
              'back was full.' % (i, 'late' if i % 5 else 'early')}
             for i in range(300)] +
            # Without a ferry: the word's IDF, from its count of matches,
            # is not the floor of a word in over half of the articles.
            [{'id': 'rain-%d' % i, 'source': 'Harbour Desk',
              'published': day(3 * i + 2), 'title': 'Weather %d' % i,
              'body': 'Rain over Holm, note %d.' % i} for i in range(2700)])
    s = Server(tap.binary, sample=False, start=False)
    s.ingest(arts)
    s.start()
    harbour, both = {'source': 'Harbour Desk'}, {
        'source': 'Harbour Desk,Quay Desk'}
    half = {'since': '2023-03-01', 'until': '2023-08-31'}
    cases = [('ferry', {}), ('ferry', harbour), ('ferry', both),
             ('ferry', {'source': 'Quay Desk'}), ('ferry', half),
             ('ferry', dict(harbour, **half)), ('ferry early', {}),
             ('ferry early', harbour)]
    with s:
        for q, params in cases:
            name = 'q=%s %s' % (q, params)
            ranked, _, err = s.pages('/api/v1/articles', dict(params, q=q),
                                     limit=100)
            t.ok(err is None and len(ranked) >= 60, name + ': by relevance',
                 err, len(ranked))
            for sort in ('-published', 'published'):
                want = sorted(ranked, key=lambda a: (a['published'], a['id']),
                              reverse=sort == '-published')
                got, _, err = s.pages('/api/v1/articles', dict(
                    params, q=q, sort=sort), limit=100)
                t.ok(err is None, '%s sort=%s: paged to the end' % (name, sort),
                     err)
                t.eq([(a['id'], a['published'], a['score'], a['snippet'])
                      for a in got],
                     [(a['id'], a['published'], a['score'], a['snippet'])
                      for a in want],
                     '%s sort=%s: the matches in date order, with their '
                     'scores and snippets' % (name, sort))
                if q == 'ferry' and len(params) <= 1:
                    # Pages of 1 (2 rows asked for, to know of a next
                    # page): 2,400 matches are more than 1,000 a row.
                    got, _, _ = s.pages('/api/v1/articles', dict(
                        params, q=q, sort=sort), limit=1, max_pages=40)
                    t.eq([(a['id'], a['score'], a['snippet']) for a in got],
                         [(a['id'], a['score'], a['snippet'])
                          for a in want[:40]],
                         '%s sort=%s: pages of 1, rows found by rowid' %
                         (name, sort))
            doc = s.json('/api/v1/articles', dict(params, q=q,
                                                  sort='-published'))
            t.eq(doc['total'], len(ranked), name + ': total = the matches')
        # The volume of a search walks the date index when it matches one
        # article in 32 or more ('ferry': all, 'early': a fifth; for
        # outlets holding under half of the articles, such as Quay Desk,
        # each one's part of index articles_source), and joins its few
        # matches to their articles otherwise ('17': three); all count
        # per month what the generated articles say.
        for q in ('ferry', 'early', '17'):
            for params in [{}, harbour, half, {'source': 'Nobody'}, both,
                           dict(harbour, **half), {'source': 'Quay Desk'},
                           {'source': 'Quay Desk,Nobody'},
                           {'source': 'Quay Desk', 'since': '2023-03-01'}]:
                want = {}
                for a in arts:
                    d = a['published'][:10]
                    words = re.findall(r'\w+', (a['title'] + ' ' +
                                                 a['body']).lower())
                    if (q in words and a['source'] in params.get(
                            'source', a['source']).split(',') and
                            params.get('since', '') <= d <=
                            params.get('until', '9999')):
                        want[d[:7]] = want.get(d[:7], 0) + 1
                got = s.json('/api/v1/timeline/volume',
                             dict(params, q=q, interval='month'))['buckets']
                t.eq({b['date']: b['count'] for b in got}, want,
                     'volume of q=%s %s: per month' % (q, params))


@tap.test
def entity_filter(t):
    ents = srv.json('/api/v1/entities', {'q': 'putin'})['items']
    putin = [e for e in ents if e['name'] == 'Vladimir Putin']
    t.ok(putin, 'needs extraction: entity "Vladimir Putin" exists',
         [e['name'] for e in ents])
    ents = srv.json('/api/v1/entities', {'limit': 100})['items']
    if len(ents) < 2:
        return t.ok(False, 'needs extraction: at least two entities')
    mentions = {}
    for i in FULL:
        ann = srv.json('/api/v1/articles/%d/annotations' % i)
        for e in ann['entities']:
            mentions.setdefault(e['entity_id'], set()).add(i)
    a, b = ents[0]['id'], ents[-1]['id']
    got = set(ids(srv.json('/api/v1/articles',
                           {'entity': a, 'limit': 100})['items']))
    t.eq(got, mentions.get(a, set()), 'entity=%d: articles mentioning it' % a)
    got = set(ids(srv.json('/api/v1/articles',
                           {'entity': '%d,%d' % (a, b),
                            'limit': 100})['items']))
    t.eq(got, mentions.get(a, set()) | mentions.get(b, set()),
         'entity=a,b is OR')
    t.eq(srv.json('/api/v1/articles', {'entity': 999999})['items'], [],
         'unknown entity id: empty list')


@tap.test
def parameter_errors(t):
    cases = [
        ({'limit': '0'}, 'invalid_parameter', 'limit'),
        ({'limit': '101'}, 'invalid_parameter', 'limit'),
        ({'limit': 'abc'}, 'invalid_parameter', 'limit'),
        ({'limit': '-1'}, 'invalid_parameter', 'limit'),
        ({'limit': '1.5'}, 'invalid_parameter', 'limit'),
        ({'limit': ''}, 'invalid_parameter', 'limit'),
        ({'sort': 'title'}, 'invalid_parameter', 'sort'),
        ({'since': '2021-13-01'}, 'invalid_parameter', 'since'),
        ({'since': '2021-02-30'}, 'invalid_parameter', 'since'),
        ({'since': 'yesterday'}, 'invalid_parameter', 'since'),
        ({'until': '2021/12/30'}, 'invalid_parameter', 'until'),
        ({'until': '2021-12-3'}, 'invalid_parameter', 'until'),
        ({'entity': 'abc'}, 'invalid_parameter', 'entity'),
        ({'bogus': '1'}, 'unknown_parameter', 'bogus'),
        ({'Limit': '5'}, 'unknown_parameter', 'Limit'),
    ]
    for params, code, param in cases:
        r = srv.get('/api/v1/articles', params)
        t.error(r, 400, code, 'articles %s' % params, param)
    t.eq(srv.json('/api/v1/articles', {'limit': 1})['items'].__len__(), 1,
         'limit=1 accepted')
    t.status(srv.get('/api/v1/articles', {'limit': 100}), 200,
             'limit=100 accepted')
    t.status(srv.get('/api/v1/articles', {'_': '12345', '_x': 'y'}), 200,
             '_-prefixed parameters are ignored')
    t.eq(srv.json('/api/v1/articles', {'_': '1', 'limit': 2})['total'], 5,
         '_-prefixed parameter does not filter')


@tap.test
def search_words(t):
    for word, rx in [('Putin', r'\bputin'), ('Alwaght', r'\balwaght'),
                     ('Crimea', r'\bcrimea'), ('zzyzxqq', r'zzyzxqq')]:
        t.eq(search_ids(word), matching(rx), 'q=%s finds exactly the '
             'articles containing it' % word)
    t.eq(search_ids('putin'), search_ids('PUTIN'), 'case-insensitive')
    t.eq(search_ids('Putin Crimea'), matching(r'\bputin') &
         matching(r'\bcrimea'), 'words are ANDed')
    troops = matching(r'\btroops\b')
    t.ok(troops and troops <= search_ids('troop'),
         'stemmed: troop finds the articles with troops',
         sorted(troops), sorted(search_ids('troop')))
    t.eq(search_ids('troop'), search_ids('troops'), 'troop = troops')


@tap.test
def search_syntax(t):
    phrase = search_ids('"phone call"')
    t.eq(phrase, matching(r'phone\s+call'), 'phrase "phone call"')
    t.ok(phrase <= search_ids('phone call'), 'phrase is within the AND')
    t.eq(search_ids('Alwaght OR Crimea'),
         matching(r'\balwaght') | matching(r'\bcrimea'), 'a OR b')
    t.eq(search_ids('Putin NOT Alwaght'),
         matching(r'\bputin') - matching(r'\balwaght'), 'a NOT b')
    t.eq(search_ids('Putin -Alwaght'),
         matching(r'\bputin') - matching(r'\balwaght'), 'a -b')
    t.eq(search_ids('Ukrain*'), matching(r'\bukrain'), 'prefix Ukrain*')
    t.ok(search_ids('Ukrain*') >= search_ids('Ukrainian'),
         'prefix covers the full word')
    us = matching(r'U\.S\.')
    t.ok(us and us <= search_ids('U.S.'), 'q=U.S. finds the U.S. articles',
         sorted(us), sorted(search_ids('U.S.')))
    for q in ['"Putin', 'Putin"', '(Putin', 'Putin)', 'Putin:']:
        t.eq(search_ids(q), search_ids('Putin'),
             'q=%s is the word Putin (punctuation is text)' % q)


@tap.test
def search_never_500(t):
    queries = ['"', '""', '(', ')', ':', '*', '-', '+', '^', '{}', 'title:x',
               'title:Putin', 'body:Putin', 'NEAR(a b)', 'NEAR(Putin Biden)',
               'Putin AND', 'OR', 'AND', 'NOT', 'NOT Putin', 'Putin OR',
               'OR Putin', 'Putin NOT', '- Putin', '--Putin', 'Putin*Biden',
               '**', '"Putin"*', 'a"b', "Biden's", '\\', '\'', ';', '%',
               '\u00e9t\u00e9', '\u2014', '\U0001F600', 'x' * 3000,
               ' '.join(['Putin'] * 300), '(Putin OR) Biden', 'Putin - -',
               '"Putin Biden', '{Putin}', '[Putin]', 'Putin^2', '\t\n']
    for q in queries:
        r = srv.get('/api/v1/articles', {'q': q})
        name = 'q=%r' % q[:40]
        if r.status == 200:
            doc = r.json()
            t.ok('items' in doc and 'total' in doc, '%s: 200 list' % name)
        else:
            t.error(r, 400, 'invalid_query', name, 'q')
    t.eq(srv.get('/api/v1/health').status, 200, 'server alive after queries')
    t.status(srv.get('/api/v1/articles', {'q': 'title:x'}), 200,
             'q=title:x is text, not a column filter')
    t.status(srv.get('/api/v1/articles', {'q': 'NEAR(Putin Biden)'}), 200,
             'q=NEAR(...) is text')
    t.eq(search_ids('title:Putin'), search_ids('title Putin'),
         'q=title:Putin is the words title and Putin')
    t.error(srv.get('/api/v1/articles', {'q': ''}), 400,
            {'invalid_query', 'invalid_parameter'}, 'q= (empty)', 'q')


@tap.test
def query_encoding(t):
    raw = srv.request('GET', '/api/v1/articles?q=phone+call&limit=100')
    enc = srv.get('/api/v1/articles', {'q': 'phone call', 'limit': 100})
    t.eq(raw.status, 200, 'q=phone+call: 200')
    if raw.status == 200:
        t.eq(ids(raw.json()['items']), ids(enc.json()['items']),
             '+ in a query string is a space')
    t.error(srv.request('GET', '/api/v1/articles?limit'), 400,
            'invalid_parameter', '?limit with no value', 'limit')
    for raw in ('?&limit=2', '?limit=2&&', '?limit=2&'):
        t.status(srv.request('GET', '/api/v1/articles' + raw), 200,
                 '%s: empty pairs are ignored (as URLSearchParams does)'
                 % raw)
    t.error(srv.request('GET', '/api/v1/articles?lim%69t=0'), 400,
            'invalid_parameter', 'percent-encoded parameter name', 'limit')
    for bad in ['q=%ff%fe', 'q=%', 'q=%zz', 'source=%c3%28', 'q=a%00b']:
        r = srv.request('GET', '/api/v1/articles?' + bad)
        t.ok(r.status in (200, 400), '?%s: 200 or 400, never 5xx' % bad,
             r.status)
        if r.status == 400:
            t.error(r, 400, {'invalid_parameter', 'invalid_query'},
                    '?%s' % bad)
    for path in ['/api/v1/claims', '/api/v1/claim-groups',
                 '/api/v1/timeline/volume', '/api/v1/entities']:
        for q in ['"', '(', 'NEAR(a b)', 'title:x', '*', '-', 'a OR',
                  'U.S.', '%', '_', "'"]:
            r = srv.get(path, {'q': q})
            ok = r.status == 200 or (
                r.status == 400 and r.json()['error']['code'] in
                ('invalid_query', 'invalid_parameter'))
            t.ok(ok, '%s q=%r: 200 or 400 invalid_query' % (path, q),
                 r.status, r.body[:200])


@tap.test
def snippets_with_q(t):
    r = srv.get('/api/v1/articles', {'q': 'troop', 'limit': 100})
    for a in r.json()['items']:
        snip = a['snippet']
        marks = re.findall(r'<mark>(.*?)</mark>', snip)
        t.ok(marks, 'article %d: snippet has <mark>' % a['id'], snip)
        t.ok(all(m.lower().startswith('troop') for m in marks),
             'article %d: only matches are marked' % a['id'], marks)
        rest = re.sub(r'</?mark>', '', snip)
        t.ok('<' not in rest and '>' not in rest,
             'article %d: no other markup' % a['id'], snip)
        t.ok(len(rest.split()) <= 60, 'article %d: snippet is short'
             % a['id'], '%d words' % len(rest.split()))
    for q, ok in [('Ukrain*', ('ukrain',)),
                  ('"phone call"', ('phone', 'call')),
                  ('Crimea OR Alwaght', ('crimea', 'alwaght'))]:
        items = srv.json('/api/v1/articles', {'q': q, 'limit': 100})['items']
        marks = [m.lower() for a in items
                 for m in re.findall(r'<mark>(.*?)</mark>', a['snippet'])]
        t.ok(marks and all(any(m.startswith(w) or w in m for w in ok)
                           for m in marks),
             'q=%s: the marks are the matches' % q, marks[:10])
    body = ('The mayor wrote <b>"bold"</b> & \'quoted\' words about the '
            'quokkaphone in C:\\dir\\file, then left.\n' * 2)
    r = srv.post('/api/v1/articles', article(body, title='Markup <i>test'),
                 AUTH)
    if not t.status(r, 201, 'POST an article with markup'):
        return
    new = r.json()['created'][0]
    for params in ({'q': 'quokkaphone'}, {'q': 'mayor bold'}):
        items = srv.json('/api/v1/articles', params)['items']
        item = [a for a in items if a['id'] == new]
        if not t.ok(item, '%s finds the markup article' % params):
            continue
        snip = item[0]['snippet']
        rest = re.sub(r'</?mark>', '', snip)
        t.ok('&lt;b&gt;' in rest and '&amp;' in rest,
             '%s: snippet is HTML-escaped' % params, snip)
        t.ok('<b>' not in snip and '<' not in rest,
             '%s: no raw markup from the body' % params, snip)
        t.ok('C:\\dir\\file, then left.\n' in rest,
             '%s: backslashes and line breaks survive both escapes' % params,
             snip)
    item = [a for a in srv.json('/api/v1/articles', {'limit': 100})['items']
            if a['id'] == new][0]
    t.ok('&lt;b&gt;' in item['snippet'] and '<b>' not in item['snippet'],
         'snippet without q is escaped too', item['snippet'])
    t.ok('C:\\dir\\file, then left.\n' in item['snippet'],
         'the lead keeps backslashes and line breaks', item['snippet'])
    t.eq(item['title'], 'Markup <i>test', 'title is JSON, not escaped')
    srv.delete('/api/v1/articles/%d' % new, AUTH)


@tap.test
def annotations(t):
    types = {'person', 'org', 'place'}
    for i, a in FULL.items():
        r = srv.get('/api/v1/articles/%d/annotations' % i)
        doc = t.json_ok(r, 'annotations %d' % i)
        if doc is None:
            continue
        t.eq(doc.get('article_id'), i, 'annotations %d: article_id' % i)
        t.ok(all(isinstance(doc.get(k), list)
                 for k in ('entities', 'timexes', 'claims')),
             'annotations %d: entities, timexes, claims lists' % i)
        body = a['body']
        bad = []
        for kind in ('entities', 'timexes', 'claims'):
            for span in doc.get(kind, []):
                s, e = span['start'], span['end']
                if not (0 <= s < e <= len(body)) or body[s:e] != span['text']:
                    bad.append((kind, s, e, span['text'], body[s:e]))
        t.ok(not bad, 'annotations %d: body[start:end] == text (code '
             'points)' % i, *bad[:5])
        t.ok(all(e['type'] in types and isinstance(e['entity_id'], int)
                 for e in doc['entities']),
             'annotations %d: entity type and entity_id' % i)
        t.ok(all(x['type'] in {'date', 'time', 'duration', 'set'} and
                 isinstance(x['value'], str) and
                 (x.get('event_id') is None or
                  isinstance(x['event_id'], int))
                 for x in doc['timexes']),
             'annotations %d: timex type, value, event_id' % i)
        good = True
        for c in doc['claims']:
            sp = c['speaker']
            good &= c['kind'] in {'quote', 'statement', 'number'}
            good &= isinstance(c['claim_id'], int)
            good &= sp is None or (set(sp) >= {'entity_id', 'name'} and
                                   (sp['entity_id'] is None or
                                    isinstance(sp['entity_id'], int)))
            if c['kind'] == 'number':
                good &= {'value', 'unit', 'qualifier'} <= set(c)
        t.ok(good, 'annotations %d: claim kind, claim_id, speaker' % i)
    # Content, once the extractors are in: article 1 names Biden at 10.
    first = [a for a in FULL.values()
             if a['external_id'] == '000_df6c05f6d0d70a2c'][0]
    doc = srv.json('/api/v1/articles/%d/annotations' % first['id'])
    t.ok(any(e['text'] == 'Joe Biden' and e['type'] == 'person'
             for e in doc['entities']),
         'needs extraction: "Joe Biden" is a person in the first article')
    t.ok(any(x['text'] == 'Thursday' and x['type'] == 'date'
             for x in doc['timexes']),
         'needs extraction: "Thursday" is a date in the first article')
    t.ok(any(c['kind'] == 'number' for c in doc['claims']),
         'needs extraction: "as many as 100,000" is a number claim')
    # A non-BMP character before a span: offsets still count code points.
    body = ('\U0001F600 \u00c9lise Borne said on Monday that Paris would '
            'host 3,000 delegates.')
    r = srv.post('/api/v1/articles', article(body), AUTH)
    if t.status(r, 201, 'POST an article with an emoji'):
        new = r.json()['created'][0]
        doc = srv.json('/api/v1/articles/%d/annotations' % new)
        spans = doc['entities'] + doc['timexes'] + doc['claims']
        t.ok(spans, 'needs extraction: spans after an emoji')
        t.ok(all(body[s['start']:s['end']] == s['text'] for s in spans),
             'offsets after an emoji count code points',
             [(s['start'], s['end'], s['text']) for s in spans])
        srv.delete('/api/v1/articles/%d' % new, AUTH)


@tap.test
def search_paging_edges(t):
    # A search by relevance asks for `limit` rows and tells a next page
    # from its total: every page size, including those that end exactly on
    # the last match, walks the same ranking with no empty last page.
    for q in ('said', 'the', 'minister'):
        whole = srv.json('/api/v1/articles', {'q': q, 'limit': 100})
        want = ids(whole['items'])
        if not 2 <= len(want) < 100:
            continue
        for limit in sorted({1, 2, 3, len(want) - 1, len(want), len(want) + 1}
                            - {0}):
            got, pages, cursor = [], [], None
            while True:
                params = {'q': q, 'limit': limit}
                if cursor:
                    params['cursor'] = cursor
                doc = srv.json('/api/v1/articles', params)
                got += ids(doc['items'])
                pages.append((len(doc['items']), doc['total']))
                cursor = doc['next_cursor']
                if not cursor or len(pages) > 200:
                    break
            t.eq(got, want, 'q=%s limit=%d: pages walk the ranking' %
                 (q, limit))
            t.ok(all(n for n, _ in pages), 'q=%s limit=%d: no empty page' %
                 (q, limit), pages)
            t.ok(all(total == len(want) for _, total in pages),
                 'q=%s limit=%d: every page has the total' % (q, limit),
                 pages)


def tag(i):
    """A made-up word per number (numbers would make number claims)."""
    return ''.join(chr(97 + i // 26 ** k % 26) for k in range(4))


@tap.test
def total_cap(t):
    # 10,050 articles: total stops at 10,000 with total_exact false.
    with Server(tap.binary, sample=False) as big:
        path = big.dir + '/many.jsonl'
        with open(path, 'w') as f:
            for i in range(10050):
                f.write('{"body": "Bulletin %s: the river ferry was on time '
                        'again.", "source": "S%d", "published": '
                        '"2022-01-%02d"}\n' % (tag(i), i % 3, i % 28 + 1))
        p = big.cli('ingest', '--db', big.db, path)
        t.eq(p.returncode, 0, 'ingest 10,050 articles')
        doc = big.json('/api/v1/articles', {'limit': 1})
        t.eq((doc['total'], doc['total_exact']), (10000, False),
             'no filter: total 10000, total_exact false')
        doc = big.json('/api/v1/articles', {'q': 'ferry', 'limit': 1})
        t.eq((doc['total'], doc['total_exact']), (10000, False),
             'q=ferry: total 10000, total_exact false')
        doc = big.json('/api/v1/articles', {'source': 'S1', 'limit': 1})
        t.eq((doc['total'], doc['total_exact']), (3350, True),
             'source=S1: exact total 3350')
        doc = big.json('/api/v1/articles', {'q': 'bulletin ' + tag(77),
                                            'limit': 5})
        t.eq((doc['total'], doc['total_exact']), (1, True),
             'q matching one article: total 1')
        t.eq(big.json('/api/v1/health')['articles'], 10050,
             'health counts every article')


tap.main()
