#!/usr/bin/env python3
"""gen_corpus.py - build a large, realistic NDJSON corpus for benchmarks.

Recombines real paragraphs from ../shared/corpus/*.jsonl (Reuters-21578,
BBC, PolNeAR, ECB+) into N new articles with fresh ids, outlets, dates and
URLs. Each article starts from a real article (its title, its lede, its
length in paragraphs) and has some of its later paragraphs swapped for
paragraphs of other articles of the same collection, so vocabulary, names,
quotes, numbers and dates keep their real distributions while every body is
new (at least one foreign paragraph, so no two bodies are duplicates).

Deterministic for a given --seed. Writes to the path given (use /tmp, never
the repository); prints the raw text size (title + body bytes) on stderr.

    python3 bench/gen_corpus.py --count 100000 --out /tmp/bench/c100k.jsonl
"""
import argparse
import datetime
import json
import os
import random
import re
import sys

CORPUS_FILES = ("reuters21578.jsonl", "bbc.jsonl", "polnear.jsonl",
                "ecbplus.jsonl")

# Outlets with a Zipf-like share of the output: a few big wires, a long tail.
OUTLETS = [
    ("Reuters", "reuters.com"), ("Associated Press", "apnews.com"),
    ("BBC News", "bbc.co.uk"), ("The Guardian", "theguardian.com"),
    ("The New York Times", "nytimes.com"),
    ("The Washington Post", "washingtonpost.com"),
    ("Agence France-Presse", "afp.com"), ("Bloomberg", "bloomberg.com"),
    ("Financial Times", "ft.com"), ("Politico", "politico.com"),
    ("CNN", "cnn.com"), ("Al Jazeera", "aljazeera.com"),
    ("Deutsche Welle", "dw.com"), ("The Independent", "independent.co.uk"),
    ("NPR", "npr.org"), ("Fox News", "foxnews.com"),
    ("HuffPost", "huffpost.com"), ("Breitbart", "breitbart.com"),
    ("The Hill", "thehill.com"), ("Sky News", "news.sky.com"),
    ("The Times of India", "timesofindia.com"),
    ("Sydney Morning Herald", "smh.com.au"), ("Le Monde", "lemonde.fr"),
    ("El País", "elpais.com"), ("Kyiv Independent", "kyivindependent.com"),
    ("The Irish Times", "irishtimes.com"), ("CBC News", "cbc.ca"),
    ("ABC News", "abcnews.go.com"), ("USA Today", "usatoday.com"),
    ("Los Angeles Times", "latimes.com"),
]
OUTLET_WEIGHTS = [1.0 / (i + 1) for i in range(len(OUTLETS))]

FIRST_DAY = datetime.date(2015, 1, 1)
DAYS = (datetime.date(2024, 12, 31) - FIRST_DAY).days + 1


def split_paragraphs(body):
    """Paragraphs of one body: blank lines, or Reuters' indented lines."""
    if "\n\n" in body:
        parts = body.split("\n\n")
    else:
        parts = re.split(r"\n(?=[ \t]{2,})", body)
    paras = []
    for p in parts:
        p = " ".join(p.split())
        if len(p) >= 20:
            paras.append(p)
    return paras


def load(corpus_dir):
    """Per collection: its articles as (title, [paragraphs])."""
    collections = []
    for name in CORPUS_FILES:
        path = os.path.join(corpus_dir, name)
        if not os.path.exists(path):
            continue
        arts = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                paras = split_paragraphs(d.get("body") or "")
                if paras:
                    arts.append((d.get("title"), paras))
        if arts:
            collections.append(arts)
    return collections


def slug(title):
    s = re.sub(r"[^a-z0-9]+", "-", (title or "story").lower()).strip("-")
    return s[:60] or "story"


def generate(collections, count, seed, out):
    rng = random.Random(seed)
    # Pick base articles in proportion to the real corpus sizes.
    sizes = [len(c) for c in collections]
    pools = [[p for _, paras in c for p in paras] for c in collections]
    raw = 0
    for n in range(count):
        ci = rng.choices(range(len(collections)), weights=sizes)[0]
        title, paras = rng.choice(collections[ci])
        pool = pools[ci]
        body = [paras[0]]
        for p in paras[1:]:
            body.append(p if rng.random() < 0.5 else rng.choice(pool))
        # At least one foreign paragraph, so the body is new.
        body.insert(rng.randint(1, len(body)), rng.choice(pool))
        text = "\n\n".join(body)
        if not title:
            title = " ".join(paras[0].split()[:10])
        outlet, domain = rng.choices(OUTLETS, weights=OUTLET_WEIGHTS)[0]
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        ext = "gen%d-%07d" % (seed, n)
        art = {
            "id": ext,
            "title": title,
            "source": outlet,
            "published": day.isoformat(),
            "url": "https://%s/%04d/%02d/%s-%d" % (domain, day.year, day.month,
                                                  slug(title), n),
            "body": text,
        }
        raw += len(title.encode()) + len(text.encode())
        out.write(json.dumps(art, ensure_ascii=False))
        out.write("\n")
    return raw


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True, help="NDJSON output path")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus",
                    default=os.path.join(here, "..", "..", "shared", "corpus"))
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print("gen_corpus: %s not found, skipping" % args.corpus,
              file=sys.stderr)
        return 0
    collections = load(args.corpus)
    if not collections:
        print("gen_corpus: no corpus files in %s, skipping" % args.corpus,
              file=sys.stderr)
        return 0
    with open(args.out, "w", encoding="utf-8") as out:
        raw = generate(collections, args.count, args.seed, out)
    print("gen_corpus: %d articles, raw text %d bytes (%.1f MB) -> %s" %
          (args.count, raw, raw / 1e6, args.out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
