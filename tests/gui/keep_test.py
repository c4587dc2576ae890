#!/usr/bin/env python3
"""What a user keeps, made by the real window under Xvfb and read back:

  keep_test.py gif APP CLI            --record-gif: frame count, size, loop, frames differ
  keep_test.py handout APP CLI WALK   --handout: index.html, a screenshot per page, the narration
  keep_test.py scenario-file APP DIR  a scenario file by argument and by `open` gives the
                                      state the equivalent scenario line gives
"""
import html
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

from PIL import Image

failures = []
# An X server of its own per run (tests/gui/with_xvfb.sh, beside this file).
WITH_XVFB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "with_xvfb.sh")


def fail(message):
    failures.append(message)
    print("FAIL", message)


def app_run(app, args, timeout=240):
    cmd = [WITH_XVFB, "-s", "-screen 0 1600x1000x24", app, "--no-settings",
           "--size", "1280x800"] + args
    # Its own process group: a run that hangs goes with its X server.
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        err += f"\n(killed after {timeout} s)"
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)


def focus_entry(cli, extra=()):
    r = subprocess.run([cli, "run", "--json", *extra], capture_output=True, text=True, check=True)
    j = json.loads(r.stdout)
    return j["syscalls"][j["focus"]]["entry_step"]


def test_gif(app, cli, out_dir):
    start = focus_entry(cli)
    first, last = start, start + 11  # twelve steps: the entry code's first instructions
    path = os.path.join(out_dir, "steps.gif")
    r = app_run(app, ["--record-gif", path, f"{first}..{last}"])
    if r.returncode != 0:
        fail(f"--record-gif exited {r.returncode}: {r.stderr.strip()}")
        return
    img = Image.open(path)
    print(f"{path}: {img.format} {img.size} {img.n_frames} frames, loop {img.info.get('loop')}")
    if img.format != "GIF":
        fail(f"not a GIF: {img.format}")
    if img.n_frames != last - first + 1:
        fail(f"{img.n_frames} frames, not {last - first + 1} (one per step {first}..{last})")
    # 1280x800 scaled to fit a slide (960 wide at most), the aspect kept.
    if img.size != (960, 600):
        fail(f"size {img.size}, not (960, 600)")
    if img.info.get("loop") != 0:
        fail(f"the GIF does not loop for ever: loop={img.info.get('loop')}")
    frames = []
    for k in range(img.n_frames):
        img.seek(k)
        frames.append(img.convert("RGB").tobytes())
        if k == 0:
            img.convert("RGB").save(os.path.join(out_dir, "steps-frame0.png"))
    distinct = len(set(frames))
    print(f"{distinct} distinct frames")
    if distinct < img.n_frames // 2:
        fail(f"only {distinct} distinct frames of {img.n_frames}: the steps do not show")
    # Shift+F12 in the app: a frame for each move the user makes (here the
    # start, two steps and a label), Shift+F12 again saves it in the pictures folder.
    snaps = os.path.join(out_dir, "snapshots")
    moves = "; ".join(["press Shift+F12"] + [f"wait; wait 2; {m}" for m in ("step", "step", "next-label")]
                      + ["wait; wait 2; press Shift+F12; wait 3; quit"])
    r = app_run(app, ["--snapshot-dir", snaps, "--commands", moves])
    gifs = [f for f in os.listdir(snaps) if f.endswith(".gif")] if os.path.isdir(snaps) else []
    if r.returncode != 0 or len(gifs) != 1:
        fail(f"Shift+F12: status {r.returncode}, {gifs}, {r.stderr.strip()}")
    else:
        shot = Image.open(os.path.join(snaps, gifs[0]))
        print(f"Shift+F12: {gifs[0]} {shot.size} {shot.n_frames} frames")
        if shot.n_frames != 4 or shot.size != (960, 600):
            fail(f"Shift+F12: {shot.n_frames} frames of {shot.size}, not 4 of (960, 600)")
    # A bad range is one line and status 2, before any window.
    r = app_run(app, ["--record-gif", path, "40..20"])
    if r.returncode != 2 or "--record-gif" not in r.stderr or r.stderr.count("\n") != 1:
        fail(f"a backward range: status {r.returncode}, {r.stderr!r}")


