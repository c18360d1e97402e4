# second-api.sh - sourced by the scripts that start a second API of the test cloud beside up.sh's (same state):
# glance-protected.sh, nova-api-default-limit.sh, compute.sh. The environment, the state dir, stopping by pid file,
# waiting.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV || true
STATE="${WD_OS_STATE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../../.work/openstack}"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# stops the process group a pid file names (started with setsid), TERM then KILL
stop_pidfile() {
  local file=$1 pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$file"
}

# waits up to 60 s for URL to answer 200 while the pid file's process lives; prints PRINT once it does
ready_or_die() {
  local url=$1 file=$2 print=$3 log=$4 code
  for _ in $(seq 1 240); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [ "$code" = 200 ] && { echo "$print"; exit 0; }
    kill -0 "$(cat "$file")" 2>/dev/null || { tail -n 30 "$log" >&2 || true; die "it died at start (see $log)"; }
    sleep 0.25
  done
  die "$url not ready after 60 s"
}
