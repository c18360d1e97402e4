#!/usr/bin/env bash
# compute.sh - the compute half of wd's test cloud: a Nova whose instances boot, beside up.sh's API-only one.
#   start   (up.sh runs it unless WD_OS_API_ONLY=1; needs up.sh's services and test/env/libvirt/libvirtd.sh)
#   stop    (down.sh runs it): the services, then every domain this Nova made
#
# Region RegionTwo of the same Keystone: its own Nova (API on 8784, metadata API on 8785, nova-conductor,
# nova-scheduler, nova-compute with the libvirt driver on QEMU/TCG against the rig's libvirtd, a cell with host
# discovery), its databases on a MariaDB of its own (127.0.0.1:3307) and a RabbitMQ of its own (127.0.0.1:5680) as
# its transport; Glance, Neutron, Placement and Keystone are up.sh's, listed in RegionTwo too. Why a second Nova
# rather than RabbitMQ under the first: the first Nova's servers must stay build requests (the audit tests set states
# in them, the audit bench makes 2,000 of them); here they boot.
# The metadata API is asked as Neutron's metadata proxy asks it (X-Instance-ID and its HMAC signature with the
# shared secret in $STATE/run/metadata-secret), and its DynamicJSON vendordata target `cloud-init` (the one key of
# vendor_data2.json cloud-init reads) is wd serve at http://127.0.0.1:${WD_VENDORDATA_PORT:-8790}/v1/vendordata, sent
# Nova's service token ([vendordata_dynamic_auth]), as the README tells operators. Guests get a config drive when
# they ask for one (genisoimage writes it): the rig's guests have no network.
set -euo pipefail
shopt -s inherit_errexit
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# what the scripts that start services beside up.sh's share: the environment, $STATE, die, stop_pidfile
source "$HERE/second-api.sh"
mkdir -p "$STATE"; STATE="$(cd "$STATE" && pwd)"
PY=/usr/bin/python3
HOST=127.0.0.1
API_PORT=8784; META_PORT=8785; BUS_PORT=5680; VENDOR_PORT="${WD_VENDORDATA_PORT:-8790}"
REGION=RegionTwo; COMPUTE_HOST=wd-compute
KS_URL="http://$HOST:5000/v3"
ADMIN_PASSWORD="${WD_OS_ADMIN_PASSWORD:-admin-secret}"
SERVICE_PASSWORD="${WD_OS_SERVICE_PASSWORD:-service-secret}"
ETC="$STATE/etc/nova-compute"; CS="$STATE/compute"; LOG="$STATE/log"; RUN="$STATE/run"
CONF="$ETC/nova.conf"
# the broker's and the database's dirs: their users (rabbitmq, mysql) must reach them, and $STATE is root's alone
STATE_ID=$(printf '%s' "$STATE" | md5sum | cut -c1-8)
BUS_DIR="/var/tmp/wd-nova-bus-$STATE_ID"; DB_DIR="/var/tmp/wd-nova-db-$STATE_ID"
DB_PORT=3307; DB_SOCK="$DB_DIR/mysqld.sock"
DB_PASSWORD="${WD_OS_SERVICE_PASSWORD:-service-secret}"
DB="mysql+pymysql://nova:$DB_PASSWORD@$HOST:$DB_PORT"
# the services, in the order they start (stop goes the other way)
SERVICES=(nova-cmp-api nova-cmp-metadata nova-conductor nova-scheduler nova-compute)

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '[compute %6ss] %s\n' "$(elapsed "$T0")" "$*" >&2; }
pid_alive() { local f="$RUN/$1.pid"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
sql() { mariadb --socket="$DB_SOCK" -N -B "$@"; }

stop_all() {
  local i
  for (( i=${#SERVICES[@]}-1; i>=0; i-- )); do stop_pidfile "$RUN/${SERVICES[$i]}.pid"; done
  # the domains this Nova made (instance-XXXXXXXX), so no guest outlives the rig
  if virsh -c qemu:///system version >/dev/null 2>&1; then
    for d in $(virsh -c qemu:///system list --all --name | grep '^instance-' || true); do
      virsh -c qemu:///system destroy "$d" >/dev/null 2>&1 || true
      virsh -c qemu:///system undefine "$d" --nvram >/dev/null 2>&1 || virsh -c qemu:///system undefine "$d" >/dev/null 2>&1 || true
      echo "removed domain $d"
    done
  fi
  [ -s "$BUS_DIR/node" ] && bash "$HERE/../rabbitmq/rabbitmq.sh" stop "$BUS_DIR"
  rm -f "$RUN/nova-cmp-bus.pid"
  # MariaDB ends cleanly on TERM
  if [ -s "$DB_DIR/mysqld.pid" ]; then
    local pid; pid=$(cat "$DB_DIR/mysqld.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$DB_DIR/mysqld.pid"
  fi
  return 0
}

case "${1:-}" in
  stop) stop_all; exit 0 ;;
  start) ;;
  *) die "usage: $0 start|stop" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root"
# nova-compute's libvirt driver needs libvirt's Python binding, qemu-img and genisoimage (config drives); Nova's
# databases are MariaDB's (the server and client cores only: no init script, no service of the machine's); the rest
# came with up.sh
missing=()
for p in python3-libvirt qemu-utils genisoimage mariadb-server-core mariadb-client-core python3-pymysql; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
  --no-install-recommends "${missing[@]}" >&2
virsh -c qemu:///system version >/dev/null 2>&1 || die "no libvirtd: run test/env/libvirt/libvirtd.sh start first"

mkdir -p "$ETC" "$CS/instances" "$BUS_DIR" "$LOG" "$RUN" "$STATE/lock"
[ -s "$RUN/metadata-secret" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$RUN/metadata-secret")
SECRET=$(cat "$RUN/metadata-secret")

if ! pid_alive nova-cmp-bus; then
  bash "$HERE/../rabbitmq/rabbitmq.sh" start "$BUS_DIR" "$BUS_PORT" >/dev/null
  cp "$BUS_DIR/pid" "$RUN/nova-cmp-bus.pid"
  log "RabbitMQ on $HOST:$BUS_PORT"
fi

# MariaDB for Nova's databases, as its own user: three Nova services writing sqlite files collided ("database is
# locked": sqlite refuses a write whose read snapshot another process outdated, and no busy timeout helps)
getent passwd mysql >/dev/null || useradd --system --no-create-home -d /nonexistent -s /usr/sbin/nologin mysql
mkdir -p "$DB_DIR"; chown mysql: "$DB_DIR"; chmod 0700 "$DB_DIR"
if [ ! -d "$DB_DIR/data/mysql" ]; then
  rm -f "$RUN/nova-cmp.initialized"   # new databases: Nova's are made again below
  mariadb-install-db --no-defaults --user=mysql --datadir="$DB_DIR/data" --auth-root-authentication-method=socket \
    --skip-test-db >"$LOG/mariadb-install.log" 2>&1 || { cat "$LOG/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
fi
if ! { [ -s "$DB_DIR/mysqld.pid" ] && kill -0 "$(cat "$DB_DIR/mysqld.pid")" 2>/dev/null; }; then
  # its log beside its data: the mysql user cannot write under $STATE
  setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$DB_DIR/data" --socket="$DB_SOCK" --port=$DB_PORT \
    --bind-address=$HOST --skip-name-resolve --pid-file="$DB_DIR/mysqld.pid" --log-error="$DB_DIR/mariadb.log" \
    --max-connections=500 </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 150); do sql -e 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  sql -e 'select 1' >/dev/null || { tail -20 "$DB_DIR/mariadb.log" >&2; die "MariaDB did not start"; }
  log "MariaDB on $HOST:$DB_PORT"
fi
TRANSPORT="rabbit://guest:guest@$HOST:$BUS_PORT/"

SERVICE_AUTH() {
cat <<EOF
auth_type = password
auth_url = http://$HOST:5000
user_domain_name = Default
project_domain_name = Default
project_name = service
username = nova
password = $SERVICE_PASSWORD
EOF
}
CLIENT() { printf '[%s]\n%s\nregion_name = RegionOne\nvalid_interfaces = public\n' "$1" "$(SERVICE_AUTH)"; }

cat > "$CONF" <<EOF
[DEFAULT]
transport_url = $TRANSPORT
host = $COMPUTE_HOST
my_ip = $HOST
state_path = $CS
instances_path = $CS/instances
compute_driver = libvirt.LibvirtDriver
debug = true
# one host: a resize goes to the same host
allow_resize_to_same_host = true
# the audit tests look at instances soon after a state change
sync_power_state_interval = 5
heal_instance_info_cache_interval = -1
[quota]
# the tests boot a dozen guests at once (128 MiB each)
instances = 50
cores = 100
ram = 65536
[api]
auth_strategy = keystone
vendordata_providers = StaticJSON,DynamicJSON
vendordata_dynamic_targets = cloud-init@http://$HOST:$VENDOR_PORT/v1/vendordata
vendordata_dynamic_connect_timeout = 3
vendordata_dynamic_read_timeout = 5
[vendordata_dynamic_auth]
$(SERVICE_AUTH)
[wsgi]
api_paste_config = $ETC/api-paste.ini
[api_database]
connection = $DB/nova_cmp_api
[database]
connection = $DB/nova_cmp_cell1
[conductor]
workers = 1
[scheduler]
workers = 1
[libvirt]
virt_type = qemu
connection_uri = qemu:///system
cpu_mode = none
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[oslo_messaging_notifications]
driver = noop
[cinder]
os_region_name = RegionOne
# as root, privsep's helper runs directly (no sudo, no rootwrap)
[nova_sys_admin]
helper_command = privsep-helper --config-file $CONF
[privsep_osbrick]
helper_command = privsep-helper --config-file $CONF
$(CLIENT glance)
$(CLIENT neutron)
service_metadata_proxy = true
metadata_proxy_shared_secret = $SECRET
$(CLIENT placement)
[keystone_authtoken]
www_authenticate_uri = http://$HOST:5000
$(SERVICE_AUTH)
service_token_roles_required = true
token_cache_time = -1
EOF
# the API's paste pipeline is up.sh's, plus the metadata API's (from nova-common's api-paste.ini)
{ cat "$STATE/etc/nova/api-paste.ini"; cat <<'EOF'
[composite:metadata]
use = egg:Paste#urlmap
/: meta
[pipeline:meta]
pipeline = cors http_proxy_to_wsgi metaapp
[app:metaapp]
paste.app_factory = nova.api.metadata.handler:MetadataRequestHandler.factory
EOF
} > "$ETC/api-paste.ini"
printf 'from nova.api.openstack.compute.wsgi import init_application\napplication = init_application()\n' > "$ETC/api-wsgi.py"
printf 'from nova.api.metadata.wsgi import init_application\napplication = init_application()\n' > "$ETC/metadata-wsgi.py"

nova_manage() { $PY -c 'import sys; from nova.cmd.manage import main; sys.exit(main())' --config-file "$CONF" "$@"; }

# an admin token, for the catalog below and for placement
TOK=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$KS_URL/auth/tokens" -d "$(jq -n --arg p "$ADMIN_PASSWORD" \
  '{auth:{identity:{methods:["password"],password:{user:{name:"admin",domain:{id:"default"},password:$p}}},scope:{project:{name:"admin",domain:{id:"default"}}}}}')" \
  | awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\r')
[ -n "$TOK" ] || die "no admin token from Keystone (is up.sh's cloud running?)"
ks() { curl -sf -X "$1" -H "X-Auth-Token: $TOK" -H 'Content-Type: application/json' "$KS_URL$2" ${3:+--data "$3"}; }

if [ ! -e "$RUN/nova-cmp.initialized" ]; then
  # a compute node of new databases gets a new uuid: a resource provider of an earlier one (same hypervisor name)
  # would refuse it, so it goes, with what it still holds
  PL="http://$HOST:8778"
  for rp in $(curl -sf -H "X-Auth-Token: $TOK" "$PL/resource_providers?name=$(hostname)" | jq -r '.resource_providers[].uuid'); do
    for c in $(curl -sf -H "X-Auth-Token: $TOK" "$PL/resource_providers/$rp/allocations" | jq -r '.allocations | keys[]'); do
      curl -sf -X DELETE -H "X-Auth-Token: $TOK" "$PL/allocations/$c" >/dev/null || true
    done
    curl -sf -X DELETE -H "X-Auth-Token: $TOK" "$PL/resource_providers/$rp" >/dev/null || die "cannot remove the stale resource provider $rp"
  done
  t=$(date +%s.%N)
  sql -e "DROP DATABASE IF EXISTS nova_cmp_api; DROP DATABASE IF EXISTS nova_cmp_cell0; DROP DATABASE IF EXISTS nova_cmp_cell1;
    CREATE DATABASE nova_cmp_api; CREATE DATABASE nova_cmp_cell0; CREATE DATABASE nova_cmp_cell1;
    CREATE USER IF NOT EXISTS 'nova'@'$HOST' IDENTIFIED BY '$DB_PASSWORD';
    GRANT ALL ON \`nova\_cmp\_%\`.* TO 'nova'@'$HOST';"
  {
    nova_manage api_db sync
    nova_manage cell_v2 map_cell0 --database_connection "$DB/nova_cmp_cell0"
    nova_manage cell_v2 create_cell --name cell1 --transport-url "$TRANSPORT" \
      --database_connection "$DB/nova_cmp_cell1"
    nova_manage db sync
  } >"$LOG/nova-cmp-manage.log" 2>&1 || { cat "$LOG/nova-cmp-manage.log" >&2; die "nova db init failed"; }
  touch "$RUN/nova-cmp.initialized"
  log "nova db init done in $(elapsed "$t")s"
fi

start_bg() { # name cmd...
  local name=$1; shift
  if pid_alive "$name"; then return 0; fi
  setsid "$@" >>"$LOG/$name.stdout" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  log "started $name pid $!"
}
UWSGI=(/usr/bin/uwsgi_python3 --master --lazy-apps --enable-threads --die-on-term --need-app --buffer-size 65535
       --no-orphans --disable-logging --procname-prefix wd- --add-header "Connection: close" --processes 1 --threads 1)
start_bg nova-cmp-api "${UWSGI[@]}" --http-socket "$HOST:$API_PORT" --wsgi-file "$ETC/api-wsgi.py" --env "OS_NOVA_CONFIG_DIR=$ETC"
start_bg nova-cmp-metadata "${UWSGI[@]}" --http-socket "$HOST:$META_PORT" --wsgi-file "$ETC/metadata-wsgi.py" --env "OS_NOVA_CONFIG_DIR=$ETC"
# nova-conductor, nova-scheduler and nova-compute as Debian's packages start them, from python3-nova (the packages
# themselves are not installed: their postinst scripts want dbconfig and systemd)
for s in conductor scheduler compute; do
  start_bg "nova-$s" $PY -c "import sys; from nova.cmd.$s import main; sys.exit(main())" --config-file "$CONF" --log-file "$LOG/nova-$s.log"
done

wait_http() { # name url
  local code
  for _ in $(seq 1 360); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$2" || true)
    [ "$code" = 200 ] && return 0
    pid_alive "$1" || { tail -n 40 "$LOG/$1".* >&2 || true; die "$1 died during startup"; }
    sleep 0.5
  done
  die "$1 not ready after 180 s (last code $code)"
}
wait_http nova-cmp-api "http://$HOST:$API_PORT/"

# RegionTwo in the catalog: this Nova, and up.sh's Keystone, Glance, Neutron and Placement
ks GET "/regions/$REGION" >/dev/null 2>&1 || ks POST /regions "{\"region\":{\"id\":\"$REGION\"}}" >/dev/null
for pair in "identity $KS_URL/" "compute http://$HOST:$API_PORT/v2.1" "image http://$HOST:9292" "network http://$HOST:9696" "placement http://$HOST:8778"; do
  type=${pair% *}; url=${pair#* }
  sid=$(ks GET "/services?type=$type" | jq -r '.services[0].id // empty'); [ -n "$sid" ] || die "no $type service in Keystone"
  for i in public internal admin; do
    ks GET "/endpoints?service_id=$sid&interface=$i&region_id=$REGION" | jq -e '.endpoints|length>0' >/dev/null ||
      ks POST /endpoints "$(jq -n --arg s "$sid" --arg i "$i" --arg u "$url" --arg r "$REGION" \
        '{endpoint:{service_id:$s,interface:$i,url:$u,region_id:$r,enabled:true}}')" >/dev/null
  done
done

# the compute service registers itself; host discovery maps it to the cell
mapped() { sql -e "select count(*) from nova_cmp_api.host_mappings where host='$COMPUTE_HOST'"; }
for _ in $(seq 1 240); do
  [ "$(mapped)" = 1 ] && break
  nova_manage cell_v2 discover_hosts >>"$LOG/nova-cmp-manage.log" 2>&1 || true
  pid_alive nova-compute || { tail -n 40 "$LOG/nova-compute.log" >&2; die "nova-compute died during startup"; }
  sleep 0.5
done
[ "$(mapped)" = 1 ] || die "$COMPUTE_HOST was not discovered (see $LOG/nova-compute.log)"
wait_http nova-cmp-metadata "http://$HOST:$META_PORT/"

cat > "$STATE/compute.env" <<EOF
WD_COMPUTE_REGION=$REGION
WD_COMPUTE_HOST=$COMPUTE_HOST
WD_COMPUTE_NOVA_URL=http://$HOST:$API_PORT/v2.1
WD_COMPUTE_METADATA_URL=http://$HOST:$META_PORT
WD_COMPUTE_TRANSPORT_URL=$TRANSPORT
WD_COMPUTE_VENDORDATA_PORT=$VENDOR_PORT
EOF
log "compute half ready: region $REGION, host $COMPUTE_HOST"
