"""test_resources.py - entities, claims, claim groups, timeline, volume,
sources, health, openapi.json and /metrics: shapes, filters, sorts, paging
to the last page and the 400/404 paths.  Checks marked "needs extraction"
depend on what the extractors find in the seed articles.

usage: test_resources.py PATH/TO/dossier
"""

import calendar
import datetime
import json
import re

from harness import AUTH, ROOT, Server, Tap

tap = Tap()
srv = Server(tap.binary)
ARTICLES = srv.json('/api/v1/articles', {'limit': 100})['items']
ENTITY_FIELDS = {'id', 'name', 'type', 'aliases', 'mention_count',
                 'article_count', 'source_count'}
CLAIM_FIELDS = {'id', 'kind', 'text', 'article_id', 'source', 'published',
                'start', 'end', 'speaker', 'group_id'}
GROUP_FIELDS = {'id', 'kind', 'label', 'status', 'source_count', 'sources',
                'claims'}
EVENT_FIELDS = {'id', 'date', 'precision', 'label', 'entities', 'mentions',
                'source_count'}
TIMEX_VALUE = re.compile(r'^(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?)?)?'
                         r'|-W\d{2})?|[A-Z_]+_REF|\d{2,3}X*)$')
PATHS = ['/api/v1/articles', '/api/v1/articles/{id}',
         '/api/v1/articles/{id}/annotations', '/api/v1/entities',
         '/api/v1/entities/{id}', '/api/v1/entities/{id}/articles',
         '/api/v1/claims', '/api/v1/claims/{id}', '/api/v1/claim-groups',
         '/api/v1/claim-groups/{id}', '/api/v1/timeline',
         '/api/v1/timeline/volume', '/api/v1/sources', '/api/v1/health',
         '/api/v1/openapi.json']


def date_range(value, lo=True):
    """(first day, last day) of a TimeML date value, or None."""
    m = re.match(r'^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$', value)
    if m:
        y, mo, d = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
        if d:
            first = last = datetime.date(y, mo, d)
        elif mo:
            first = datetime.date(y, mo, 1)
            last = datetime.date(y, mo, calendar.monthrange(y, mo)[1])
        else:
            first, last = datetime.date(y, 1, 1), datetime.date(y, 12, 31)
        return first, last
    m = re.match(r'^(\d{4})-W(\d{2})$', value)
    if m:
        first = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return first, first + datetime.timedelta(days=6)
    return None


def ids(items):
    return [i['id'] for i in items]


def full_list(t, path, params=None, name=None):
    """Every item of a list, paged with limit 3, checked against limit 100."""
    name = name or '%s %s' % (path, params or '')
    ref = t.json_ok(srv.get(path, dict(params or {}, limit=100)), name)
    if ref is None:
        return []
    t.ok(set(ref) >= {'items', 'next_cursor'}, '%s: items, next_cursor'
         % name)
    items, _, err = srv.pages(path, params, 3)
    t.ok(err is None, '%s: paged to the end (limit 3)' % name, err)
    t.eq(ids(items), ids(ref['items']), '%s: pages = one page, no '
         'duplicates or gaps' % name)
    t.eq(len(set(ids(items))), len(items), '%s: ids unique' % name)
    return ref['items']


def list_errors(t, path, extra):
    """The parameter errors every list shares, plus @extra."""
    cases = [({'limit': '0'}, 'invalid_parameter', 'limit'),
             ({'limit': '101'}, 'invalid_parameter', 'limit'),
             ({'limit': 'abc'}, 'invalid_parameter', 'limit'),
             ({'cursor': 'not-a-cursor'}, 'invalid_cursor', 'cursor'),
             ({'nope': '1'}, 'unknown_parameter', 'nope')] + extra
    for params, code, param in cases:
        t.error(srv.get(path, params), 400, code, '%s %s' % (path, params),
                param)
    t.status(srv.get(path, {'_': '123'}), 200, '%s ignores _' % path)


