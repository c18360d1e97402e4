#!/usr/bin/env bash
# down.sh [NAME...] - stop the services started by up.sh (or only those named), by the PIDs it recorded.
# Each service was started with setsid, so its PID is also its process-group id:
# we signal that group (the uwsgi master + workers, or glance-api + children).
# State (databases, keys, images) is kept; `rm -rf "$WD_OS_STATE"` for a clean slate.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${WD_OS_STATE:-$HERE/../../../.work/openstack}"
# A live (not zombie) process in group $1. The whole group, not its leader only: a uwsgi worker that outlives its
# master still holds the service's port, and a restart (oidc/fed-up.sh) then finds the port taken.
group_alive() { ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ {found = 1} END {exit !found}'; }
# With names (down.sh keystone), only those services: oidc/fed-up.sh restarts keystone so. Without, all of them,
# the compute half first: its services, its domains, its RabbitMQ.
if [ $# -gt 0 ]; then
  names=("$@")
else
  bash "$HERE/compute.sh" stop
  names=(nova-default-limit glance-protected apache-fed idp placement neutron nova glance keystone)
fi
for name in "${names[@]}"; do
  f="$STATE/run/$name.pid"
  [ -s "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null && [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then
    kill -TERM -- "-$pid" 2>/dev/null
    for _ in $(seq 1 50); do group_alive "$pid" || break; sleep 0.2; done
    if group_alive "$pid"; then
      echo "down.sh: $name (pgid $pid) still alive after 10s, sending KILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null
      for _ in $(seq 1 25); do group_alive "$pid" || break; sleep 0.2; done
    fi
    echo "stopped $name (pid $pid)"
  else
    echo "$name: recorded pid $pid not running (or not ours)"
  fi
  rm -f "$f"
done
