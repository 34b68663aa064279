#!/usr/bin/env python3
"""A real SMTP server on loopback for the crash benchmarks, built on aiosmtpd.

Serve:   smtp_sink.py --port 2525 --out sink.jsonl [--port-file F]
         Accepts every message and appends one JSON line per message received
         (Message-ID, envelope recipients, subject, plain-text body, time); runs
         until killed.
         --port 0 picks a free port and writes it to --port-file.
Report:  smtp_sink.py --report sink.jsonl [--expect ids.txt] [--json]
         Prints the messages received, the distinct Message-IDs and the duplicates
         (the same Message-ID received more than once: an at-least-once resend that
         the outbox's deduplication key makes recognisable). With --expect (a file of
         expected Message-IDs, one a line) it also lists the missing and the
         unexpected ones and exits 1 when the two sets differ.

aiosmtpd comes from bench/.venv (see bench/README.md) or Debian's python3-aiosmtpd.
"""
import argparse
import collections
import json
import os
import sys
import time


def plain_text(raw):
    """The first text/plain part of a message, decoded, so that tests can read it."""
    from email import message_from_bytes
    from email.policy import default as default_policy

    message = message_from_bytes(raw, policy=default_policy)
    part = message.get_body(preferencelist=("plain",))
    try:
        return part.get_content() if part is not None else ""
    except (LookupError, ValueError):
        return ""


def serve(args):
    import asyncio
    from email.parser import BytesHeaderParser
    from email.policy import default as default_policy

    from aiosmtpd.smtp import SMTP

    out = open(args.out, "a", encoding="utf-8")

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            headers = BytesHeaderParser(policy=default_policy).parsebytes(envelope.content or b"")
            line = {
                "message_id": str(headers.get("Message-ID", "")).strip(),
                "rcpt_tos": list(envelope.rcpt_tos),
                "subject": str(headers.get("Subject", "")),
                "body": plain_text(envelope.content or b""),
                "at": round(time.time(), 3),
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            return "250 OK"

    async def main():
        loop = asyncio.get_running_loop()
        handler = Sink()
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="sink.invalid", data_size_limit=10 * 1024 * 1024),
            host="127.0.0.1",
            port=args.port,
        )
        port = server.sockets[0].getsockname()[1]
        if args.port_file:
            tmp = args.port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write(f"{port}\n")
            os.replace(tmp, args.port_file)
        print(f"smtp sink on 127.0.0.1:{port}, writing {args.out}", file=sys.stderr, flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def report(args):
    received = 0
    counts = collections.Counter()
    with open(args.report, encoding="utf-8") as f:
        for raw in f:
            raw = raw.strip()
            if not raw:
                continue
            received += 1
            counts[json.loads(raw)["message_id"]] += 1
    duplicated = {mid: n for mid, n in counts.items() if n > 1}
    result = {
        "received": received,
        "distinct": len(counts),
        "duplicates": received - len(counts),
        "duplicated_ids": len(duplicated),
    }
    failed = False
    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            expected = {line.strip() for line in f if line.strip()}
        missing = sorted(expected - counts.keys())
        unexpected = sorted(counts.keys() - expected)
        result.update(expected=len(expected), missing=len(missing), unexpected=len(unexpected))
        failed = bool(missing or unexpected)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"messages received:    {received}")
        print(f"distinct Message-IDs: {len(counts)}")
        print(f"duplicates:           {result['duplicates']} (resends of {len(duplicated)} Message-IDs)")
        for mid, n in sorted(duplicated.items())[:10]:
            print(f"  {mid} received {n} times")
        if args.expect:
            print(f"expected Message-IDs: {result['expected']}; missing {len(missing)}, unexpected {len(unexpected)}")
            for mid in missing[:10]:
                print(f"  missing:    {mid}")
            for mid in unexpected[:10]:
                print(f"  unexpected: {mid}")
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=2525)
    p.add_argument("--out", default="smtp_sink.jsonl")
    p.add_argument("--port-file")
    p.add_argument("--report", metavar="FILE")
    p.add_argument("--expect", metavar="FILE")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.report:
        sys.exit(report(args))
    serve(args)


if __name__ == "__main__":
    main()