@tap.test
def entities(t):
    ents = full_list(t, '/api/v1/entities')
    t.ok(ents, 'needs extraction: entities exist')
    for e in ents:
        t.ok(ENTITY_FIELDS <= set(e), 'entity %s has every field' % e['id'],
             ENTITY_FIELDS - set(e))
        t.ok(e['type'] in {'person', 'org', 'place'} and
             isinstance(e['aliases'], list) and
             e['mention_count'] >= e['article_count'] >= 1 and
             e['article_count'] >= e['source_count'] >= 1,
             'entity %s: type, aliases, counts consistent' % e['id'], e)
    t.ok(all(e['name'] not in e['aliases'] for e in ents),
         'aliases are the other surface forms, not the name')
    m = [e['mention_count'] for e in ents]
    t.eq(m, sorted(m, reverse=True), 'default sort -mentions')
    for sort, key, rev in [('-mentions', 'mention_count', True),
                           ('-articles', 'article_count', True),
                           ('name', 'name', False)]:
        got = full_list(t, '/api/v1/entities', {'sort': sort})
        vals = [e[key].lower() if rev is False else e[key] for e in got]
        t.eq(vals, sorted(vals, reverse=rev), 'sort=%s order' % sort)
        t.eq(sorted(ids(got)), sorted(ids(ents)), 'sort=%s: same set' % sort)
    for typ in ('person', 'org', 'place'):
        got = full_list(t, '/api/v1/entities', {'type': typ})
        t.eq(sorted(ids(got)), sorted(e['id'] for e in ents
                                      if e['type'] == typ),
             'type=%s filters' % typ)
    got = srv.json('/api/v1/entities', {'type': 'person,place',
                                        'limit': 100})['items']
    t.eq(sorted(ids(got)), sorted(e['id'] for e in ents
                                  if e['type'] in ('person', 'place')),
         'type=person,place is OR')
    for q in ('put', 'PUT', 'Vladimir', 'bid'):
        got = srv.json('/api/v1/entities', {'q': q, 'limit': 100})['items']
        want = [e['id'] for e in ents if any(
            n.lower().startswith(q.lower()) for n in [e['name']] +
            e['aliases'])]
        t.ok(set(want) <= set(ids(got)), 'q=%s: prefix of name or alias'
             % q, want, ids(got))
        t.ok(all(any(n.lower().startswith(q.lower()) or
                     any(w.lower().startswith(q.lower()) for w in n.split())
                     for n in [e['name']] + e['aliases']) for e in got),
             'q=%s: every hit has a name or alias with that prefix' % q)
    for q in ('%', '_', '%u%', '_utin', '*', "'", '"'):
        got = srv.get('/api/v1/entities', {'q': q, 'limit': 100})
        if t.status(got, 200, 'entities q=%s' % q):
            t.eq([e['name'] for e in got.json()['items']], [],
                 'entities q=%s: a literal prefix, not a wildcard' % q)
    names = [e['name'] for e in srv.json('/api/v1/entities',
                                         {'q': 'put'})['items']]
    t.ok('Vladimir Putin' in names, 'needs extraction: q=put finds '
         '"Vladimir Putin"', names)
    biden = [e for e in ents if e['name'] == 'Joe Biden']
    t.ok(biden and 'Biden' in biden[0]['aliases'],
         'needs extraction: "Joe Biden" with alias "Biden"',
         biden and biden[0])
    first = ARTICLES[0]['id']
    ann = srv.json('/api/v1/articles/%d/annotations' % first)
    got = full_list(t, '/api/v1/entities', {'article': first})
    t.eq(sorted(ids(got)), sorted({e['entity_id'] for e in ann['entities']}),
         'article=%d: the entities of its annotations' % first)
    got = full_list(t, '/api/v1/entities', {'source': 'Alwaght'})
    alw = [a['id'] for a in ARTICLES if a['source'] == 'Alwaght'][0]
    ann = srv.json('/api/v1/articles/%d/annotations' % alw)
    t.eq(sorted(ids(got)), sorted({e['entity_id'] for e in ann['entities']}),
         'source=Alwaght: the entities of its one article')
    list_errors(t, '/api/v1/entities', [
        ({'type': 'animal'}, 'invalid_parameter', 'type'),
        ({'sort': 'mentions'}, 'invalid_parameter', 'sort'),
        ({'article': 'x'}, 'invalid_parameter', 'article')])


@tap.test
def entity_detail(t):
    ents = srv.json('/api/v1/entities', {'limit': 5})['items']
    if not t.ok(ents, 'needs extraction: entities to look at'):
        return
    for e in ents:
        r = srv.get('/api/v1/entities/%d' % e['id'])
        d = t.json_ok(r, 'entity %d' % e['id'])
        if d is None:
            continue
        t.ok(all(d[k] == e[k] for k in ENTITY_FIELDS),
             'entity %d: the list item fields' % e['id'])
        t.ok({'sources', 'first_published', 'last_published', 'related'}
             <= set(d), 'entity %d: detail fields' % e['id'])
        t.eq(sum(s['count'] for s in d['sources']), d['mention_count'],
             'entity %d: sources counts sum to mention_count' % e['id'])
        t.eq(len(d['sources']), d['source_count'],
             'entity %d: one sources row per outlet' % e['id'])
        t.ok(d['first_published'] <= d['last_published'],
             'entity %d: first <= last published' % e['id'])
        t.ok(len(d['related']) <= 20 and all(
            {'id', 'name', 'type', 'count'} <= set(x) and x['id'] != e['id']
            for x in d['related']), 'entity %d: related, top 20' % e['id'])
        c = [x['count'] for x in d['related']]
        t.eq(c, sorted(c, reverse=True), 'entity %d: related by count'
             % e['id'])
        arts = full_list(t, '/api/v1/entities/%d/articles' % e['id'])
        t.eq(len(arts), d['article_count'],
             'entity %d: article_count articles' % e['id'])
        t.eq(sum(a['mention_count'] for a in arts), d['mention_count'],
             'entity %d: article mention_counts sum up' % e['id'])
        mc = [a['mention_count'] for a in arts]
        t.eq(mc, sorted(mc, reverse=True), 'entity %d: default -mentions'
             % e['id'])
        arts2 = full_list(t, '/api/v1/entities/%d/articles' % e['id'],
                          {'sort': '-published'})
        pub = [a['published'] for a in arts2]
        t.eq(pub, sorted(pub, reverse=True), 'entity %d: sort=-published'
             % e['id'])
        t.ok(all({'id', 'title', 'source', 'published', 'url', 'word_count',
                  'mention_count'} <= set(a) for a in arts),
             'entity %d: article items + mention_count' % e['id'])
        via = srv.json('/api/v1/articles', {'entity': e['id'],
                                            'limit': 100})['items']
        t.eq(sorted(ids(arts)), sorted(ids(via)),
             'entity %d: same as /articles?entity=' % e['id'])
    for bad in ('999999', 'abc', '0'):
        t.error(srv.get('/api/v1/entities/' + bad), 404, 'not_found',
                'entity %s' % bad)
        t.error(srv.get('/api/v1/entities/%s/articles' % bad), 404,
                'not_found', 'articles of entity %s' % bad)
    e = ents[0]['id']
    list_errors(t, '/api/v1/entities/%d/articles' % e, [
        ({'sort': 'published'}, 'invalid_parameter', 'sort'),
        ({'q': 'x'}, 'unknown_parameter', 'q')])


