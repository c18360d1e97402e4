#!/usr/bin/env bash
# glance-protected.sh - a second Glance API of the test cloud, on the same database and image store, started with
# a property-protections file: `start FILE roles|policies` (port 9293), `stop`. The rig's own Glance (9292) keeps
# running unprotected for every other test; this one is what `wd policy export --glance-property-protections` is
# tested on. down.sh stops it too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/second-api.sh"
PORT="${WD_GLANCE_PROTECTED_PORT:-9293}"
PID="$STATE/run/glance-protected.pid"

case "${1:-}" in
  start)
    file=$(realpath "${2:?usage: start FILE roles|policies}"); format="${3:-roles}"
    [ -e "$STATE/etc/glance/glance-api.conf" ] || die "the test cloud is not set up (run up.sh)"
    stop_pidfile "$PID"
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
    ready_or_die "http://127.0.0.1:$PORT/healthcheck" "$PID" "http://127.0.0.1:$PORT" "$STATE/log/glance-protected.log" ;;
  stop) stop_pidfile "$PID" ;;
  *) die "usage: $0 start FILE roles|policies | stop" ;;
esac
