#!/usr/bin/env python3
"""Golden tests for the extractors, as TAP.

usage: golden.py EXTRACT_DUMP DIR

Each case in DIR is NAME.txt (the input text) and NAME.json, the expected
annotations: {"published": "YYYY-MM-DD" | null, "title": ... (optional),
"<layer>": [...]} where <layer> is any key of extract-dump's output
(mentions, entities, timexes, claims, sentences). For each layer present,
the extractor's items, reduced to the keys the expected items use, must
equal the expected list exactly (order included). Golden files are
reviewed by reading them: keep them small and focused.
"""
import json
import os
import subprocess
import sys


def project(items, keys, subkeys=None):
    if not keys:
        return items
    subkeys = subkeys or {}

    def narrow(k, v):
        # A nested object is reduced to the keys the expected ones use.
        if isinstance(v, dict) and k in subkeys:
            return {sk: v.get(sk) for sk in subkeys[k]}
        return v

    return [{k: narrow(k, it.get(k)) for k in keys} if isinstance(it, dict)
            else it for it in items]


def main():
    dump, folder = sys.argv[1], sys.argv[2]
    cases = sorted(f[:-4] for f in os.listdir(folder) if f.endswith('.txt'))
    n = failed = 0
    for name in cases:
        with open(os.path.join(folder, name + '.json'), encoding='utf-8') as fh:
            want = json.load(fh)
        cmd = [dump]
        if want.get('published'):
            cmd += ['--published', want['published']]
        if want.get('title'):
            cmd += ['--title', want['title']]
        cmd.append(os.path.join(folder, name + '.txt'))
        proc = subprocess.run(cmd, capture_output=True, text=True)
        got = json.loads(proc.stdout) if proc.returncode == 0 else {}
        for layer, expected in want.items():
            if layer in ('published', 'title', 'comment'):
                continue
            n += 1
            keys, subkeys = [], {}
            for it in expected:
                if isinstance(it, dict):
                    keys += [k for k in it if k not in keys]
                    for k, v in it.items():
                        if isinstance(v, dict):
                            sub = subkeys.setdefault(k, [])
                            sub += [sk for sk in v if sk not in sub]
            have = project(got.get(layer, []), keys, subkeys)
            if have == expected:
                print(f'ok {n} - {name} {layer}')
                continue
            failed += 1
            print(f'not ok {n} - {name} {layer}')
            for line in json.dumps({'got': have, 'want': expected},
                                   indent=1, ensure_ascii=False).splitlines():
                print('#  ' + line)
    print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
