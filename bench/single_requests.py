#!/usr/bin/env python3
"""single_requests.py - time single requests to a running dossier server:
each URL four times, each time with a new `_` parameter (which the API
ignores) so that the response cache cannot answer; prints the first
request and the best of the other three, in milliseconds, as a Markdown
table. A status other than 200 is shown next to the time (503: the
query_timeout_ms passed).

    python3 bench/single_requests.py http://127.0.0.1:8080 [OUTLET]

OUTLET (default Reuters) is used by the outlet-filtered rows. One request
at a time, loopback only: a latency probe, not a load test.
"""
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    base = sys.argv[1].rstrip("/")
    outlet = urllib.parse.quote(sys.argv[2] if len(sys.argv) > 2
                                else "Reuters")
    urls = ["/api/v1/claims", "/api/v1/claims?kind=quote",
            "/api/v1/claims?status=conflicting", "/api/v1/sources",
            "/api/v1/timeline/volume", "/api/v1/timeline/volume?interval=week",
            "/api/v1/entities?source=" + outlet,
            "/api/v1/entities?source=Nobody",
            "/api/v1/articles?q=first&source=" + outlet,
            "/api/v1/articles?q=first&sort=-published",
            "/api/v1/articles?q=first&since=2020-01-01&until=2020-12-31",
            "/api/v1/articles?q=upward&sort=-published",
            "/api/v1/articles?q=first", "/api/v1/articles?q=upward",
            "/api/v1/claim-groups", "/api/v1/timeline", "/api/v1/entities",
            "/api/v1/articles",
            "/api/v1/claims?status=corroborated",
            "/api/v1/claims?status=single",
            "/api/v1/articles?q=said",
            "/api/v1/articles?q=said&sort=-published",
            "/api/v1/articles?q=said&sort=-published&source=" + outlet,
            "/api/v1/articles?q=first&sort=published&source=" + outlet,
            "/api/v1/articles?q=firs*&sort=-published&source=" + outlet,
            "/api/v1/timeline/volume?q=said&source=" + outlet]
    tag = random.randrange(1 << 30)
    print("| request | first ms | best of 3 ms |")
    print("|---|---:|---:|")
    for u in urls:
        times = []
        for k in range(4):
            url = "%s%s%s_=%d-%d" % (base, u, "&" if "?" in u else "?", tag, k)
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=120) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            times.append(((time.perf_counter() - t) * 1000, status))
        show = lambda x: "%.1f%s" % (x[0], "" if x[1] == 200 else
                                     " (%d)" % x[1])
        print("| `%s` | %s | %s |" % (u, show(times[0]), show(min(times[1:]))))


if __name__ == "__main__":
    main()
