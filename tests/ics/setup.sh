#!/usr/bin/env bash
# Creates tests/ics/.venv with Python's icalendar, for crates/web/tests/meetings.rs
# (which runs this itself when the venv is missing and python3 is present).
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
[ -x "$dir/.venv/bin/python" ] && "$dir/.venv/bin/python" -c "import icalendar" 2>/dev/null && exit 0
rm -rf "$dir/.venv"
python3 -m venv "$dir/.venv"
"$dir/.venv/bin/pip" install -q icalendar
