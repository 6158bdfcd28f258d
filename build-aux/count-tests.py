#!/usr/bin/env python3
"""Counts test results from meson's testlog.json and prints one line: N passed, N failed.

TAP tests count one per test case ("ok"/"not ok" lines); other tests count one each. A TAP
test that crashed or timed out after its last "ok" counts one failure more.
"""
import json
import re
import sys

passed = failed = skipped = 0
try:
    with open(sys.argv[1], encoding="utf-8") as log:
        entries = [json.loads(line) for line in log if line.strip()]
except (OSError, ValueError, IndexError) as error:
    print(f"no test log: {error}", file=sys.stderr)
    entries = []

for entry in entries:
    result = entry.get("result", "")
    lines = (entry.get("stdout") or "").splitlines()
    ok = [l for l in lines if re.match(r"ok\b", l)]
    not_ok = [l for l in lines if re.match(r"not ok\b", l)]
    # meson's log does not say which tests speak TAP; a plan line ("1..N") does.
    tap = any(re.match(r"1\.\.\d+", l) for l in lines)
    if tap and (ok or not_ok):
        skips = [l for l in ok if re.search(r"#\s*SKIP", l, re.I)]
        passed += len(ok) - len(skips)
        skipped += len(skips)
        failed += len(not_ok)
        if result not in ("OK", "SKIP", "EXPECTEDFAIL") and not not_ok:
            failed += 1
    elif result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1

if not entries:
    failed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
