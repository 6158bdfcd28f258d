#!/usr/bin/python3
# bench-read-openpyxl.py
#
# Copyright 2026 The RUC Validator authors
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.
#
# This program is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
# GNU General Public License for more details.
#
# You should have received a copy of the GNU General Public License
# along with this program.  If not, see <http://www.gnu.org/licenses/>.
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""The other side of bench-read.c: reads FILE the way a Python script would.

    /usr/bin/python3 bench-read-openpyxl.py FILE

An .xlsx goes through openpyxl.load_workbook(read_only=True, data_only=True), every value
of every sheet visited; anything else through the csv module, its dialect sniffed from the
first 64 KiB as our reader sniffs it. Prints one line:

    seconds=S max_rss_kib=K rows=R cells=C

S covers opening and reading (not starting Python nor importing openpyxl, just as
bench-read times rv_sheet_read_file() alone); K is this process's peak resident set,
interpreter included (as bench-read's figure includes its own process).

Run it with Debian's /usr/bin/python3, which has python3-openpyxl.
"""

import csv
import resource
import sys
import time


def read_xlsx(path):
    import openpyxl

    start = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            rows += 1
            for value in row:
                if value is not None:
                    cells += 1
    workbook.close()
    return time.perf_counter() - start, rows, cells


def read_csv(path):
    start = time.perf_counter()
    rows = cells = 0
    # utf-8-sig: a BOM, as Excel writes one, is not part of the first header.
    with open(path, newline='', encoding='utf-8-sig') as f:
        dialect = csv.Sniffer().sniff(f.read(65536), delimiters=',;\t|')
        f.seek(0)
        for row in csv.reader(f, dialect):
            rows += 1
            for value in row:
                if value:
                    cells += 1
    return time.perf_counter() - start, rows, cells


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2

    path = sys.argv[1]
    if path.lower().endswith('.xlsx'):
        seconds, rows, cells = read_xlsx(path)
    else:
        seconds, rows, cells = read_csv(path)

    # Linux gives ru_maxrss in KiB.
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f'seconds={seconds:.6f} max_rss_kib={max_rss} rows={rows} cells={cells}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
