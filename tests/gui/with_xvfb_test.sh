#!/usr/bin/env bash
# with_xvfb.sh, the GUI tests' X server: the command sees a working display
# of the size asked for and our stdin, its exit status is kept, and a
# SIGTERM takes the command and the server down at once.
set -u
script="$(dirname "$0")/with_xvfb.sh"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

geometry=$("$script" -s "-screen 0 1234x567x24" xdotool getdisplaygeometry 2>&1)
[ "$geometry" = "1234 567" ] || fail "display geometry: '$geometry'"

"$script" sh -c 'exit 7'
status=$?
[ "$status" -eq 7 ] || fail "exit status 7 came back as $status"

out=$(echo hello | "$script" cat)
[ "$out" = "hello" ] || fail "stdin: '$out'"

# Two at once get two displays.
first=$(mktemp)
"$script" sh -c 'sleep 1; echo $DISPLAY' >"$first" &
second=$("$script" sh -c 'sleep 1; echo $DISPLAY')
wait
[ -n "$second" ] && [ "$(cat "$first")" != "$second" ] ||
  fail "two servers at once: '$(cat "$first")' and '$second'"
rm -f "$first"
pids_file=$(mktemp)
"$script" sh -c 'echo $$ > '"$pids_file"'; exec sleep 60' &
runner=$!
for _ in $(seq 1 100); do [ -s "$pids_file" ] && break; sleep 0.1; done
child=$(cat "$pids_file")
server=$(pgrep -P "$runner" Xvfb)
start=$(date +%s)
kill -TERM "$runner"
wait "$runner"
status=$?
[ "$status" -eq 143 ] || fail "after SIGTERM the status is $status, not 143"
[ $(( $(date +%s) - start )) -le 5 ] || fail "SIGTERM took more than 5 s"
sleep 0.5
kill -0 "$child" 2>/dev/null && fail "the command outlived SIGTERM"
[ -n "$server" ] && kill -0 "$server" 2>/dev/null && fail "Xvfb outlived SIGTERM"
rm -f "$pids_file"
[ "$failed" -eq 0 ] && echo "with_xvfb: all checks passed"
exit "$failed"