def check_claim(t, c, name):
    good = CLAIM_FIELDS <= set(c) and c['kind'] in {'quote', 'statement',
                                                     'number'}
    sp = c.get('speaker')
    good = good and (sp is None or ({'entity_id', 'name'} <= set(sp)))
    if c.get('kind') == 'number':
        # A vague quantity ("tens of thousands of troops") has no value;
        # its qualifier says how vague.
        value = c.get('value')
        good = good and (isinstance(value, (int, float)) or (
            value is None and isinstance(c.get('qualifier'), str))) and \
            isinstance(c.get('unit'), str) and 'qualifier' in c
    return t.ok(good, '%s: claim fields' % name, c)


@tap.test
def entities_of_a_large_outlet(t):
    # entities?source= fetches a small outlet's entities and sorts them, but
    # walks the list order for an outlet of 2,000 or more: both must give
    # the same answers. 110 generated articles name 2,200 people.
    first = ('Anna Boris Carla Dmitri Elena Farid Greta Hugo Ines Jonas '
             'Katja Luis Mira Nils Olga Pavel Rosa Stefan Tara Umar Vera '
             'Wim Xenia Yusuf Zora Aldo Bea Cyril Dora Emil Fay Gil Hana '
             'Ivo Jana Karl Lena Milo Nora Otto Pia Rolf Sara Timo Ulla '
             'Viktor Wanda Yann Zeno Alma').split()
    last = ('Kowalczyk Tanaka Moreau Petrov Lindqvist Haddad Okafor Brandt '
            'Silva Novak Jensen Costa Weber Ivanova Nakamura Rossi Schulz '
            'Dubois Horvat Fischer Kaur Lopez Meyer Nilsen Ortiz Park Quinn '
            'Reyes Sato Toth Ueda Vargas Wolff Young Zimmer Abbott Berg Chen '
            'Dahl Eklund Ford Gomez Holm Ito Jovic Kim Lund Marsh Ng '
            'Olsen').split()
    names = ['%s %s' % (f, l) for l in last for f in first][:2200]
    s = Server(tap.binary, start=False)
    s.ingest({'id': 'gen-%d' % i, 'source': 'Gen Desk',
              'published': '2022-01-%02d' % (i % 28 + 1),
              'title': 'Council %d' % i,
              'body': ' '.join('%s, a spokesperson for the council, said on '
                               'Monday that the bridge would reopen.' % n
                               for n in names[i * 20:(i + 1) * 20])}
             for i in range(110))
    s.start()
    with s:
        def listed(params):
            items, _, err = s.pages('/api/v1/entities', params, limit=100)
            t.ok(err is None, 'entities %s: paged to the end' % params, err)
            return items

        every = listed({'sort': 'name'})
        gen = listed({'source': 'Gen Desk', 'sort': 'name'})
        t.eq(sorted(e['name'] for e in gen), sorted(names),
             'a large outlet (walked): exactly its 2,200 entities')
        seed = listed({'source': 'Alwaght', 'sort': 'name'})
        t.ok(seed and not {e['name'] for e in seed} & set(names),
             'a small outlet (sorted): none of the generated ones')
        both = listed({'source': 'Gen Desk,Alwaght', 'sort': 'name'})
        t.eq(ids(both), [e['id'] for e in every
                         if e['id'] in set(ids(gen)) | set(ids(seed))],
             'both outlets: the union, in name order')
        for sort, key in [('-mentions', 'mention_count'),
                          ('-articles', 'article_count')]:
            got = listed({'source': 'Gen Desk', 'sort': sort})
            t.eq(ids(got), [e['id'] for e in sorted(
                gen, key=lambda e: (-e[key], e['id']))],
                 'a large outlet, sort=%s: in order' % sort)
        t.eq(s.json('/api/v1/entities', {'source': 'Nobody'})['items'], [],
             'an outlet of no entity: empty')


