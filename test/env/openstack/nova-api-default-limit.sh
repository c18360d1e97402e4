#!/usr/bin/env bash
# nova-api-default-limit.sh - a second Nova API of the test cloud on the same databases (port 8775), with Nova's
# default page size ([api] max_limit = 1000) instead of the rig's 50 (which the flavor-paging tests need): `start`
# prints its /v2.1 URL, `stop`. For bench/audit.mjs: the test cloud's servers are build requests, and Nova lists
# those by loading every one of them for every page, so a page costs as much as the whole list; at 50 a page,
# 2,000 servers take 40 such pages. down.sh stops it too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/second-api.sh"
PORT="${WD_NOVA_DEFAULT_LIMIT_PORT:-8775}"
PID="$STATE/run/nova-default-limit.pid"
CONF="$STATE/etc/nova-default-limit"

case "${1:-}" in
  start)
    [ -e "$STATE/etc/nova/nova.conf" ] || die "the test cloud is not set up (run up.sh)"
    stop_pidfile "$PID"
    rm -rf "$CONF"; cp -r "$STATE/etc/nova" "$CONF"
    sed -i "s/^max_limit = .*/max_limit = 1000/; s#^log_file = .*#log_file = $STATE/log/nova-default-limit.log#" "$CONF/nova.conf"
    # the same uwsgi set-up as up.sh's Nova (one process, one thread: sqlite; the close header: see up.sh)
    setsid /usr/bin/uwsgi_python3 --master --lazy-apps --enable-threads --die-on-term --need-app --buffer-size 65535 \
      --no-orphans --disable-logging --add-header "Connection: close" --processes 1 --threads 1 \
      --http-socket "127.0.0.1:$PORT" --wsgi-file "$STATE/etc/nova/nova-api-wsgi.py" --env "OS_NOVA_CONFIG_DIR=$CONF" \
      >>"$STATE/log/nova-default-limit.stdout" 2>&1 </dev/null &
    echo $! > "$PID"
    ready_or_die "http://127.0.0.1:$PORT/" "$PID" "http://127.0.0.1:$PORT/v2.1" "$STATE/log/nova-default-limit.stdout" ;;
  stop) stop_pidfile "$PID" ;;
  *) die "usage: $0 start | stop" ;;
esac
