#!/usr/bin/env python3
"""Size limits for the project's own source, so that a reader finds one job
per file and one screenful or two per function.

Checked: emu/, app/, guest/ and tests/ (C, C++ and their headers; assembly
is not parsed for functions but counts for file length). A gtest test is
named Suite.Name (TEST(Suite, Name)).

  file      over 800 lines
  function  over 120 lines (from the line of its name to its closing brace)

An exception is a line of scripts/source_limits_exceptions.txt:
  <path>                    the whole file may be long
  <path>:<function>         that function may be long
each followed by " # " and the reason. An exception that no longer matches
anything over a limit is an error too, so the list stays true.

Usage: source_limits.py [ROOT]   (exit 1 with one line per problem)
"""
import os
import re
import subprocess
import sys

MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 120
DIRS = ("emu", "app", "guest", "tests")
CODE = (".c", ".cc", ".cpp", ".h", ".hpp")
ASM = (".S",)
EXCEPTIONS = os.path.join("scripts", "source_limits_exceptions.txt")

CONTAINER = re.compile(r"\b(namespace|class|struct|union|enum)\b[^(]*$|extern\s+\"C\"\s*$")


def strip(text):
    """The text with comments, strings and preprocessor lines blanked, lines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' and text.startswith('R"', i - 1):
            m = re.match(r'"([^(]*)\(', text[i:])
            end = text.find(")" + (m.group(1) if m else "") + '"', i)
            j = n if end < 0 else end + len(m.group(1) if m else "") + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] == "\n" or text[:i].rstrip(" \t").endswith("\n")):
            # a preprocessor line, with its continuations
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] != "\\":
                    break
                j = k + 1
            out.append(re.sub(r"[^\n]", " ", text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """(name, first line, last line) of each function body at file, namespace or class level."""
    code = strip(text)
    stack = []  # kind of each open brace: "container", "function", "other"
    header_start = 0  # offset where the text before the next brace begins
    found = []
    line_of = lambda off: code.count("\n", 0, off) + 1
    for m in re.finditer(r"[{};]", code):
        ch, off = m.group(), m.start()
        if ch == "{":
            header = code[header_start:off]
            outer_ok = all(s[0] == "container" for s in stack)
            h = " ".join(header.split())
            if outer_ok and CONTAINER.search(h) and "(" not in h.split("{")[-1]:
                stack.append(("container", None, None))
            elif outer_ok and "(" in h and not h.endswith("=") and not re.search(r"=\s*$", h):
                name = re.findall(r"([~\w:<>]+|operator\s*\S+)\s*\(", h)
                test = re.search(r"\b(TEST|TEST_F|TEST_P)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)", h)
                if test:  # a gtest test: named Suite.Test, as gtest names it
                    name = [test.group(2) + "." + test.group(3)]
                start = header_start + (len(header) - len(header.lstrip()))
                stack.append(("function", name[0] if name else "?", line_of(start)))
            else:
                stack.append(("other", None, None))
            header_start = off + 1
        elif ch == "}":
            if stack:
                kind, name, first = stack.pop()
                if kind == "function":
                    found.append((name, first, line_of(off)))
            header_start = off + 1
        else:  # ';'
            if all(k == "container" for k, _, _ in stack) or not stack:
                header_start = off + 1
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = subprocess.run(["git", "-C", root, "ls-files", *DIRS], capture_output=True, text=True,
                           check=True).stdout.split()
    exceptions = {}
    problems = []
    with open(os.path.join(root, EXCEPTIONS)) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            what, _, reason = line.partition(" # ")
            if not reason.strip():
                problems.append(f"{EXCEPTIONS}:{number}: '{what}' has no reason (write ' # why')")
            exceptions[what.strip()] = False
    for path in files:
        if not path.endswith(CODE + ASM):
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            if path in exceptions:
                exceptions[path] = True
            else:
                problems.append(f"{path}: {lines} lines (limit {MAX_FILE_LINES})")
        if not path.endswith(CODE):
            continue
        for name, first, last in functions(text):
            length = last - first + 1
            if length <= MAX_FUNCTION_LINES:
                continue
            key = f"{path}:{name}"
            if key in exceptions:
                exceptions[key] = True
            else:
                problems.append(f"{path}:{first}: {name}() is {length} lines (limit {MAX_FUNCTION_LINES})")
    for what, used in exceptions.items():
        if not used:
            problems.append(f"{EXCEPTIONS}: '{what}' is within the limits now; remove it")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
