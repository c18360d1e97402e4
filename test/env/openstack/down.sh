#!/usr/bin/env bash
# down.sh - stop the services started by up.sh, by the PIDs it recorded.
# Each service was started with setsid, so its PID is also its process-group id:
# we signal that group (the uwsgi master + workers, or glance-api + children).
# State (databases, keys, images) is kept; `rm -rf "$WD_OS_STATE"` for a clean slate.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${WD_OS_STATE:-$HERE/../../../.work/openstack}"
# the compute half first: its services, its domains, its RabbitMQ
bash "$HERE/compute.sh" stop
for name in nova-default-limit glance-protected apache-fed idp placement neutron nova glance keystone; do
  f="$STATE/run/$name.pid"
  [ -s "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null && [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then
    kill -TERM -- "-$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "down.sh: $name (pgid $pid) still alive after 10s, sending KILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null
    fi
    echo "stopped $name (pid $pid)"
  else
    echo "$name: recorded pid $pid not running (or not ours)"
  fi
  rm -f "$f"
done
