"""Reads an iCalendar scheduling message from standard input with Python's
`icalendar` and prints METHOD, UID, SEQUENCE, ORGANIZER and ATTENDEE, one per line.
Used by crates/web/tests/meetings.rs, so that what Concerto sends is read by a
second, independent parser."""
import sys

import icalendar

calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
event = next(c for c in calendar.walk() if c.name == "VEVENT")
print("METHOD", str(calendar.get("METHOD")))
print("UID", str(event.get("UID")))
print("SEQUENCE", int(event.get("SEQUENCE")))
print("ORGANIZER", str(event.get("ORGANIZER")))
print("ATTENDEE", str(event.get("ATTENDEE")))
print("DTSTART", event.decoded("DTSTART").isoformat())