@tap.test
def claims_of_a_large_group(t):
    # One quote in 120 articles of three outlets, some without a date: the
    # group shows all its claims in date order, a list of groups the first
    # 50 of them, and both agree with the claims list.
    s = Server(tap.binary, sample=False, start=False)
    s.ingest({'id': 'q%d' % i,
              'source': ('North Desk', 'South Desk', 'East Desk')[i % 3],
              'published': ('2023-%02d-%02d' % (i % 12 + 1, i * 5 % 28 + 1)
                            if i % 10 else None),
              'title': 'Bridge %d' % i,
              'body': 'Town notes %d. "We will reopen the old stone bridge to '
                      'traffic on Friday," Mayor Ada Lind said in a '
                      'statement. Item %d closes the report.' % (i, i)}
             for i in range(120))
    s.start()
    with s:
        quotes, _, err = s.pages('/api/v1/claims', {'kind': 'quote'},
                                 limit=100)
        groups = s.json('/api/v1/claim-groups', {'kind': 'quote'})['items']
        big = [g for g in groups if g['source_count'] == 3]
        if not t.ok(big and err is None, 'needs extraction: one quote '
                    'group of three outlets', [(g['label'], g['source_count'])
                                               for g in groups]):
            return
        listed = big[0]
        whole = s.json('/api/v1/claim-groups/%d' % listed['id'])
        want = [c for c in quotes if c['group_id'] == listed['id']]
        t.eq((whole['claim_count'], len(want)), (120, 120),
             'claim_count 120, and 120 in the claims list')
        t.eq(ids(whole['claims']), ids(want),
             'the group\'s claims: those of the claims list, in its order')
        keys = [(c['published'] or '', c['article_id'], c['start'])
                for c in whole['claims']]
        t.eq(keys, sorted(keys), 'in date order, undated first')
        t.eq(listed['claims'], whole['claims'][:50],
             'a list of groups shows its first 50')