def test_handout(app, cli, walk, out_dir):
    d = os.path.join(out_dir, "handout")
    r = app_run(app, ["--walkthrough", walk, "--handout", d])
    if r.returncode != 0:
        fail(f"--handout exited {r.returncode}: {r.stderr.strip()}")
        return
    index = os.path.join(d, "index.html")
    with open(index, encoding="utf-8") as f:
        page = f.read()
    images = [part.split('"', 1)[0] for part in page.split('<img src="')[1:]]
    w = json.loads(subprocess.run([cli, "walk", "--json", walk], capture_output=True,
                                  text=True).stdout)
    runs = w["walkthroughs"][0]["runs"]
    print(f"{index}: {len(page)} bytes, {len(images)} screenshots, {len(runs)} era(s)")
    if not images:
        fail("no screenshots in index.html")
    for name in images:
        p = os.path.join(d, html.unescape(name))
        if not os.path.exists(p):
            fail(f"{name}: named in index.html, not written")
            continue
        im = Image.open(p)
        if im.format != "PNG" or im.size != (1280, 800):
            fail(f"{name}: {im.format} {im.size}, not a 1280x800 PNG")
    # Every say step's words are in the handout (as plain text, HTML-escaped).
    text = html.unescape(page)
    said = 0
    for run in runs:
        for step in run["steps"]:
            if step["kind"] != "say" or step["skipped"]:
                continue
            for line in step["narration_plain"].splitlines():
                line = line.strip()
                if not line:
                    continue
                said += 1
                if line not in text:
                    fail(f"the narration line {line!r} is not in index.html")
    print(f"{said} narration lines found")
    if said == 0:
        fail("the walkthrough said nothing?")
    # A paragraph flows as in the tour: a forced break comes only before a
    # list item or an indented line, never in the middle of a sentence.
    for m in re.finditer(r"<br>\n(.*)", page):
        nxt = html.unescape(m.group(1))
        if not re.match(r"(\s|[-*] |\d+\. )", nxt):
            fail(f"a line break in the middle of a paragraph, before {nxt[:60]!r}")
            break


SCENARIO_FILE = """# A slowpath scenario: the setup part of a walkthrough.
era: rfc
program:
  syscall: getpid
setup:
  - {inject: [SIGPENDING, NOTIFY_RESUME], at: exit}
  - {tamper: {rcx: 0x800000000000}}
at: decision
"""
SCENARIO_LINE = ("slowpath:rfc/getpid/SIGPENDING@exit/NOTIFY_RESUME@exit/"
                 "tamper:rcx=0x800000000000/at=decision")


def primary(state):
    pane = state["panes"][0] if "panes" in state else state
    return pane


def test_scenario_file(app, out_dir):
    path = os.path.join(out_dir, "scenario.yaml")
    with open(path, "w") as f:
        f.write(SCENARIO_FILE)
    states = {}
    for how, args in {
        "line": [SCENARIO_LINE],
        "file argument": [path],
        "open command": ["--commands", f"open {path}"],
    }.items():
        dump = os.path.join(out_dir, how.replace(" ", "-") + ".json")
        r = app_run(app, args + ["--dump-state", dump])
        if r.returncode != 0:
            fail(f"{how}: exited {r.returncode}: {r.stderr.strip()}")
            continue
        with open(dump) as f:
            p = primary(json.load(f))
        states[how] = p
        s = p["scenario"]
        print(f"{how}: {s['era']} {s['syscall_name']} {s['injections']} {s['tampers']} step {p['step']}")
    if "line" not in states:
        return
    want = states["line"]
    if want["scenario"]["era"] != "rfc" or sorted(want["scenario"]["injections"]) != [
            "NOTIFY_RESUME@exit", "SIGPENDING@exit"]:
        fail(f"the line itself: {want['scenario']}")
    for how, got in states.items():
        for key in ("era", "syscall", "injections", "tampers", "signal_action", "bad_pointer"):
            if got["scenario"][key] != want["scenario"][key]:
                fail(f"{how}: {key} {got['scenario'][key]!r}, the line gives {want['scenario'][key]!r}")
        if got["step"] != want["step"]:
            fail(f"{how}: at step {got['step']}, the line's point is step {want['step']}")
    # A broken file: one line naming the file, status 2.
    bad = os.path.join(out_dir, "bad.yaml")
    with open(bad, "w") as f:
        f.write("era: rfc\nsetup:\n  - {inject: NO_SUCH_FLAG, at: exit}\n")
    r = app_run(app, [bad])
    if r.returncode != 2 or bad not in r.stderr or r.stderr.count("\n") != 1:
        fail(f"a bad scenario file: status {r.returncode}, {r.stderr!r}")


def main():
    what = sys.argv[1]
    out_dir = os.environ.get("KEEP_TEST_DIR") or tempfile.mkdtemp(prefix="slowpath-keep-")
    os.makedirs(out_dir, exist_ok=True)
    if what == "gif":
        test_gif(sys.argv[2], sys.argv[3], out_dir)
    elif what == "handout":
        test_handout(sys.argv[2], sys.argv[3], sys.argv[4], out_dir)
    elif what == "scenario-file":
        test_scenario_file(sys.argv[2], out_dir)
    else:
        sys.exit(f"unknown test {what}")
    print("output in", out_dir)
    sys.exit(1 if failures else 0)


main()
