#!/usr/bin/env bash
# rsyslog.sh - a real syslog daemon for the tests (Debian's rsyslog, in the foreground, as its own process): it
# listens on a unix socket of its own (not /dev/log) and writes every message, with its app name and RFC 5424
# structured data, to a file. `start DIR` prints the socket's path; `stop DIR`.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
die() { echo "rsyslog.sh: $*" >&2; exit 1; }
cmd="${1:-}"; dir="${2:-}"
[ -n "$dir" ] || die "usage: $0 start|stop DIR"
dir=$(realpath -m "$dir")

stop() {
  [ -s "$dir/rsyslog.pid" ] || return 0
  local pid; pid=$(cat "$dir/rsyslog.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/rsyslog.pid"
}

case "$cmd" in
  start)
    command -v rsyslogd >/dev/null || die "rsyslogd is missing: apt-get install rsyslog (scripts/install-deps.sh does)"
    stop
    mkdir -p "$dir/work"
    : > "$dir/messages"
    # the regular parsers (not imuxsock's special one), so an RFC 5424 message keeps its structured data
    cat > "$dir/rsyslog.conf" <<CONF
global(workDirectory="$dir/work")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$dir/log.sock" UseSpecialParser="off" ParseHostname="on" CreatePath="on")
template(name="wd" type="list") {
  property(name="syslogfacility-text") constant(value=".") property(name="syslogseverity-text") constant(value=" ")
  property(name="app-name") constant(value=" ") property(name="structured-data") constant(value=" ")
  property(name="msg" droplastlf="on") constant(value="\n")
}
*.* action(type="omfile" file="$dir/messages" template="wd")
CONF
    rsyslogd -N1 -f "$dir/rsyslog.conf" >/dev/null 2>"$dir/check.log" || { cat "$dir/check.log" >&2; die "bad config"; }
    setsid rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslog.pid" >"$dir/rsyslog.log" 2>&1 </dev/null &
    for _ in $(seq 1 100); do
      [ -S "$dir/log.sock" ] && [ -s "$dir/rsyslog.pid" ] && { echo "$dir/log.sock"; exit 0; }
      sleep 0.1
    done
    cat "$dir/rsyslog.log" >&2; die "rsyslogd did not open $dir/log.sock" ;;
  stop) stop ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
