#!/usr/bin/env python3
"""Print "N passed, N failed, N skipped" for meson test logs and TAP files.

usage: test_summary.py (TESTLOG.json | OUTPUT.tap)...

TAP tests count each test point (`ok`, `not ok`, `# SKIP`); other tests
count once. A TAP test that failed without a failing point (it crashed,
timed out, or broke its plan) counts one more failure. Exits 1 when
anything failed or nothing passed.
"""
import json
import re
import sys

POINT = re.compile(r'^(not )?ok\b[^#]*(#\s*(SKIP|TODO)\b)?', re.I)
PLAN = re.compile(r'^1\.\.\d+', re.M)
BAD = ('FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS')


def count_points(stdout):
    passed = failed = skipped = 0
    for line in (stdout or '').splitlines():
        m = POINT.match(line)
        if not m:
            continue
        if m.group(3):
            skipped += 1
        elif m.group(1):
            failed += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        with open(path, encoding='utf-8') as fh:
            lines = fh.readlines()
        if path.endswith('.tap'):
            p, f, s = count_points(''.join(lines))
            passed, failed, skipped = passed + p, failed + f, skipped + s
            failed += not (p + f + s)  # a TAP file without a point failed
            continue
        for line in lines:
            t = json.loads(line)
            result = t.get('result')
            p, f, s = (0, 0, 0)
            # meson's log does not say which tests speak TAP: a plan does.
            if PLAN.search(t.get('stdout') or ''):
                p, f, s = count_points(t.get('stdout'))
            if p + f + s == 0:
                if result == 'SKIP':
                    s = 1
                elif result in BAD:
                    f = 1
                else:
                    p = 1
            elif result in BAD and f == 0:
                f = 1
            passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