@tap.test
def claims(t):
    items = full_list(t, '/api/v1/claims')
    t.ok(items, 'needs extraction: claims exist')
    for c in items[:50]:
        check_claim(t, c, 'claim %d' % c['id'])
    keys = [(c['published'] or '', c['article_id'], c['start'], c['id'])
            for c in items]
    t.eq(keys, sorted(keys), 'claims ordered by published, article, start')
    t.ok(len({k[:2] for k in keys}) > len({k[0] for k in keys}) or
         len(keys) < 2, 'needs two articles of one date (the order within '
         'a date)', keys[:3])

    def in_order(got, name):
        """A filtered list keeps the order of the whole list."""
        want = [c['id'] for c in items if c['id'] in set(ids(got))]
        t.eq(ids(got), want, name + ': in the order of the whole list')
    bodies = {}
    bad = []
    for c in items:
        if c['article_id'] not in bodies:
            bodies[c['article_id']] = srv.json(
                '/api/v1/articles/%d' % c['article_id'])['body']
        if bodies[c['article_id']][c['start']:c['end']] != c['text']:
            bad.append(c)
    t.ok(not bad, 'claim text = body[start:end]', *bad[:3])
    for kind in ('quote', 'statement', 'number'):
        got = full_list(t, '/api/v1/claims', {'kind': kind})
        t.eq(sorted(ids(got)), sorted(c['id'] for c in items
                                      if c['kind'] == kind),
             'kind=%s filters' % kind)
        in_order(got, 'kind=%s' % kind)
        t.ok(got, 'needs extraction: some %s claims' % kind)
    got = srv.json('/api/v1/claims', {'kind': 'quote,number',
                                      'limit': 100})['items']
    t.eq(sorted(ids(got)), sorted(c['id'] for c in items
                                  if c['kind'] in ('quote', 'number'))[:100],
         'kind=quote,number is OR')
    nums = [c for c in items if c['kind'] == 'number']
    t.ok(any(c['value'] == 100000 and c['unit'] == 'troop' for c in nums),
         'needs extraction: a 100,000 troop number claim')
    art = ARTICLES[0]['id']
    got = full_list(t, '/api/v1/claims', {'article': art})
    t.eq(sorted(ids(got)), sorted(c['id'] for c in items
                                  if c['article_id'] == art),
         'article= filters')
    got = full_list(t, '/api/v1/claims', {'source': 'Daily Mail'})
    t.eq(sorted(ids(got)), sorted(c['id'] for c in items
                                  if c['source'] == 'Daily Mail'),
         'source= filters')
    in_order(got, 'source=')
    spk = [c['speaker']['entity_id'] for c in items
           if c['speaker'] and c['speaker']['entity_id']]
    if t.ok(spk, 'needs extraction: a claim with a named speaker'):
        got = full_list(t, '/api/v1/claims', {'speaker': spk[0]})
        t.eq(sorted(ids(got)), sorted(
            c['id'] for c in items if c['speaker'] and
            c['speaker']['entity_id'] == spk[0]), 'speaker= filters')
        in_order(got, 'speaker=')
    got = srv.json('/api/v1/claims', {'q': 'troops', 'limit': 100})['items']
    t.ok(got and all('troop' in c['text'].lower() for c in got),
         'q=troops: full text over the claim text (stemmed)',
         [c['text'] for c in got][:5])
    spans = {}
    for a in ARTICLES:
        ann = srv.json('/api/v1/articles/%d/annotations' % a['id'])
        spans[a['id']] = [(e['start'], e['entity_id'])
                          for e in ann['entities']]

    def mentions(c, ent):
        return any(c['start'] <= st < c['end'] and eid == ent
                   for st, eid in spans[c['article_id']])

    ents = [e['id'] for e in srv.json('/api/v1/entities',
                                      {'limit': 4})['items']]
    for ent in ents:
        got = full_list(t, '/api/v1/claims', {'entity': ent})
        want = {c['id'] for c in items if mentions(c, ent)}
        t.eq(set(ids(got)), want, 'claims?entity=%d: the claims whose span '
             'has a mention of it' % ent)
    if len(ents) >= 2:
        got = srv.json('/api/v1/claims', {'entity': '%d,%d' % tuple(ents[:2]),
                                          'limit': 100})['items']
        t.eq(set(ids(got)), {c['id'] for c in items if mentions(
            c, ents[0]) or mentions(c, ents[1])}, 'claims?entity=a,b is OR')
    putin = srv.json('/api/v1/entities', {'q': 'putin'})['items']
    if putin:
        got = full_list(t, '/api/v1/claims', {'entity': putin[0]['id']})
        t.ok(got, 'needs extraction: claims mentioning Putin')
    group_status = {g['id']: g['status']
                    for g in full_list(t, '/api/v1/claim-groups')}
    for status in ('corroborated', 'conflicting', 'single'):
        got = full_list(t, '/api/v1/claims', {'status': status})
        t.ok(all(c['group_id'] is not None or status == 'single'
                 for c in got), 'status=%s: grouped claims' % status)
        t.eq(ids(got), [c['id'] for c in items
                        if group_status.get(c['group_id']) == status],
             'status=%s: the claims of the groups of that status, in the '
             'list\'s order' % status)
    got = full_list(t, '/api/v1/claims', {'status': 'conflicting'})
    t.ok(got, 'needs extraction: conflicting claims (100,000 vs 120,000)')
    in_order(got, 'status=conflicting')
    for c in items[:5]:
        r = srv.get('/api/v1/claims/%d' % c['id'])
        t.eq(t.json_ok(r, 'claim %d' % c['id']), c,
             'claim %d equals its list item' % c['id'])
    for bad in ('999999', 'abc', '0'):
        t.error(srv.get('/api/v1/claims/' + bad), 404, 'not_found',
                'claim %s' % bad)
    list_errors(t, '/api/v1/claims', [
        ({'kind': 'rumour'}, 'invalid_parameter', 'kind'),
        ({'status': 'true'}, 'invalid_parameter', 'status'),
        ({'speaker': 'x'}, 'invalid_parameter', 'speaker'),
        ({'article': '-3'}, 'invalid_parameter', 'article'),
        ({'sort': 'id'}, 'unknown_parameter', 'sort')])
    t.error(srv.get('/api/v1/claims', {'q': '"'}), 400, 'invalid_query',
            'claims q=" (no word)', 'q')


