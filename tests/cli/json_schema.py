#!/usr/bin/env python3
"""Every kind of JSON object slowpath-cli prints validates against
docs/slowpath-report.schema.json, and broken copies of each are refused.

usage: json_schema.py SLOWPATH_CLI SCHEMA SOURCE_DIR [PROGRAM]
"""
import copy
import json
import subprocess
import sys

import jsonschema

cli, schema_path, source = sys.argv[1:4]
program = sys.argv[4] if len(sys.argv) > 4 else ""
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def run(args, status):
    r = subprocess.run([cli] + args, capture_output=True, stdin=subprocess.DEVNULL, timeout=240)
    if status is not None and r.returncode != status:
        failures.append(f"{' '.join(args)}: exit status {r.returncode}, not {status}: {r.stderr[-300:]!r}")
        return None
    return json.loads(r.stdout)


def check(name, doc, kind):
    if doc is None:
        return
    if not validator.is_valid(doc):
        # The definition it should match says best what is wrong.
        sub = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})
        e = jsonschema.exceptions.best_match(sub.iter_errors(doc))
        failures.append(f"{name}: refused: {e.message[:200] if e else '?'} at {list(e.absolute_path) if e else []}")
        return
    if doc.get("schema") != 1:
        failures.append(f"{name}: schema is {doc.get('schema')!r}")
    # The object matches the one definition it should (oneOf picks exactly one).
    sub = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})
    if not sub.is_valid(doc):
        failures.append(f"{name}: is not a {kind}")
    print(f"valid: {name} ({kind})")


def refused(name, doc, change):
    broken = copy.deepcopy(doc)
    try:
        change(broken)
    except (KeyError, IndexError, TypeError) as e:
        failures.append(f"{name}: the output has no such field ({e!r})")
        return
    if validator.is_valid(broken):
        failures.append(f"{name}: a broken copy was accepted")
    else:
        print(f"refused: {name}")


hostile = f"{source}/tests/data/hostile"
walk_file = f"{source}/assets/walkthroughs/01-getpid-fast-path.yaml"
docs = {
    "run v3.13": (run(["run", "--json"], 0), "run_report"),
    "run rfc signal": (run(["run", "--era", "rfc", "--inject", "SIGPENDING@exit", "--json"], 0), "run_report"),
    "run modern tamper": (run(["run", "--era", "modern", "--tamper", "rcx=0x800000000000",
                               "--signal-action", "block", "--json"], 0), "run_report"),
    "run step limit": (run(["run", "--max-steps", "50", "--json"], 0), "run_report"),
    "run bad pointer": (run(["run", "--bad-pointer", "--syscall", "write", "--json"], 0), "run_report"),
    "run program": (run(["run", "--program", f"{hostile}/elf/prints-ff.elf", "--json"], None), "run_report"),
    "walk": (run(["walk", "--json", walk_file], 0), "walk_result"),
    "walk errors": (run(["walk", "--json", f"{hostile}/walkthrough/bad-byte-error.yaml",
                         f"{hostile}/walkthrough/two-line-error.yaml"], 2), "walk_errors"),
    "table": (run(["table", "--json", "--era", "rfc"], 0), "table"),
    "run summary": (run(["run", "--era", "modern", "--inject", "SIGPENDING@exit", "--summary", "--json"], 0), "summary"),
}
if program:
    docs["run passthrough program"] = (run(["run", "--program", program, "--json", "--", "3"], 3), "run_report")

for name, (doc, kind) in docs.items():
    check(name, doc, kind)


def first(doc, *path):
    for key in path:
        doc = doc[key]
    return doc


def set_at(path, value):
    def change(doc):
        first(doc, *path[:-1])[path[-1]] = value
    return change


def drop(path):
    def change(doc):
        del first(doc, *path[:-1])[path[-1]]
    return change


# Broken copies: each must be refused.
report = docs["run rfc signal"][0]
walk = docs["walk"][0]
errors = docs["walk errors"][0]
table = docs["table"][0]
if report:
    refused("run: no schema", report, drop(["schema"]))
    refused("run: schema 2", report, set_at(["schema"], 2))
    refused("run: unknown era", report, set_at(["era"], "v2.6"))
    refused("run: unknown outcome", report, set_at(["outcome"], "crashed"))
    refused("run: steps as text", report, set_at(["steps"], "12"))
    refused("run: no syscalls", report, drop(["syscalls"]))
    refused("run: exit neither sysret nor iret", report, set_at(["syscalls", 0, "exit"], "jmp"))
    refused("run: user_rip not hex", report, set_at(["syscalls", 0, "user_rip"], 4198400))
    refused("run: a TIF check without its mask", report, drop(["syscalls", 0, "tif_checks", 0, "mask"]))
    refused("run: an injection without its place", report, set_at(["injections"], ["SIGPENDING"]))
    refused("run: not an object", report, lambda d: d.clear())
if walk:
    refused("walk: passed as text", walk, set_at(["passed"], "yes"))
    refused("walk: a run without its era", walk, drop(["walkthroughs", 0, "runs", 0, "era"]))
    refused("walk: a step without its kind", walk, drop(["walkthroughs", 0, "runs", 0, "steps", 0, "kind"]))
    refused("walk: a check without passed", walk,
            lambda d: [s["checks"][0].pop("passed") for s in d["walkthroughs"][0]["runs"][0]["steps"] if s["checks"]][:1])
    refused("walk: negative failed", walk, set_at(["failed"], -1))
if errors:
    refused("walk errors: passed true", errors, set_at(["passed"], True))
    refused("walk errors: none listed", errors, set_at(["errors"], []))
    refused("walk errors: no message", errors, drop(["errors", 0, "message"]))
if table:
    refused("table: no rows", table, drop(["rows"]))
    refused("table: a cell of an unknown era", table,
            lambda d: d["rows"][0]["cells"].update({"v9": d["rows"][0]["cells"]["rfc"]}))
    refused("table: a cell without its steps", table, drop(["rows", 0, "cells", "rfc", "steps"]))
summary = docs["run summary"][0]
if summary:
    refused("summary: no totals", summary, drop(["total"]))
    refused("summary: negative calls", summary, set_at(["syscalls", 0, "calls"], -1))
    refused("summary: a row without its name", summary, drop(["syscalls", 0, "name"]))

# New fields keep the version: a copy with one more field anywhere still passes.
if walk:
    grown = copy.deepcopy(walk)
    for step in grown["walkthroughs"][0]["runs"][0]["steps"]:
        step["new_field"] = 1
        for c in step["checks"]:
            c["new_field"] = 3
    if not validator.is_valid(grown):
        failures.append("walk: a copy with new fields was refused")

for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
