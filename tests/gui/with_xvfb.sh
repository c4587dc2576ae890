#!/usr/bin/env bash
# Runs a command under an X server of its own, for the GUI tests:
#
#   with_xvfb.sh [-a] [-n N] [-s 'SERVER ARGS'] COMMAND [ARGS...]
#
# the options xvfb-run takes (-a and -n are accepted and ignored: the
# server picks a free display itself). Unlike xvfb-run it cannot hang when
# the server is ready before it waits for it, nor turn the command's status
# into its own: it waits for the display number the server writes once it
# listens (-displayfd), exits with the command's status, and stops the
# server on any exit, SIGTERM included. When the server does not start it
# says so on stderr ("with_xvfb: error: ...") and exits 75.
set -u
server_args="-screen 0 1280x1024x24"
while [ $# -gt 0 ]; do
  case "$1" in
    -a) shift ;;
    -n) shift 2 ;;
    -s) server_args="$2"; shift 2 ;;
    --) shift; break ;;
    -*) echo "with_xvfb: error: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "with_xvfb: error: no command" >&2
  exit 2
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/with_xvfb.XXXXXX") || exit 75
server=""
child=""
cleanup() {
  [ -n "$child" ] && kill "$child" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# shellcheck disable=SC2086  # the server's arguments are words
Xvfb -displayfd 3 -nolisten tcp $server_args 3>"$dir/display" 2>"$dir/server.log" &
server=$!
display=""
for _ in $(seq 1 600); do  # up to 60 s on a loaded machine
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  display=$(head -n 1 "$dir/display" 2>/dev/null)
  [ -n "$display" ] && break
  sleep 0.1
done
if [ -z "$display" ]; then
  echo "with_xvfb: error: Xvfb did not start: $(tr '\n' ' ' <"$dir/server.log" | cut -c1-300)" >&2
  exit 75
fi

# No access control is set up: the server listens on a local socket only.
export DISPLAY=":$display"
export XAUTHORITY="$dir/Xauthority"
: >"$XAUTHORITY"
# In the background so that a SIGTERM runs the trap at once (bash waits for
# a foreground child first); stdin passed on explicitly, as a background
# command would otherwise read /dev/null.
"$@" <&0 &
child=$!
wait "$child"
status=$?
child=""
exit "$status"