@tap.test
def claim_groups(t):
    groups = full_list(t, '/api/v1/claim-groups')
    t.ok(groups, 'needs extraction: claim groups exist')
    for g in groups[:30]:
        good = GROUP_FIELDS <= set(g) and g['status'] in {
            'corroborated', 'conflicting', 'single'} and \
            g['source_count'] == len(g['sources']) and g['claims']
        t.ok(good, 'group %d: fields' % g['id'], g)
        for c in g['claims']:
            check_claim(t, c, 'group %d claim %d' % (g['id'], c['id']))
        t.ok(all(c['group_id'] == g['id'] for c in g['claims']),
             'group %d: its claims point back' % g['id'])
        if g['kind'] == 'number':
            t.ok(isinstance(g.get('values'), list) and all(
                {'value', 'qualifier', 'sources'} <= set(v)
                for v in g['values']), 'group %d: values' % g['id'])
    sc = [g['source_count'] for g in groups]
    t.eq(sc, sorted(sc, reverse=True), 'default order: most sources first')
    t.ok(all(g['source_count'] >= 2 for g in groups
             if g['status'] == 'corroborated'),
         'corroborated groups have 2+ sources')
    t.ok(all(g['source_count'] == 1 for g in groups
             if g['status'] == 'single'), 'single groups have one source')
    t.ok(all(set(map(str, v['sources'])) <= set(map(str, g['sources']))
             for g in groups for v in g.get('values') or []),
         'the sources of each value are sources of the group')
    t.ok(all({v['value'] for v in g['values']} ==
             {c['value'] for c in g['claims'] if c['value'] is not None}
             for g in groups if g['kind'] == 'number'),
         'number groups list exactly the values their claims give',
         [g['id'] for g in groups if g['kind'] == 'number' and
          not g['values']])
    status = {g['id']: g['status'] for g in groups}
    for st in ('corroborated', 'conflicting', 'single'):
        got = srv.json('/api/v1/claims', {'status': st, 'limit': 100})
        t.ok(all(status.get(c['group_id'], 'single') == st
                 for c in got['items']),
             'claims?status=%s: claims of %s groups' % (st, st))
    conflict = [g for g in groups if g['status'] == 'conflicting' and
                {100000, 120000} <= {v['value'] for v in g.get('values') or
                                     []}]
    t.ok(conflict, 'needs extraction: a conflicting troops group with '
         '100000 and 120000')
    troops = [g for g in groups if g['kind'] == 'number' and
              {v['value'] for v in g.get('values', [])} >= {100000}]
    t.ok(troops, 'needs extraction: a number group with 100000 troops')
    for status in ('corroborated', 'conflicting', 'single'):
        got = full_list(t, '/api/v1/claim-groups', {'status': status})
        t.eq(sorted(ids(got)), sorted(g['id'] for g in groups
                                      if g['status'] == status),
             'status=%s filters' % status)
    got = full_list(t, '/api/v1/claim-groups', {'min_sources': 2})
    t.eq(sorted(ids(got)), sorted(g['id'] for g in groups
                                  if g['source_count'] >= 2),
         'min_sources=2 filters')
    got = full_list(t, '/api/v1/claim-groups', {'kind': 'number'})
    t.ok(all(g['kind'] == 'number' for g in got), 'kind=number filters')
    got = full_list(t, '/api/v1/claim-groups', {'q': 'troops'})
    t.ok(got and all(any('troop' in c['text'].lower() for c in g['claims'])
                     for g in got), 'q=troops: groups with such a claim')
    ent = srv.json('/api/v1/entities', {'limit': 1})['items'][0]['id']
    claims = {c['id'] for c in srv.json('/api/v1/claims', {
        'entity': ent, 'limit': 100})['items']}
    got = full_list(t, '/api/v1/claim-groups', {'entity': ent})
    t.eq(sorted(ids(got)), sorted(g['id'] for g in groups if claims &
                                  {c['id'] for c in g['claims']}),
         'entity=%d: the groups of the claims mentioning it' % ent)
    for g in groups[:3]:
        r = srv.get('/api/v1/claim-groups/%d' % g['id'])
        t.eq(t.json_ok(r, 'group %d' % g['id']), g,
             'group %d equals its list item' % g['id'])
    for bad in ('999999', 'abc'):
        t.error(srv.get('/api/v1/claim-groups/' + bad), 404, 'not_found',
                'claim group %s' % bad)
    list_errors(t, '/api/v1/claim-groups', [
        ({'status': 'maybe'}, 'invalid_parameter', 'status'),
        ({'min_sources': '0'}, 'invalid_parameter', 'min_sources'),
        ({'min_sources': 'two'}, 'invalid_parameter', 'min_sources'),
        ({'kind': 'rumour'}, 'invalid_parameter', 'kind'),
        ({'article': '1'}, 'unknown_parameter', 'article')])


