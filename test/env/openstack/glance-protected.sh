#!/usr/bin/env bash
# glance-protected.sh - a second Glance API of the test cloud, on the same database and image store, started with
# a property-protections file: `start FILE roles|policies` (port 9293), `stop`. The rig's own Glance (9292) keeps
# running unprotected for every other test; this one is what `wd policy export --glance-property-protections` is
# tested on. down.sh stops it too.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV || true
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${WD_OS_STATE:-$HERE/../../../.work/openstack}"
PORT="${WD_GLANCE_PROTECTED_PORT:-9293}"
PID="$STATE/run/glance-protected.pid"
die() { echo "glance-protected.sh: $*" >&2; exit 1; }

stop() {
  [ -s "$PID" ] || return 0
  local pid; pid=$(cat "$PID")
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PID"
}

case "${1:-}" in
  start)
    file=$(realpath "${2:?usage: start FILE roles|policies}"); format="${3:-roles}"
    [ -e "$STATE/etc/glance/glance-api.conf" ] || die "the test cloud is not set up (run up.sh)"
    stop
    # oslo.config: a later --config-file overrides an earlier one, so only what differs is written here
    cat > "$STATE/etc/glance/glance-protected.conf" <<CONF
[DEFAULT]
bind_port = $PORT
log_file = $STATE/log/glance-protected.log
property_protection_file = $file
property_protection_rule_format = $format
CONF
    : > "$STATE/log/glance-protected.log"
    setsid /usr/bin/python3 -m glance.cmd.api --config-file "$STATE/etc/glance/glance-api.conf" \
      --config-file "$STATE/etc/glance/glance-protected.conf" >>"$STATE/log/glance-protected.stdout" 2>&1 </dev/null &
    echo $! > "$PID"
    for _ in $(seq 1 240); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/healthcheck" || true)
      [ "$code" = 200 ] && { echo "http://127.0.0.1:$PORT"; exit 0; }
      kill -0 "$(cat "$PID")" 2>/dev/null || { tail -n 30 "$STATE/log/glance-protected.log" >&2; die "glance died at start"; }
      sleep 0.25
    done
    die "glance on $PORT not ready after 60s" ;;
  stop) stop ;;
  *) die "usage: $0 start FILE roles|policies | stop" ;;
esac
