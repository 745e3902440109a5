#!/usr/bin/env python3
"""Checkout throughput against a running Vitrine server.

Each worker thread is one shopper on its own keep-alive connection: it puts
one item in its cart (POST /api/v1/cart/items) and checks out with the test
card (POST /api/v1/checkout, a fresh Idempotency-Key each time), in a loop.
Prints orders/s and the checkout request's latency percentiles as one line.

    checkout_driver.py BASE_URL LABEL [--workers N] [--seconds S]
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse
import uuid

BODY = {
    "email": "bench@example.com",
    "name": "Bench Shopper",
    "line1": "1 Load Street",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
    "card_number": "4242 4242 4242 4242",
    "card_expiry": "12/39",
    "card_cvc": "123",
}


def worker(host, port, deadline, sku, results, errors):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    cookie = None
    while time.monotonic() < deadline:
        headers = {"content-type": "application/json"}
        if cookie:
            headers["cookie"] = cookie
        conn.request("POST", "/api/v1/cart/items", json.dumps({"sku": sku, "quantity": 1}), headers)
        response = conn.getresponse()
        set_cookie = response.getheader("set-cookie")
        response.read()
        if set_cookie:
            cookie = set_cookie.split(";")[0]
            headers["cookie"] = cookie
        headers["idempotency-key"] = uuid.uuid4().hex
        body = dict(BODY, idempotency_key="")
        started = time.monotonic()
        conn.request("POST", "/api/v1/checkout", json.dumps(body), headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.monotonic() - started
        if response.status == 201:
            results.append(elapsed)
        else:
            errors.append(response.status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("label")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sku", default="WATER-BOTTLE-750")
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.base)
    results, errors = [], []
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(target=worker, args=(url.hostname, url.port, deadline, args.sku, results, errors))
        for _ in range(args.workers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    latencies = sorted(results)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")

    print(
        f"{args.label:<12} {len(results) / wall:8.1f} orders/s  "
        f"checkout p50 {pct(0.50):6.1f} ms  p99 {pct(0.99):6.1f} ms  "
        f"({len(results)} orders, {len(errors)} failed{'' if not errors else ': ' + str(sorted(set(errors)))})"
    )


if __name__ == "__main__":
    main()