@tap.test
def timeline(t):
    events = full_list(t, '/api/v1/timeline')
    t.ok(events, 'needs extraction: timeline events exist')
    for ev in events[:40]:
        good = EVENT_FIELDS <= set(ev) and \
            ev['precision'] in {'year', 'month', 'week', 'day', 'time'} and \
            TIMEX_VALUE.match(ev['date']) and ev['mentions'] and \
            all({'article_id', 'source', 'text', 'timex', 'start', 'end'}
                <= set(m) for m in ev['mentions']) and \
            all({'id', 'name'} <= set(e) for e in ev['entities'])
        t.ok(good, 'event %d: fields' % ev['id'], ev)
    starts = [(date_range(ev['date']) or (datetime.date.max,))[0]
              for ev in events]
    t.ok(all(a <= b for a, b in zip(starts, starts[1:])),
         'date ascending (chronological: a week or month sorts by its '
         'first day)', [ev['date'] for ev in events])
    talks = [ev for ev in events if ev['date'] == '2022-01-10']
    t.ok(talks and talks[0]['source_count'] >= 2,
         'needs extraction: 2022-01-10 (security talks) from 2+ outlets')
    for since, until in [('2021', '2021'), ('2021-12', '2021-12'),
                         ('2021-12-30', '2022-01-10'), ('2022', None),
                         (None, '2021-11')]:
        params = {k: v for k, v in (('since', since), ('until', until)) if v}
        got = full_list(t, '/api/v1/timeline', params)
        lo = date_range(since)[0] if since else datetime.date.min
        hi = date_range(until)[1] if until else datetime.date.max
        ranges = {ev['id']: date_range(ev['date']) for ev in events}
        outside = [ev['date'] for ev in got if ranges[ev['id']] and
                   (ranges[ev['id']][1] < lo or ranges[ev['id']][0] > hi)]
        t.ok(not outside, 'timeline %s: no event outside the range'
             % params, outside)
        inside = {ev['id'] for ev in events if ranges[ev['id']] and
                  lo <= ranges[ev['id']][0] and ranges[ev['id']][1] <= hi}
        t.ok(inside <= set(ids(got)), 'timeline %s: every event inside '
             'the range' % params, sorted(inside - set(ids(got))))
    for prec, allowed in [('day', {'day', 'time'}),
                          ('month', {'month', 'week', 'day', 'time'})]:
        got = full_list(t, '/api/v1/timeline', {'precision': prec})
        t.ok(all(ev['precision'] in allowed for ev in got),
             'precision=%s: at least that precise' % prec)
    bodies = {a['id']: srv.json('/api/v1/articles/%d' % a['id'])['body']
              for a in ARTICLES}
    bad = [(m['article_id'], m['start'], m['end'], m['text'][:40])
           for ev in events for m in ev['mentions']
           if bodies[m['article_id']][m['start']:m['end']] != m['text'] or
           m['timex'] not in m['text']]
    t.ok(not bad, 'mentions: text = body[start:end] and contains the timex',
         *bad[:5])
    t.ok(all(ev['source_count'] == len({str(m['source'])
                                        for m in ev['mentions']})
             for ev in events if all(m['source'] for m in ev['mentions'])),
         'source_count counts the outlets of the mentions')
    putin = [e for e in srv.json('/api/v1/entities', {'q': 'putin'})['items']
             if e['name'] == 'Vladimir Putin']
    if putin:
        got = full_list(t, '/api/v1/timeline', {'entity': putin[0]['id']})
        t.ok(got and all(putin[0]['id'] in [e['id'] for e in ev['entities']]
                         for ev in got),
             'entity=Putin: events involving Putin')
        n = srv.json('/api/v1/articles', {'entity': putin[0]['id']})['total']
        doc = srv.json('/api/v1/timeline/volume',
                       {'entity': putin[0]['id']})
        t.eq(sum(x['count'] for x in doc['buckets']), n,
             'volume entity= counts the articles mentioning it')
    art = ARTICLES[0]['id']
    got = full_list(t, '/api/v1/timeline', {'article': art})
    t.ok(all(any(m['article_id'] == art for m in ev['mentions'])
             for ev in got), 'article= filters')
    got = full_list(t, '/api/v1/timeline', {'source': 'Alwaght'})
    t.ok(all(any(m['source'] == 'Alwaght' for m in ev['mentions'])
             for ev in got), 'source= filters')
    list_errors(t, '/api/v1/timeline', [
        ({'since': '2021-13'}, 'invalid_parameter', 'since'),
        ({'until': 'tomorrow'}, 'invalid_parameter', 'until'),
        ({'since': '21'}, 'invalid_parameter', 'since'),
        ({'precision': 'hour'}, 'invalid_parameter', 'precision'),
        ({'entity': 'x'}, 'invalid_parameter', 'entity'),
        ({'q': 'x'}, 'unknown_parameter', 'q')])


@tap.test
def volume(t):
    for interval, rx in [('day', r'^\d{4}-\d{2}-\d{2}$'),
                         ('week', r'^\d{4}-W\d{2}$|^\d{4}-\d{2}-\d{2}$'),
                         ('month', r'^\d{4}-\d{2}$')]:
        r = srv.get('/api/v1/timeline/volume', {'interval': interval})
        doc = t.json_ok(r, 'volume interval=%s' % interval)
        if doc is None:
            continue
        t.eq(doc['interval'], interval, 'interval=%s echoed' % interval)
        b = doc['buckets']
        t.eq(sum(x['count'] for x in b), len(ARTICLES),
             'interval=%s: counts sum to the article count' % interval)
        t.ok(all(re.match(rx, x['date']) for x in b),
             'interval=%s: bucket date format' % interval, b)
        t.eq([x['date'] for x in b], sorted(x['date'] for x in b),
             'interval=%s: buckets in date order' % interval)
    doc = srv.json('/api/v1/timeline/volume')
    t.eq(doc['interval'], 'day', 'default interval is day')
    days = {}
    for a in ARTICLES:
        days[a['published'][:10]] = days.get(a['published'][:10], 0) + 1
    t.eq({x['date']: x['count'] for x in doc['buckets']}, days,
         'day buckets count articles by published')
    doc = srv.json('/api/v1/timeline/volume', {'source': 'Alwaght'})
    t.eq(sum(x['count'] for x in doc['buckets']), 1, 'source= filters')
    doc = srv.json('/api/v1/timeline/volume', {'since': '2021-12-30'})
    t.eq(sum(x['count'] for x in doc['buckets']),
         sum(n for d, n in days.items() if d >= '2021-12-30'),
         'since= filters')
    n = srv.json('/api/v1/articles', {'q': 'Crimea'})['total']
    doc = srv.json('/api/v1/timeline/volume', {'q': 'Crimea'})
    t.eq(sum(x['count'] for x in doc['buckets']), n, 'q= filters')
    for params, code, param in [
            ({'interval': 'year'}, 'invalid_parameter', 'interval'),
            ({'since': '2021-12-32'}, 'invalid_parameter', 'since'),
            ({'limit': '5'}, 'unknown_parameter', 'limit'),
            ({'q': '"'}, 'invalid_query', 'q')]:
        t.error(srv.get('/api/v1/timeline/volume', params), 400, code,
                'volume %s' % params, param)


