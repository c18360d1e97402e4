#!/usr/bin/env bash
# rabbitmq.sh - a real RabbitMQ for the tests (Debian's rabbitmq-server, in the foreground, as the rabbitmq user, with
# its own node name, ports and directories, all on 127.0.0.1, beside any broker the machine already runs).
#   start DIR PORT   starts it (or restarts it on the same data) and prints the URL amqp://guest:guest@127.0.0.1:PORT/
#   stop DIR         stops it cleanly (rabbitmqctl stop), or kills it
#   ctl DIR ARGS...  rabbitmqctl ARGS on that broker (what an operator runs: a policy, say)
# The Erlang distribution port is PORT+20000; epmd, which every local Erlang node shares, listens on 127.0.0.1 only.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
die() { echo "rabbitmq.sh: $*" >&2; exit 1; }
cmd="${1:-}"; dir="${2:-}"; port="${3:-}"
[ -n "$dir" ] || die "usage: $0 start DIR PORT | stop DIR | ctl DIR ARGS..."
dir=$(realpath -m "$dir")
server=/usr/lib/rabbitmq/bin/rabbitmq-server
ctl=/usr/lib/rabbitmq/bin/rabbitmqctl
as_rabbit() {
  # the node's own environment: its name, ports, dirs and Erlang cookie (under HOME) are this rig's alone
  runuser -u rabbitmq -- env HOME="$dir/home" RABBITMQ_NODENAME="$(cat "$dir/node")" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$(cat "$dir/port")" \
    RABBITMQ_DIST_PORT="$(( $(cat "$dir/port") + 20000 ))" ERL_EPMD_ADDRESS=127.0.0.1 "$@"
}

stop() {
  [ -s "$dir/node" ] || return 0
  if [ -s "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    as_rabbit timeout 30 "$ctl" -q stop >/dev/null 2>&1 || true
    local pid; pid=$(cat "$dir/pid")
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

case "$cmd" in
  start)
    [ -n "$port" ] || die "usage: $0 start DIR PORT"
    [ -x "$server" ] || die "rabbitmq-server is missing: apt-get install rabbitmq-server (scripts/install-deps.sh does)"
    id rabbitmq >/dev/null 2>&1 || die "no rabbitmq user: the rabbitmq-server package creates it"
    [ -s "$dir/node" ] && stop
    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
    echo "wd$port@localhost" > "$dir/node"
    echo "$port" > "$dir/port"
    cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
loopback_users.guest = false
log.console = true
log.file = false
CONF
    echo "[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}]." > "$dir/advanced.config"
    echo "[]." > "$dir/enabled_plugins"
    chown -R rabbitmq: "$dir"
    chmod 0755 "$dir"
    # no descriptor of the caller's may stay with the server (a caller reading our output would wait forever);
    # from DIR, where the server writes a crash dump if it has one
    cd "$dir"
    as_rabbit setsid "$server" >"$dir/server.log" 2>&1 </dev/null &
    echo $! > "$dir/pid"
    for _ in $(seq 1 600); do
      if as_rabbit "$ctl" -q await_startup >/dev/null 2>&1; then
        echo "amqp://guest:guest@127.0.0.1:$port/"; exit 0
      fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { tail -30 "$dir/server.log" >&2; die "rabbitmq-server ended"; }
      sleep 0.1
    done
    tail -30 "$dir/server.log" >&2; die "rabbitmq-server did not start on 127.0.0.1:$port" ;;
  stop) stop ;;
  ctl) shift 2; as_rabbit "$ctl" -q "$@" ;;
  *) die "usage: $0 start DIR PORT | stop DIR | ctl DIR ARGS..." ;;
esac
