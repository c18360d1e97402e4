#!/usr/bin/env bash
# nova-api-default-limit.sh - a second Nova API of the test cloud on the same databases (port 8775), with Nova's
# default page size ([api] max_limit = 1000) instead of the rig's 50 (which the flavor-paging tests need): `start`
# prints its /v2.1 URL, `stop`. For bench/audit.mjs: the test cloud's servers are build requests, and Nova lists
# those by loading every one of them for every page, so a page costs as much as the whole list; at 50 a page,
# 2,000 servers take 40 such pages. down.sh stops it too.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV || true
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${WD_OS_STATE:-$HERE/../../../.work/openstack}"
PORT="${WD_NOVA_DEFAULT_LIMIT_PORT:-8775}"
PID="$STATE/run/nova-default-limit.pid"
CONF="$STATE/etc/nova-default-limit"
die() { echo "nova-api-default-limit.sh: $*" >&2; exit 1; }

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
    [ -e "$STATE/etc/nova/nova.conf" ] || die "the test cloud is not set up (run up.sh)"
    stop
    rm -rf "$CONF"; cp -r "$STATE/etc/nova" "$CONF"
    sed -i "s/^max_limit = .*/max_limit = 1000/; s#^log_file = .*#log_file = $STATE/log/nova-default-limit.log#" "$CONF/nova.conf"
    # the same uwsgi set-up as up.sh's Nova (one process, one thread: sqlite; the close header: see up.sh)
    setsid /usr/bin/uwsgi_python3 --master --lazy-apps --enable-threads --die-on-term --need-app --buffer-size 65535 \
      --no-orphans --disable-logging --add-header "Connection: close" --processes 1 --threads 1 \
      --http-socket "127.0.0.1:$PORT" --wsgi-file "$STATE/etc/nova/nova-api-wsgi.py" --env "OS_NOVA_CONFIG_DIR=$CONF" \
      >>"$STATE/log/nova-default-limit.stdout" 2>&1 </dev/null &
    echo $! > "$PID"
    for _ in $(seq 1 240); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/" || true)
      [ "$code" = 200 ] && { echo "http://127.0.0.1:$PORT/v2.1"; exit 0; }
      kill -0 "$(cat "$PID")" 2>/dev/null || die "nova-api died at start (see $STATE/log/nova-default-limit.*)"
      sleep 0.25
    done
    die "nova-api on $PORT not ready after 60s" ;;
  stop) stop ;;
  *) die "usage: $0 start | stop" ;;
esac
