#!/usr/bin/python3
"""Validates the vector files: JSON Schema (vectors/schema/), numberOfTests, tcIds, flags, and the total count.

usage: check_vectors.py VECTOR_DIR SCHEMA_DIR [MIN_TOTAL]
"""
import json
import os
import sys

import jsonschema

FILES = ["protocol_name_list", "selection", "header_parse", "header_format", "cross_format", "altsvc", "svcb_alpn"]


def check_file(path, schema_path):
    errors = []
    with open(path, encoding="ascii") as f:
        doc = json.load(f)
    with open(schema_path, encoding="ascii") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))[:10]:
        where = "/".join(str(p) for p in err.absolute_path)
        errors.append(f"schema: at /{where}: {err.message[:200]}")
    if errors:
        return 0, errors
    tests = [t for g in doc["testGroups"] for t in g["tests"]]
    if doc["numberOfTests"] != len(tests):
        errors.append(f"numberOfTests is {doc['numberOfTests']}, the file holds {len(tests)} tests")
    ids = [t["tcId"] for t in tests]
    if len(set(ids)) != len(ids):
        errors.append("tcIds are not unique")
    if ids != list(range(1, len(ids) + 1)):
        errors.append("tcIds do not run 1, 2, 3, ... in file order")
    notes = doc["notes"]
    for t in tests:
        for flag in t["flags"]:
            if flag not in notes:
                errors.append(f"tcId {t['tcId']}: flag {flag} is not in notes")
        if t["result"] == "acceptable" and not t["flags"]:
            errors.append(f"tcId {t['tcId']}: acceptable test without a flag")
        if "valueHex" in t:
            raw = bytes.fromhex(t["valueHex"])
            printable = all(0x20 <= b <= 0x7E for b in raw)
            if printable != ("value" in t) or (printable and t["value"].encode("ascii") != raw):
                errors.append(f"tcId {t['tcId']}: value does not match valueHex")
    used = {f for t in tests for f in t["flags"]}
    for key in notes:
        if key not in used:
            errors.append(f"note {key} is not used by any test")
    return len(tests), errors


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    vdir, sdir = sys.argv[1], sys.argv[2]
    min_total = int(sys.argv[3]) if len(sys.argv) == 4 else 2000
    total, bad = 0, False
    for name in FILES:
        path = os.path.join(vdir, name + ".json")
        n, errors = check_file(path, os.path.join(sdir, name + ".schema.json"))
        total += n
        status = "ok" if not errors else "FAILED"
        print(f"  {name + '.json':<26} {n:6} tests  {status}")
        for e in errors:
            print(f"    {path}: {e}")
        bad |= bool(errors)
    if total < min_total:
        print(f"  total {total} tests: fewer than {min_total}")
        bad = True
    else:
        print(f"  {'total':<26} {total:6} tests")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
