#!/usr/bin/env python3
"""Which b-trees an ingest writes: the pages of a database that a batch of
articles changes, by table and index.

    bench/ingest_pages.py --db BIG.db --corpus MORE.jsonl [--dossier BIN]

Copies BIG.db (left untouched) to a scratch file, ingests MORE.jsonl into
the copy with `dossier ingest`, checkpoints it, then compares the two
files page by page and names the b-tree each changed page belongs to now
(SQLite's dbstat). A page changed by several commits counts once here but
is written by each of them (and again by the checkpoint); the wall and
CPU times of the ingest are printed too.
"""
import argparse
import collections
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--db', required=True, help='database to add to (copied)')
    ap.add_argument('--corpus', required=True, help='articles to ingest')
    ap.add_argument('--dossier', default=os.path.join(
        HERE, '..', 'build-bench', 'server', 'dossier'))
    ap.add_argument('--top', type=int, default=25, help='b-trees to list')
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(dir=os.path.dirname(
            os.path.abspath(args.db))) as tmp:
        after = os.path.join(tmp, 'after.db')
        before = sqlite3.connect('file:%s?mode=ro' % args.db, uri=True)
        page_size = before.execute('PRAGMA page_size').fetchone()[0]
        n_before = before.execute('SELECT count(*) FROM articles').fetchone()[0]
        before.close()
        shutil.copyfile(args.db, after)
        t0, r0 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        run = subprocess.run([args.dossier, 'ingest', '--db', after,
                              args.corpus], capture_output=True, text=True)
        wall = time.time() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run.returncode != 0:
            sys.exit('ingest failed: %s' % run.stderr[-2000:])
        con = sqlite3.connect(after)
        con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        added = con.execute('SELECT count(*) FROM articles').fetchone()[0] \
            - n_before
        owner = dict(con.execute('SELECT pageno, name FROM dbstat'))
        con.close()

        changed = collections.Counter()
        with open(args.db, 'rb') as fa, open(after, 'rb') as fb:
            page = 0
            while True:
                a, b = fa.read(page_size), fb.read(page_size)
                page += 1
                if not b:
                    break
                if a != b:
                    changed[owner.get(page, '(free or not a b-tree page)')] += 1

    total = sum(changed.values())
    per = max(added, 1)
    print('articles: %d + %d; ingest %.1f s wall, %.1f s user, %.1f s sys'
          % (n_before, added, wall, r1.ru_utime - r0.ru_utime,
             r1.ru_stime - r0.ru_stime))
    print('pages changed: %d (%.1f per article, %.0f KB per article)'
          % (total, total / per, total / per * page_size / 1024))
    print('%8s %8s  %s' % ('pages', 'per art.', 'b-tree'))
    for name, n in changed.most_common(args.top):
        print('%8d %8.2f  %s' % (n, n / per, name))


if __name__ == '__main__':
    main()
