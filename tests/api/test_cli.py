"""test_cli.py - the command line contract: --version/--help, `dossier
ingest` (idempotency, summary line, bad files, .txt/.json/.jsonl/stdin,
manifest titles, --source/--published defaults, --reextract) and a bare
`dossier serve` creating ./dossier.db from the bundled sample, and bulk
loads (indexes left out while an empty database fills, built at the end
or, after a kill, at the next writable open).

usage: test_cli.py PATH/TO/dossier
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import time

from harness import AUTH, SAMPLE, Server, Tap

tap = Tap()
SUMMARY = re.compile(r'^ingested (\d+) articles \((\d+) duplicates, '
                     r'(\d+) errors\) in \d+(\.\d+)? s$', re.M)


def summary(p):
    """(ingested, duplicates, errors) from the summary line, or None."""
    out = p.stdout.decode(errors='replace') + p.stderr.decode(
        errors='replace')
    m = SUMMARY.search(out)
    return tuple(int(x) for x in m.groups()[:3]) if m else None


def workdir():
    """A Server object used only for its folder, env and cli()."""
    return Server(tap.binary, sample=False, start=False)


def articles(s):
    """Every stored article, by external_id (via a short-lived server)."""
    s.start()
    items = s.json('/api/v1/articles', {'limit': 100, 'sort': 'id'})['items']
    out = {}
    for a in items:
        full = s.json('/api/v1/articles/%d' % a['id'])
        out[full['external_id'] or full['body'][:30]] = full
    s.stop()
    return out


def write(folder, name, text):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


@tap.test
def version_and_help(t):
    with workdir() as s:
        p = s.cli('--version')
        t.eq(p.returncode, 0, '--version exits 0')
        t.ok(re.match(rb'^dossier \d+\.\d+\.\d+', p.stdout),
             '--version prints "dossier X.Y.Z"', p.stdout)
        for args in (['--help'], ['serve', '--help'], ['ingest', '--help']):
            p = s.cli(*args)
            t.eq(p.returncode, 0, '%s exits 0' % ' '.join(args))
            t.ok(b'usage' in (p.stdout + p.stderr).lower(),
                 '%s prints usage' % ' '.join(args))
        for args in (['frobnicate'], ['serve', '--no-such-flag'],
                     ['ingest', '--listen', 'x:1', 'a.txt'],
                     ['ingest', '--db']):
            p = s.cli(*args)
            t.ok(p.returncode != 0, '%s fails' % ' '.join(args),
                 p.returncode)


@tap.test
def ingest_sample_twice(t):
    with workdir() as s:
        p = s.cli('ingest', '--db', s.db, str(SAMPLE))
        t.eq(p.returncode, 0, 'first ingest exits 0')
        t.eq(summary(p), (5, 0, 0), 'first: ingested 5 articles (0 '
             'duplicates, 0 errors)', p.stdout, p.stderr)
        p = s.cli('ingest', '--db', s.db, str(SAMPLE))
        t.eq(p.returncode, 0, 'second ingest exits 0')
        t.eq(summary(p), (0, 5, 0), 'second: 5 duplicates', p.stdout,
             p.stderr)
        p = s.cli('ingest', '--db', s.db,
                  str(SAMPLE / '000_df6c05f6d0d70a2c.txt'))
        t.eq(summary(p), (0, 1, 0), 'one file again: 1 duplicate')
        stored = articles(s)
        t.eq(len(stored), 5, 'five articles stored')
        a = stored.get('001_869fe3987133c0b7', {})
        title = ('Biden and Putin will have a phone call TOMORROW: Russian '
                 'leader demands Joe speak to him directly')
        t.eq(a.get('title'), title, 'manifest title used')
        t.ok(not a.get('body', '').startswith(title + '\n'),
             'a first line equal to the manifest title is not in the body')
        b = stored.get('002_62989c44049c5e40', {})
        t.eq(b.get('title'), 'Military Tensions in Ukraine are being '
             'addressed by Biden and Putin.', 'manifest title (with period)')
        t.ok(b.get('body', '').startswith('The White House announced'),
             'its first line (= the title) is not in the body',
             b.get('body', '')[:60])
        c = stored.get('000_df6c05f6d0d70a2c', {})
        t.eq(c.get('title'), None, 'a long first line with a period is not '
             'a title')
        t.ok(c.get('body', '').startswith('President Joe Biden will speak'),
             'so it stays in the body')
        t.eq((c.get('source'), c.get('published')),
             ('Military Times', '2021-12-29'), 'manifest source, published')
        d = [x for x in stored.values() if x['source'] is None]
        t.eq(len(d), 1, 'manifest source null: stored as null')


@tap.test
def ingest_formats(t):
    with workdir() as s:
        src = os.path.join(s.dir, 'in')
        write(src, 'plain.txt', 'Harbour Workers End Strike\n\nDock workers '
              'in Kestrel Bay returned to work on Monday after a pay deal.\n')
        write(src, 'nottitle.txt', 'The mill in Arnsby reopened on Friday '
              'after repairs.\nIt employs 80 people.\n')
        write(src, 'one.json', json.dumps({
            'text': 'A single JSON object: the zoo welcomed twin otters.',
            'id': 'json-one', 'title': 'Otters', 'source': 'Zoo News',
            'published': '2022-04-01', 'url': 'https://example.org/otters'}))
        write(src, 'many.json', json.dumps([
            {'body': 'JSON array item one: rain delayed the regatta.'},
            {'body': 'JSON array item two: the regatta resumed on Sunday.',
             'external_id': 'arr-2'}]))
        write(src, 'sub/lines.jsonl', '\n'.join(json.dumps(
            {'body': 'JSONL line %d: the orchestra toured %d towns.'
             % (i, i + 3), 'source': 'Lines'}) for i in range(3)) + '\n')
        write(src, 'sub/deeper/more.ndjson', json.dumps(
            {'body': 'NDJSON file: the glacier retreated 40 metres.'}) + '\n')
        write(src, 'sub/notes.md', '# not an article format\n')
        p = s.cli('ingest', '--db', s.db, src)
        t.eq(p.returncode, 0, 'folder of .txt/.json/.jsonl/.ndjson: exit 0',
             p.stderr)
        t.eq(summary(p), (9, 0, 0), '9 articles, recursively', p.stdout,
             p.stderr)
        stored = articles(s)
        a = stored.get('plain', {})
        t.eq(a.get('title'), 'Harbour Workers End Strike',
             '.txt: a short first line without a period is the title')
        t.ok(a.get('body', '').startswith('Dock workers'),
             '.txt: the title line is not in the body', a.get('body'))
        b = stored.get('nottitle', {})
        t.eq(b.get('title'), None, '.txt: a sentence first line is body')
        t.ok(b.get('body', '').startswith('The mill in Arnsby'),
             '.txt: ... and stays in the body')
        o = stored.get('json-one', {})
        t.eq((o.get('body'), o.get('title'), o.get('source'),
              o.get('published'), o.get('url')),
             ('A single JSON object: the zoo welcomed twin otters.',
              'Otters', 'Zoo News', '2022-04-01',
              'https://example.org/otters'),
             '.json object: text = body, id = external_id, other fields')
        t.ok('arr-2' in stored, '.json array: external_id kept')
        t.eq(sum(1 for x in stored.values() if x['source'] == 'Lines'), 3,
             '.jsonl: one article per line')
        p = s.cli('ingest', '--db', s.db, src)
        t.eq((p.returncode, summary(p)), (0, (0, 9, 0)),
             'again: all 9 are duplicates')


@tap.test
def ingest_manifest(t):
    with workdir() as s:
        src = os.path.join(s.dir, 'in')
        write(src, 'a.txt', 'Quarry Plan Approved\n\nThe quarry near '
              'Helmsby may expand, the council decided on Tuesday.\n')
        write(src, 'b.txt', 'The school in Farrow opened on Monday, the '
              'head teacher said.\nThe rest of b.\n')
        write(src, 'c.txt', 'The first sentence of c is long and ends '
              'with a period, as body text does.\nMore of c.\n')
        write(src, 'manifest.jsonl', '\n'.join(json.dumps(m) for m in [
            {'file': 'a.txt', 'source': 'Helmsby Post',
             'published': '2022-05-03', 'title': 'Quarry Plan Approved',
             'url': 'https://example.org/a', 'external_id': 'custom-a'},
            {'file': 'b.txt', 'title': 'Farrow School Opens'},
            {'file': 'c.txt', 'source': 'C Daily', 'title': None}]) + '\n')
        p = s.cli('ingest', '--db', s.db, src)
        t.eq((p.returncode, summary(p)), (0, (3, 0, 0)),
             'folder with a manifest: 3 articles, the manifest is not one',
             p.stderr)
        t.ok(b'\r' not in p.stdout + p.stderr,
             'no progress output when not on a terminal')
        stored = articles(s)
        a = stored.get('custom-a', {})
        t.eq((a.get('title'), a.get('source'), a.get('published'),
              a.get('url')),
             ('Quarry Plan Approved', 'Helmsby Post', '2022-05-03',
              'https://example.org/a'), 'manifest fields and external_id')
        t.ok(a.get('body', '').startswith('The quarry near Helmsby'),
             'first line equal to the manifest title: not in the body')
        b = stored.get('b', {})
        t.eq(b.get('title'), 'Farrow School Opens',
             'the manifest title is used')
        t.ok(b.get('body', '').startswith('The school in Farrow'),
             'a sentence first line other than the title stays in body')
        c = stored.get('c', {})
        t.eq((c.get('title'), c.get('source')), (None, 'C Daily'),
             'manifest title null: no title')
        t.ok(c.get('body', '').startswith('The first sentence of c'),
             '... and the body keeps its first line')


@tap.test
def ingest_stdin(t):
    with workdir() as s:
        lines = '\n'.join(json.dumps({
            'body': 'Stdin article %d: the ferry to Holm ran %d times.'
            % (i, i + 1), 'id': 'stdin-%d' % i}) for i in range(4))
        p = s.cli('ingest', '--db', s.db, '-', stdin=lines.encode())
        t.eq((p.returncode, summary(p)), (0, (4, 0, 0)),
             '- reads NDJSON from stdin', p.stderr)
        p = s.cli('ingest', '--db', s.db, '-', stdin=lines.encode())
        t.eq(summary(p), (0, 4, 0), 'stdin again: duplicates')
        p = s.cli('ingest', '--db', s.db, '-',
                  stdin=b'{"body": "good line: a new pier opened."}\n'
                        b'{"body": broken\n')
        t.ok(p.returncode != 0, 'stdin with a broken line: exit non-zero')
        t.eq(summary(p) and summary(p)[2] >= 1, True,
             'stdin broken line counted as an error', p.stdout, p.stderr)
        stored = articles(s)
        t.ok(any(a['body'].startswith('good line') for a in stored.values()),
             'the good stdin line is stored anyway')


@tap.test
def ingest_stream(t):
    """NDJSON is read as a stream: CRLF and blank lines, errors named by
    line number, and more input than any buffer would hold at once."""
    with workdir() as s:
        text = ('{"body": "Line one: the ferry to Holm ran late."}\r\n'
                '\r\n   \n'
                '{"body": "Line four: the pier\u2019s lamps were lit."}\n'
                '{"body": \n'
                '\t{"body": "Line six: tugs waited in the bay."}')
        p = s.cli('ingest', '--db', s.db, '-', stdin=text.encode())
        t.eq(summary(p), (3, 0, 1), 'CRLF, blank lines, a bad line, no '
             'final newline', p.stdout, p.stderr)
        t.ok(b'-:5:' in p.stderr, 'the bad line is named by its number',
             p.stderr)
        bodies = sorted(a['body'] for a in articles(s).values())
        t.eq([b.split(':')[0] for b in bodies],
             ['Line four', 'Line one', 'Line six'], 'the lines stored whole')
        # Many articles in one file, committed in batches as they come.
        path = os.path.join(s.dir, 'many.ndjson')
        with open(path, 'w') as f:
            for i in range(1500):
                f.write(json.dumps({'id': 'many-%d' % i, 'body':
                                    'Report %d: the lock at Vale %d opened.'
                                    % (i, i)}) + '\n')
        p = s.cli('ingest', '--db', s.db, path)
        t.eq((p.returncode, summary(p)), (0, (1500, 0, 0)),
             '1,500 lines of one file', p.stderr)
        s.start()
        total = s.json('/api/v1/articles', {'limit': 1})['total']
        s.stop()
        t.eq(total, 1503, 'all stored')


@tap.test
def ingest_bad_file(t):
    with workdir() as s:
        src = os.path.join(s.dir, 'in')
        write(src, 'good1.txt', 'Good file one: the bakery in Strand won a '
              'prize for its rye bread on Saturday.\n')
        write(src, 'good2.json', json.dumps({
            'body': 'Good file two: the choir of Lune sang at the fair.'}))
        write(src, 'bad.json', '{"body": "this file is cut off')
        write(src, 'good3.jsonl', json.dumps({
            'body': 'Good file three: a comet was seen over Thorne.'}) + '\n')
        p = s.cli('ingest', '--db', s.db, src)
        t.ok(p.returncode != 0, 'a folder with one bad file: exit non-zero',
             p.returncode)
        sm = summary(p)
        t.ok(sm is not None and sm[0] == 3 and sm[2] >= 1,
             'summary: 3 ingested, the error counted', p.stdout, p.stderr)
        t.ok(b'bad.json' in p.stderr + p.stdout, 'the bad file is named')
        t.eq(len(articles(s)), 3, 'the rest is stored')
        p = s.cli('ingest', '--db', s.db, os.path.join(s.dir, 'missing.txt'))
        t.ok(p.returncode != 0, 'a missing path: exit non-zero')
        write(src, 'empty.json', json.dumps({'body': ''}))
        p = s.cli('ingest', '--db', s.db, os.path.join(src, 'empty.json'))
        t.ok(p.returncode != 0 and summary(p) and summary(p)[2] == 1,
             'an article without a body: an error, exit non-zero',
             p.stdout, p.stderr)


@tap.test
def ingest_defaults(t):
    with workdir() as s:
        src = os.path.join(s.dir, 'in')
        path = write(src, 'd.jsonl', json.dumps({
            'body': 'Defaults one: no source, no date, a kite festival.'}) +
            '\n' + json.dumps({
                'body': 'Defaults two: its own source and date, a market.',
                'source': 'Own Source', 'published': '2020-05-05'}) + '\n')
        txt = write(src, 'alone/lonely.txt', 'Lonely Headline\n\nA text '
                    'file without a manifest about a lighthouse.\n')
        p = s.cli('ingest', '--db', s.db, '--source', 'Default Wire',
                  '--published', '2022-06-15', path, txt)
        t.eq((p.returncode, summary(p)), (0, (3, 0, 0)),
             'ingest with --source and --published', p.stderr)
        by_body = {a['body'][:12]: a for a in articles(s).values()}
        one = by_body.get('Defaults one', {})
        t.eq((one.get('source'), one.get('published')),
             ('Default Wire', '2022-06-15'),
             '--source/--published fill articles that name none')
        two = by_body.get('Defaults two', {})
        t.eq((two.get('source'), two.get('published')),
             ('Own Source', '2020-05-05'), 'they do not override')
        lone = [a for a in by_body.values() if a['external_id'] == 'lonely']
        t.ok(lone and lone[0]['source'] == 'Default Wire' and
             lone[0]['title'] == 'Lonely Headline',
             '.txt without manifest: defaults and first-line title')
        p = s.cli('ingest', '--db', s.db, '--published', 'last week', path)
        t.ok(p.returncode != 0, '--published with a bad date fails')


@tap.test
def reextract(t):
    with workdir() as s:
        s.cli('ingest', '--db', s.db, str(SAMPLE), check=True)
        before = articles(s)
        s.start()
        ann = {k: s.json('/api/v1/articles/%d/annotations' % a['id'])
               for k, a in before.items()}
        s.stop()
        p = s.cli('ingest', '--db', s.db, '--reextract')
        t.eq(p.returncode, 0, '--reextract exits 0', p.stderr)
        after = articles(s)
        t.eq({k: a['id'] for k, a in after.items()},
             {k: a['id'] for k, a in before.items()}, 'ids kept')
        t.eq({k: a['body'] for k, a in after.items()},
             {k: a['body'] for k, a in before.items()}, 'bodies kept')
        s.start()
        ann2 = {k: s.json('/api/v1/articles/%d/annotations' % a['id'])
                for k, a in after.items()}
        t.eq(s.json('/api/v1/health')['articles'], 5, 'still 5 articles')
        s.stop()
        strip = lambda d: {k: [(e['start'], e['end'], e['type'])
                               for e in v['entities']] for k, v in d.items()}
        t.eq(strip(ann2), strip(ann), 'the same extractor gives the same '
             'annotations')


@tap.test
def ingest_pipeline(t):
    """`dossier ingest` extracts on a second thread, ahead of the one that
    stores: articles are stored in input order, each with its own
    annotations (those a POST of it alone gets), a copy right after its
    original is a duplicate, and bad lines between them are reported."""
    docs, lines = [], []
    for i in range(40):
        d = news(i)
        docs.append(d)
        lines.append(json.dumps(d))
        if i % 5 == 4:
            lines.append(json.dumps(d))           # the same article again
        if i % 13 == 6:
            lines.append('{"body": ')             # not JSON
        if i % 17 == 8:
            lines.append(json.dumps({'id': 'x%d' % i, 'title': 'no body'}))
    with workdir() as s:
        path = write(s.dir, 'run.jsonl', '\n'.join(lines) + '\n')
        p = s.cli('ingest', '--db', s.db, path)
        t.eq(summary(p), (40, 8, 5), '40 stored, 8 copies, 5 bad lines',
             p.stderr)
        stored = articles(s)
        t.eq(sorted(stored, key=lambda k: stored[k]['id']),
             [d['id'] for d in docs], 'stored in input order')
        s.start()
        got = {k: s.json('/api/v1/articles/%d/annotations' % a['id'])
               for k, a in stored.items()}
        s.stop()
    spans = lambda ann: (
        [(e['start'], e['end'], e['text']) for e in ann['entities']],
        [(x['start'], x['end'], x['value']) for x in ann['timexes']],
        [(c['start'], c['end'], c['kind']) for c in ann['claims']])
    with Server(tap.binary, sample=False) as one:
        same = 0
        for d in docs[:12]:
            r = one.post('/api/v1/articles', [d], AUTH)
            ann = one.json('/api/v1/articles/%d/annotations' %
                           r.json()['created'][0])
            same += spans(ann) == spans(got[d['id']])
        t.eq(same, 12, "each article's annotations are its own (as a POST "
             'of it alone finds them)')
        t.ok(all(spans(got[d['id']])[0] for d in docs), 'every article has '
             'entities')


PEOPLE = ['Joe Biden', 'Vladimir Putin', 'Olaf Scholz', 'Emmanuel Macron',
          'Jens Stoltenberg']
PLACES = ['Ukraine', 'Moscow', 'Washington', 'Kyiv', 'Berlin']
OUTLETS = ['Reuters', 'Daily Mail', 'Military Times', 'Bloomberg']


def news(i):
    """Article @i of a generated run: people, places, a quote, a number
    that outlets give differently, dates, so that every table fills."""
    who, other = PEOPLE[i % 5], PEOPLE[(i * 3 + 1) % 5]
    place, day = PLACES[(i * 7 + 2) % 5], 1 + i % 28
    return {'id': 'bulk-%d' % i, 'source': OUTLETS[i % 4],
            'published': '2021-12-%02d' % day,
            'title': '%s and %s talk about %s' % (who, other, place),
            'body': '%s spoke with %s about %s on Thursday, officials said. '
                    '"We will not accept this," %s said in %s on Dec. %d. '
                    'About %s troops were near the border, according to '
                    'the ministry (report %d). "Talks on security '
                    'guarantees, missile deployments, military exercises, '
                    'energy supplies, grain exports, cyber attacks and '
                    'sanctions will resume in Geneva next month after the '
                    'winter holidays," a spokesman for %s said.' % (
                        who, other, place, who, place, day,
                        format(100000 + (i % 3) * 20000, ','), i, other)}


def ndjson(docs):
    return ''.join(json.dumps(d) + '\n' for d in docs)


def db_state(path):
    """A database's named indexes, the indexes listed as not built, every
    row of its tables but the full-text ones (ingest times left out), and
    its integrity checks (SQLite's and both full-text indexes')."""
    con = sqlite3.connect(path)
    q = lambda sql: [r for r in con.execute(sql)]
    indexes = sorted(r[0] for r in q(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND "
        "name NOT LIKE 'sqlite_autoindex%'"))
    pending = sorted(r[0] for r in q('SELECT name FROM index_builds'))
    rows = {}
    for (table,) in q("SELECT name FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE "
                      "'%fts%'"):
        cols = ', '.join('"%s"' % c[1] for c in q('PRAGMA table_info(%s)' %
                                                   table)
                         if c[1] != 'ingested_at')
        rows[table] = sorted(repr(r) for r in q('SELECT %s FROM %s' %
                                                (cols, table)))
    checks = [q('PRAGMA integrity_check')[0][0]]
    for fts in ('articles_fts', 'claims_fts'):
        con.execute("INSERT INTO %s(%s) VALUES ('integrity-check')" %
                    (fts, fts))
        checks.append(fts + ' ok')
    con.close()
    return indexes, pending, rows, checks


def full_indexes(s):
    """The named indexes of a new database, loaded with nothing."""
    path, db = os.path.join(s.dir, 'none.jsonl'), os.path.join(s.dir,
                                                               'ref.db')
    open(path, 'w').close()
    s.cli('ingest', '--db', db, path, check=True)
    return db_state(db)[0]


@tap.test
def bulk_load_indexes(t):
    """A load into an empty database leaves indexes out and builds them at
    its end: the same indexes and the same rows as articles loaded into a
    database that holds one already, where nothing is left out."""
    docs = [news(i) for i in range(60)]
    with workdir() as s:
        want = full_indexes(s)
        t.ok('mentions_entity' in want and 'claims_group_order' in want,
             'the schema has the indexes that loads leave out', want)
        path = write(s.dir, 'run.jsonl', ndjson(docs))
        p = s.cli('ingest', '--db', s.db, path)
        t.eq((p.returncode, summary(p)), (0, (60, 0, 0)), 'loaded',
             p.stderr)
        t.ok(b'built the 21 indexes and tables' in p.stderr, 'the load '
             'built what it left out', p.stderr)
        bulk = db_state(s.db)
        t.eq((bulk[0], bulk[1]), (want, []), 'every index there, none '
             'listed as missing')
        t.eq(bulk[3], ['ok', 'articles_fts ok', 'claims_fts ok'],
             'integrity checks')
        one = os.path.join(s.dir, 'one.db')
        first = write(s.dir, 'first.jsonl', ndjson(docs[:1]))
        s.cli('ingest', '--db', one, first, check=True)
        p = s.cli('ingest', '--db', one, path)
        t.eq(summary(p), (59, 1, 0), 'the rest into a database of one')
        t.ok(b'built' not in p.stderr, 'a database with articles keeps its '
             'indexes', p.stderr)
        step = db_state(one)
        t.eq((step[0], step[1]), (want, []), 'its indexes')
        t.ok(all(bulk[2][k] for k in ('mentions', 'claims', 'claim_groups',
                                      'events', 'entity_cooccur')),
             'the generated articles fill the tables', 
             {k: len(v) for k, v in bulk[2].items()})
        t.eq(bulk[2], step[2], 'the same rows in every table')


def killed_load(s, docs):
    """Stream @docs to `dossier ingest --db DB -`, wait until a first
    batch of 100 or more is committed, kill -9 the process mid-load; the
    committed articles' external ids, in id order."""
    p = subprocess.Popen([tap.binary, 'ingest', '--db', s.db, '-'],
                         cwd=s.dir, env=s.env, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        # A batch commits at the first article stored 2 s after it
        # opened: here, after the pause, with those stored before it (all
        # of the first 120 but those still being extracted).
        p.stdin.write(ndjson(docs[:120]).encode())
        p.stdin.flush()
        time.sleep(2.3)
        p.stdin.write(ndjson(docs[120:]).encode())
        p.stdin.flush()
        deadline, n = time.monotonic() + 60, 0
        while n < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                con = sqlite3.connect(s.db, timeout=5)
                n = con.execute("SELECT count(*) FROM articles WHERE "
                                "external_id LIKE 'bulk-%'").fetchone()[0]
                con.close()
            except sqlite3.OperationalError:
                pass  # created, not migrated yet
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdin.close()
    con = sqlite3.connect(s.db)
    ids = [r[0] for r in con.execute("SELECT external_id FROM articles "
                                     "WHERE external_id LIKE 'bulk-%' "
                                     "ORDER BY id")]
    con.close()
    return ids


@tap.test
def bulk_load_killed(t):
    """A load killed half way leaves whole articles, the indexes it left
    out listed: reads work without them, and the next writable open
    builds them; the database is then the one a load of just the
    committed articles makes."""
    docs = [news(i) for i in range(200)]
    with workdir() as s:
        want = full_indexes(s)
        ids = killed_load(s, docs)
        t.ok(100 <= len(ids) < 200, 'killed after a commit', len(ids))
        t.eq(ids, ['bulk-%d' % i for i in range(len(ids))],
             'the committed articles: the first ones, in order')
        left, pending, _, _ = db_state(s.db)
        t.ok(pending and 'mentions_entity' in pending, 'indexes listed as '
             'not built', pending)
        derived = {'claim_postings', 'entity_cooccur', 'entity_sources'}
        t.eq(sorted(set(want) - set(left) | derived), pending,
             'exactly those missing, and three tables to compute')
        rows = db_state(s.db)[2]
        t.eq([rows[k] for k in sorted(derived)], [[], [], []], 'those '
             'tables empty (the sketch was in memory)')
        with Server(tap.binary, sample=False, db=s.db,
                    args=['--read-only']) as ro:
            got = ro.json('/api/v1/entities', {'limit': 3})['items']
            t.eq(len(got), 3, 'entities listed without their indexes', got)
            arts = ro.json('/api/v1/entities/%d/articles' % got[0]['id'])
            t.ok(len(arts['items']) > 0, "an entity's articles found",
                 arts)
            t.ok('indexes are missing' in ro.log(), 'the read-only server '
                 'says what is missing', ro.log()[-400:])
        empty = write(s.dir, 'none.jsonl', '')
        p = s.cli('ingest', '--db', s.db, empty)
        t.eq((p.returncode, summary(p)), (0, (0, 0, 0)), 'a writable open',
             p.stderr)
        t.ok(b'building the indexes' in p.stderr, 'builds them', p.stderr)
        after = db_state(s.db)
        t.eq((after[0], after[1]), (want, []), 'every index built')
        t.eq(after[3], ['ok', 'articles_fts ok', 'claims_fts ok'],
             'integrity checks')
        clean = os.path.join(s.dir, 'clean.db')
        path = write(s.dir, 'committed.jsonl', ndjson(docs[:len(ids)]))
        s.cli('ingest', '--db', clean, path, check=True)
        t.eq(after[2], db_state(clean)[2], 'the rows of an uninterrupted '
             'load of the committed articles')
    # Into a database that holds articles, a load leaves nothing out.
    with workdir() as s:
        s.cli('ingest', '--db', s.db, str(SAMPLE), check=True)
        ids = killed_load(s, docs)
        t.ok(100 <= len(ids) < 200, 'killed after a commit', len(ids))
        state = db_state(s.db)
        t.eq((state[0], state[1]), (full_indexes(s), []), 'no index left '
             'out, none listed')



@tap.test
def bare_serve(t):
    with Server(tap.binary, sample=False, db=False) as s:
        t.eq(s.json('/api/v1/health')['articles'], 5,
             'serve with no --db: loaded with the bundled sample')
        t.ok(os.path.exists(os.path.join(s.dir, 'dossier.db')),
             './dossier.db created')
        t.eq(s.stop(), 0, 'stops with exit 0')
        s.start()
        t.eq(s.json('/api/v1/health')['articles'], 5,
             'restarted: the existing ./dossier.db is used, not reloaded')


tap.main()