@tap.test
def sources(t):
    doc = t.json_ok(srv.get('/api/v1/sources'), 'sources')
    items = doc['items']
    t.ok(all({'source', 'article_count', 'first_published',
              'last_published'} <= set(s) for s in items), 'source fields')
    t.eq(sorted((s['source'] or '', s['article_count']) for s in items),
         sorted(((a['source'] or ''), 1) for a in ARTICLES),
         'one row per outlet, article counts')
    t.ok(any(s['source'] is None for s in items),
         'the article without a source is listed (source null)')
    t.eq(sum(s['article_count'] for s in items), len(ARTICLES),
         'article counts sum to the total')
    t.error(srv.get('/api/v1/sources', {'x': '1'}), 400, 'unknown_parameter',
            'sources ?x=1', 'x')


@tap.test
def health(t):
    doc = t.json_ok(srv.get('/api/v1/health'), 'health')
    t.eq(doc['status'], 'ok', 'status ok')
    t.ok(isinstance(doc['version'], str) and doc['version'],
         'version string')
    t.ok(isinstance(doc['schema_version'], int) and
         doc['schema_version'] >= 1, 'schema_version integer')
    t.eq(doc['articles'], 5, 'articles count')
    v = srv.cli('--version')
    t.ok(doc['version'] in v.stdout.decode(), 'same version as --version',
         v.stdout)


@tap.test
def openapi(t):
    r = srv.get('/api/v1/openapi.json')
    doc = t.json_ok(r, 'openapi.json')
    if doc is None:
        return
    t.ok(str(doc.get('openapi', '')).startswith('3.1'), 'OpenAPI 3.1')
    missing = [p for p in PATHS if p not in doc.get('paths', {})]
    t.ok(not missing, 'every path of the contract is described', missing)
    t.ok(doc['servers'] and doc['servers'][0]['url'] in ('', '/'),
         'servers url without base_path', doc.get('servers'))
    comps = doc.get('components', {})
    t.ok('bearer' in json.dumps(comps.get('securitySchemes', {})).lower(),
         'a bearer security scheme')
    post = doc['paths'].get('/api/v1/articles', {}).get('post', {})
    t.ok(post.get('security'), 'POST /articles needs the bearer token')
    t.ok(doc['paths'].get('/api/v1/articles/{id}', {}).get(
        'delete', {}).get('security'), 'DELETE /articles/{id} needs it too')
    t.ok(json.loads((ROOT / 'server/api/openapi.json').read_text())[
        'servers'] == [{'url': '/'}],
        'the document in the source names the root as its server')
    with open(ROOT / 'server/api/openapi.json', 'rb') as f:
        t.eq(json.loads(f.read()), doc, 'served document = source file')


@tap.test
def metrics(t):
    srv.get('/api/v1/articles')
    srv.get('/api/v1/articles/999999')
    for i in range(3):
        srv.get('/api/v1/nope-%d' % i)
        srv.get('/some/page-%d' % i)
        srv.get('/api/v1/articles/%d' % (1000 + i))
    r = srv.get('/metrics')
    t.status(r, 200, '/metrics')
    t.ok((r.header('Content-Type') or '').startswith('text/plain'),
         '/metrics is text/plain', r.header('Content-Type'))
    text = r.body.decode()
    samples = [ln for ln in text.splitlines() if ln and ln[0] != '#']
    t.ok(all(re.match(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? '
                      r'[-+0-9.eEInfNa]+$', ln) for ln in samples),
         'every sample line is Prometheus text',
         [ln for ln in samples if not re.match(r'^\S+ \S+$', ln)][:3])
    t.ok(re.search(r'^\w+\{[^}]*route="articles"[^}]*status="200"[^}]*\} '
                   r'[1-9]', text, re.M), 'requests by route and status')
    t.ok(re.search(r'status="404"', text), 'the 404 is counted')
    t.ok(not re.search(r'nope-|page-|/100[0-2]', text),
         'labels are routes, not raw paths (bounded cardinality)')
    t.ok(re.search(r'^# TYPE \w+ histogram$', text, re.M) and
         re.search(r'_bucket\{[^}]*le="\+Inf"[^}]*\} \d+', text),
         'a latency histogram')
    t.ok(re.search(r'^\w*articles\w* 5$', text, re.M),
         'the article count (5)')
    t.ok(re.search(r'^\w*connections\w* \d+$', text, re.M),
         'open connections')
    t.eq(srv.head('/metrics').status, 200, 'HEAD /metrics')
    t.error(srv.post('/metrics', {}, AUTH), 405, 'method_not_allowed',
            'POST /metrics')


tap.main()
