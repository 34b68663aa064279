#!/usr/bin/env python3
"""Load generator for the crash and two-instance benchmarks: N clients post distinct,
valid expressions of interest (the body of bench/rush.lua) over keep-alive HTTP/1.1,
and every 201's protocol number is written to a file as it arrives.

  submit.py --target http://127.0.0.1:18080 [--target URL ...] --area ID
            --clients 32 (--seconds S | --total N) --accepted FILE [--events FILE]
            [--namespace K]

Client c sends to target c mod len(targets). The run ends after --seconds, after
--total requests in all, or on SIGTERM/SIGINT; requests in flight then finish.
Lines written: accepted "TIME<TAB>PROTOCOL<TAB>TARGET"; events (everything else)
"TIME<TAB>KIND<TAB>DETAIL<TAB>TARGET", KIND being a status code or "error".
A summary goes to standard output as one JSON line. Standard library only.
"""
import argparse
import asyncio
import json
import signal
import sys
import time
from urllib.parse import urlsplit

SLUG = "esempio-2026-2028"
REQUEST_TIMEOUT = 15.0


def tax_code(n: int) -> str:
    """Ten digits of n followed by the Luhn check digit (as bench/rush.lua)."""
    body = f"{n:010d}"
    total = 0
    for i, ch in enumerate(body, start=1):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def body(n: int, area: str) -> bytes:
    return json.dumps({
        "applicant": {
            "kind": "organization", "name": f"Associazione {n}", "legal_form": "aps",
            "tax_code": tax_code(n), "legal_representative": f"Rappresentante {n}",
            "address": "Via del Carico 1", "municipality": "Esempio",
            "email": f"org{n}@bench.invalid", "founded_on": "2015-01-01",
        },
        "participations": [{"area_id": area, "representative": {"name": f"Referente {n}", "email": f"ref{n}@bench.invalid"}}],
        "privacy_accepted": True,
        "declaration_accepted": True,
    }).encode()


class Conn:
    def __init__(self, base: str):
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.reader = self.writer = None

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except Exception:
                pass
        self.reader = self.writer = None

    async def post(self, path: str, payload: bytes, client: str = "10.0.0.1"):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nX-Forwarded-For: {client}\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        self.writer.write(head + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed before the answer")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data = await self.reader.read()
            close = True
        if close:
            await self.close()
        return status, data


async def main(args):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deadline = time.monotonic() + args.seconds if args.seconds else None
    accepted = open(args.accepted, "a", buffering=1)
    events = open(args.events, "a", buffering=1) if args.events else None
    path = f"/api/v1/processes/{SLUG}/expressions"
    stats = {"sent": 0, "created": 0, "errors": 0, "status": {}}
    budget = [args.total] if args.total else None

    def take() -> bool:
        if stop.is_set() or (deadline and time.monotonic() >= deadline):
            return False
        if budget is not None:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
        return True

    async def client(c: int):
        target = args.target[c % len(args.target)]
        conn = Conn(target)
        seq = 0
        while take():
            seq += 1
            n = (args.namespace * 1000 + c + 1) * 1_000_000 + seq
            stats["sent"] += 1
            try:
                status, data = await asyncio.wait_for(conn.post(path, body(n, args.area), f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"), REQUEST_TIMEOUT)
            except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
                stats["errors"] += 1
                await conn.close()
                if events:
                    events.write(f"{time.time():.3f}\terror\t{type(e).__name__}\t{target}\n")
                await asyncio.sleep(0.05)  # the server may be down: do not spin
                continue
            if status == 201:
                stats["created"] += 1
                accepted.write(f"{time.time():.3f}\t{json.loads(data)['protocol_number']}\t{target}\n")
            else:
                stats["status"][str(status)] = stats["status"].get(str(status), 0) + 1
                if events:
                    events.write(f"{time.time():.3f}\t{status}\t{data[:120]!r}\t{target}\n")
        await conn.close()

    started = time.monotonic()
    await asyncio.gather(*(client(c) for c in range(args.clients)))
    stats["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", action="append", required=True)
    p.add_argument("--area", required=True)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float)
    p.add_argument("--total", type=int)
    p.add_argument("--accepted", required=True)
    p.add_argument("--events")
    p.add_argument("--namespace", type=int, default=0, help="distinct per run on one database, for distinct tax codes")
    a = p.parse_args()
    if not a.seconds and not a.total:
        p.error("give --seconds or --total")
    if a.seconds is None:
        a.seconds = 600  # a bound even for --total runs
    asyncio.run(main(a))
    sys.exit(0)
