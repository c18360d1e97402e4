#!/usr/bin/env bash
# up.sh - wd's test cloud (adapted from the project's proven reference recipe):
# install (if missing), configure, start and bootstrap a minimal
# OpenStack Zed (Debian 12 packages) for tests: Keystone + Glance API + Nova API, and the
# Neutron and Placement APIs that Nova's API asks when showing and deleting servers;
# bound to 127.0.0.1 only. sqlite databases, oslo.messaging fake:// transport,
# no RabbitMQ / MySQL / nova-compute / conductor / Neutron agents / Apache / systemd: its servers stay build requests.
# Then compute.sh starts the compute half beside it (region RegionTwo: a second Nova whose instances boot, on
# RabbitMQ, with nova-conductor, nova-scheduler, nova-compute on the rig's libvirtd, and Nova's metadata API);
# WD_OS_API_ONLY=1 leaves it out (the quicker API-only rig; the tests then need WD_SKIP_COMPUTE=1).
#
# Idempotent: re-running it with the services up only re-checks and re-prints.
# Everything lives in $WD_OS_STATE (default: <dir of this script>/state).
# Stop with down.sh; reset with: down.sh && rm -rf "$WD_OS_STATE".
#
# Env overrides: WD_OS_STATE, WD_OS_ADMIN_PASSWORD, WD_OS_DEMO_PASSWORD,
# WD_OS_ALT_PASSWORD, WD_OS_SERVICE_PASSWORD, WD_OS_SKIP_INSTALL=1,
# WD_OS_READY_TIMEOUT (seconds, default 180), WD_OS_API_ONLY=1.
set -euo pipefail
shopt -s inherit_errexit

# Never pick up pyenv/virtualenv pythons: the Debian packages live in /usr/bin/python3.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV || true
PY=/usr/bin/python3

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${WD_OS_STATE:-$HERE/../../../.work/openstack}"
mkdir -p "$STATE"; STATE="$(cd "$STATE" && pwd)"
HOST=127.0.0.1
KS_PORT=5000; GLANCE_PORT=9292; NOVA_PORT=8774; NEUTRON_PORT=9696; PLACEMENT_PORT=8778
ADMIN_PASSWORD="${WD_OS_ADMIN_PASSWORD:-admin-secret}"
DEMO_PASSWORD="${WD_OS_DEMO_PASSWORD:-demo-secret}"
ALT_PASSWORD="${WD_OS_ALT_PASSWORD:-alt-secret}"
SERVICE_PASSWORD="${WD_OS_SERVICE_PASSWORD:-service-secret}"
READY_TIMEOUT="${WD_OS_READY_TIMEOUT:-180}"
DEBUG=false; [ "${WD_OS_DEBUG:-0}" = 1 ] && DEBUG=true
KS_URL="http://$HOST:$KS_PORT/v3"

PKGS=(python3-keystone python3-glance python3-nova python3-neutron python3-placement uwsgi-core uwsgi-plugin-python3 sqlite3 curl jq iproute2 procps)

T0=$(date +%s.%N)
die() { echo "up.sh: ERROR: $*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '[up %6ss] %s\n' "$(elapsed "$T0")" "$*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, and services run as root)"

# --------------------------------------------------------------------------
# 1. install (only what is missing)
# --------------------------------------------------------------------------
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] && [ "${WD_OS_SKIP_INSTALL:-0}" != 1 ]; then
  log "installing: ${missing[*]}"
  tI=$(date +%s.%N)
  export DEBIAN_FRONTEND=noninteractive
  # Never let package maintainer scripts start daemons (no systemd PID 1 here anyway).
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  if ! apt-cache policy python3-nova 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get -o DPkg::Lock::Timeout=900 update -qq
  fi
  apt-get -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install -y -qq --no-install-recommends "${PKGS[@]}" >&2
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
  log "install done in $(elapsed "$tI")s"
elif [ "${#missing[@]}" -gt 0 ]; then
  die "missing packages and WD_OS_SKIP_INSTALL=1: ${missing[*]}"
fi

# --------------------------------------------------------------------------
# 2. layout + config files (always (re)written; cheap)
# --------------------------------------------------------------------------
mkdir -p "$STATE"/{etc/keystone,etc/glance,etc/nova,etc/neutron,etc/placement,db,log,run,lock}
mkdir -p "$STATE"/keystone/{fernet-keys,credential-keys,receipt-keys}
mkdir -p "$STATE"/glance/{images,staging,tasks} "$STATE"/nova
chmod 700 "$STATE"

# keystoneauth password options of a service user ($1), as every section that talks to Keystone takes them
SERVICE_AUTH() {
cat <<EOF
auth_type = password
auth_url = http://$HOST:$KS_PORT
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
EOF
}
AUTHTOKEN() { # $1 = service user name
cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$HOST:$KS_PORT
$(SERVICE_AUTH "$1")
# no memcached: tokens cached in-process
service_token_roles_required = true
# no token cache in the APIs: wd's tests revoke tokens and expect Nova and Glance to refuse them at once
token_cache_time = -1
EOF
}
# Nova's client section [$1] for another service's API, as Nova's own service user
NOVA_CLIENT() {
cat <<EOF
[$1]
$(SERVICE_AUTH nova)
region_name = RegionOne
valid_interfaces = public
EOF
}

cat > "$STATE/etc/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $STATE/log/keystone.log
debug = $DEBUG
[database]
connection = sqlite:///$STATE/db/keystone.sqlite
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $STATE/keystone/fernet-keys
[fernet_receipts]
key_repository = $STATE/keystone/receipt-keys
[credential]
key_repository = $STATE/keystone/credential-keys
[cache]
# in-process cache (test backend shipped by oslo.cache). Without it a token validation
# runs ~960 SQL queries (~0.5s on sqlite); with it ~10ms. Safe only with ONE keystone
# process (no cross-process invalidation) - see the uwsgi flags below.
enabled = true
backend = oslo_cache.dict
expiration_time = 600
[identity]
# bcrypt cost 4 instead of 12: password auth ~0.2s -> a few ms. Test-only setting.
password_hash_rounds = 4
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF

cat > "$STATE/etc/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = $HOST
bind_port = $GLANCE_PORT
workers = 0
log_file = $STATE/log/glance-api.log
debug = $DEBUG
enabled_backends = fs:file
show_image_direct_url = false
enforce_secure_rbac = false
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $STATE/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = $STATE/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = $STATE/glance/tasks/
[database]
connection = sqlite:///$STATE/db/glance.sqlite
[paste_deploy]
flavor = keystone
config_file = $STATE/etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
$(AUTHTOKEN glance)
EOF

# Debian ships this in glance-common (/usr/share/glance-common/glance-api-paste.ini);
# we avoid glance-common (dbconfig-common/debconf postinst), so write the pipeline we use.
cat > "$STATE/etc/glance/glance-api-paste.ini" <<'EOF'
[pipeline:glance-api-keystone]
pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler authtoken context rootapp
[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app
[app:apiversions]
paste.app_factory = glance.api.versions:create_resource
[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory
[filter:healthcheck]
paste.filter_factory = oslo_middleware:Healthcheck.factory
backends = disable_by_file
disable_by_file_path = /etc/glance/healthcheck_disable
[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory
[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true
[filter:osprofiler]
paste.filter_factory = osprofiler.web:WsgiMiddleware.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = glance
oslo_config_program = glance-api
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
EOF

cat > "$STATE/etc/nova/nova.conf" <<EOF
[DEFAULT]
transport_url = fake://
enabled_apis = osapi_compute
osapi_compute_listen = $HOST
my_ip = $HOST
host = wd-test
state_path = $STATE/nova
log_file = $STATE/log/nova-api.log
debug = $DEBUG
[api]
auth_strategy = keystone
# Nova pages lists at max_limit (1,000 by default): 50 here, so the tests of wd following flavors_links need 60
# flavors, not 1,001
max_limit = 50
[wsgi]
api_paste_config = $STATE/etc/nova/api-paste.ini
[api_database]
connection = sqlite:///$STATE/db/nova_api.sqlite
[database]
connection = sqlite:///$STATE/db/nova_cell1.sqlite
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[oslo_messaging_notifications]
driver = noop
[cinder]
os_region_name = RegionOne
$(NOVA_CLIENT neutron)
$(NOVA_CLIENT placement)
$(AUTHTOKEN nova)
EOF

cat > "$STATE/etc/placement/placement.conf" <<EOF
[DEFAULT]
log_file = $STATE/log/placement.log
debug = $DEBUG
[placement_database]
connection = sqlite:///$STATE/db/placement.sqlite
[api]
auth_strategy = keystone
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
$(AUTHTOKEN placement)
EOF

# Neutron API only: ML2 with no mechanism drivers and no agents; enough for what Nova's API asks
# (ports and security groups of an instance). The notifier back to Nova is off: nothing to notify.
cat > "$STATE/etc/neutron/neutron.conf" <<EOF
[DEFAULT]
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = fake://
bind_host = $HOST
bind_port = $NEUTRON_PORT
api_workers = 0
rpc_workers = 0
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
api_paste_config = $STATE/etc/neutron/api-paste.ini
state_path = $STATE/neutron
log_file = $STATE/log/neutron.log
debug = $DEBUG
[database]
connection = sqlite:///$STATE/db/neutron.sqlite
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers =
extension_drivers =
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
$(AUTHTOKEN neutron)
EOF

# From neutron-common's /usr/share/neutron-common/api-paste.ini (keystone pipelines, without osprofiler).
cat > "$STATE/etc/neutron/api-paste.ini" <<'EOF'
[composite:neutron]
use = egg:Paste#urlmap
/: neutronversions_composite
/v2.0: neutronapi_v2_0
[composite:neutronapi_v2_0]
use = call:neutron.auth:pipeline_factory
keystone = cors http_proxy_to_wsgi request_id catch_errors authtoken keystonecontext extensions neutronapiapp_v2_0
[composite:neutronversions_composite]
use = call:neutron.auth:pipeline_factory
keystone = cors http_proxy_to_wsgi neutronversions
[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory
[filter:catch_errors]
paste.filter_factory = oslo_middleware:CatchErrors.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = neutron
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[filter:keystonecontext]
paste.filter_factory = neutron.auth:NeutronKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
[filter:extensions]
paste.filter_factory = neutron.api.extensions:plugin_aware_extension_middleware_factory
[app:neutronversions]
paste.app_factory = neutron.pecan_wsgi.app:versions_factory
[app:neutronapiapp_v2_0]
paste.app_factory = neutron.api.v2.router:APIRouter.factory
EOF

# From nova-common's /usr/share/nova-common/api-paste.ini (osapi_compute part only).
cat > "$STATE/etc/nova/api-paste.ini" <<'EOF'
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2: oscomputeversion_legacy_v2
/v2.1: oscomputeversion_v2
/v2/+: openstack_compute_api_v21_legacy_v2_compatible
/v2.1/+: openstack_compute_api_v21
[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit osprofiler authtoken keystonecontext osapi_compute_app_v21
[composite:openstack_compute_api_v21_legacy_v2_compatible]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit osprofiler authtoken keystonecontext legacy_v2_compatible osapi_compute_app_v21
[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory
[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory
[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory
[filter:osprofiler]
paste.filter_factory = nova.profiler:WsgiMiddleware.factory
[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[filter:legacy_v2_compatible]
paste.filter_factory = nova.api.openstack:LegacyV2CompatibleWrapper.factory
[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory
[pipeline:oscomputeversions]
pipeline = cors faultwrap request_log http_proxy_to_wsgi oscomputeversionapp
[pipeline:oscomputeversion_v2]
pipeline = cors compute_req_id faultwrap request_log http_proxy_to_wsgi oscomputeversionapp_v2
[pipeline:oscomputeversion_legacy_v2]
pipeline = cors compute_req_id faultwrap request_log http_proxy_to_wsgi legacy_v2_compatible oscomputeversionapp_v2
[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory
[app:oscomputeversionapp_v2]
paste.app_factory = nova.api.openstack.compute.versions:VersionsV2.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = nova
[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
EOF

# nova-api package (not installed) ships /usr/bin/nova-api-wsgi; same thing:
cat > "$STATE/etc/nova/nova-api-wsgi.py" <<'EOF'
from nova.api.openstack.compute.wsgi import init_application
application = init_application()
EOF

# SQLite WAL journal: readers never block the (single) writer. Needed because keystone
# leaves a read cursor (SHARED lock) open after issuing a token; with the default
# rollback journal any write from another process/connection then fails after 5s
# with "database is locked". The journal mode is stored in the db file (persistent).
wal() { local f; for f in "$@"; do [ "$(sqlite3 "$f" 'PRAGMA journal_mode=WAL;')" = wal ] || die "WAL on $f failed"; done; }

KCONF=(--config-file "$STATE/etc/keystone/keystone.conf")
keystone_manage() { /usr/bin/keystone-manage "${KCONF[@]}" "$@"; }
glance_manage() { $PY -c 'import sys; from glance.cmd.manage import main; sys.exit(main())' \
    --config-file "$STATE/etc/glance/glance-api.conf" "$@"; }
nova_manage() { $PY -c 'import sys; from nova.cmd.manage import main; sys.exit(main())' \
    --config-file "$STATE/etc/nova/nova.conf" "$@"; }
placement_manage() { $PY -c 'import sys; from placement.cmd.manage import main; sys.exit(main())' \
    --config-file "$STATE/etc/placement/placement.conf" "$@"; }
neutron_db_manage() { $PY -c 'import sys; from neutron.db.migration.cli import main; sys.exit(main())' \
    --config-file "$STATE/etc/neutron/neutron.conf" "$@"; }

# --------------------------------------------------------------------------
# 3. process helpers
# --------------------------------------------------------------------------
pid_alive() { local f="$STATE/run/$1.pid"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
start_bg() { # name port cmd...
  local name=$1 port=$2; shift 2
  if pid_alive "$name"; then log "$name already running (pid $(cat "$STATE/run/$name.pid"))"; return 0; fi
  port_busy "$port" && die "port $port is in use by a process not recorded in $STATE/run ($name)"
  # setsid: own session/process group, so down.sh can signal the group by the recorded PID.
  setsid "$@" >>"$STATE/log/$name.stdout" 2>&1 < /dev/null &
  echo $! > "$STATE/run/$name.pid"
  log "started $name pid $! on $HOST:$port"
}
wait_http() { # name url expected-codes-regex
  local name=$1 url=$2 re=$3 end=$(( $(date +%s) + READY_TIMEOUT )) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)
    [[ "$code" =~ $re ]] && { log "$name ready ($url -> $code)"; return 0; }
    pid_alive "$name" || { tail -n 40 "$STATE/log/$name".* >&2 || true; die "$name died during startup"; }
    [ "$(date +%s)" -ge "$end" ] && die "$name not ready after ${READY_TIMEOUT}s (last code $code)"
    sleep 0.5
  done
}

# threads=1: sqlite connections must not cross threads (see REPORT.md gotchas).
# lazy-apps: each worker loads the app itself after fork (no DB handles inherited from master).
# "Connection: close": uwsgi's --http-socket closes the connection after each response
# but does not say so; HTTP clients with keep-alive pools (keystoneauth/requests in
# nova's authtoken, Node's undici fetch) then reuse a dead socket -> RemoteDisconnected
# -> nova answers 503. Announcing the close makes every client open a fresh connection.
UWSGI_COMMON=(--master --lazy-apps --enable-threads --die-on-term --need-app
              --buffer-size 65535 --no-orphans --disable-logging --procname-prefix wd-
              --add-header "Connection: close")

# --------------------------------------------------------------------------
# 4. init databases (once) and start; glance and nova run in parallel with keystone
# --------------------------------------------------------------------------
# optional extra keystone config (written by oidc/fed-up.sh for OIDC federation)
KS_FILES="keystone.conf"
[ -s "$STATE/etc/keystone/keystone-extra.conf" ] && KS_FILES="keystone.conf;keystone-extra.conf"
keystone_up() {
  if [ ! -e "$STATE/run/keystone.initialized" ]; then
    local t; t=$(date +%s.%N)
    {
      keystone_manage fernet_setup --keystone-user root --keystone-group root
      keystone_manage credential_setup --keystone-user root --keystone-group root
      # receipts repo (MFA) - same tool, separate dir
      cp -a "$STATE/keystone/fernet-keys/." "$STATE/keystone/receipt-keys/"
      keystone_manage db_sync
      keystone_manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
        --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
        --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
        --bootstrap-admin-url "$KS_URL/" --bootstrap-internal-url "$KS_URL/" --bootstrap-public-url "$KS_URL/"
    } >"$STATE/log/keystone-manage.log" 2>&1 || { cat "$STATE/log/keystone-manage.log" >&2; die "keystone init failed"; }
    chmod -R go-rwx "$STATE/keystone"
    wal "$STATE/db/keystone.sqlite"
    touch "$STATE/run/keystone.initialized"
    log "keystone db/bootstrap done in $(elapsed "$t")s"
  fi
  # ONE process (in-process cache must stay coherent), ONE thread (sqlite, see gotchas)
  start_bg keystone $KS_PORT /usr/bin/uwsgi_python3 "${UWSGI_COMMON[@]}" --processes 1 --threads 1 \
    --http-socket "$HOST:$KS_PORT" --wsgi-file /usr/bin/keystone-wsgi-public \
    --env "OS_KEYSTONE_CONFIG_DIR=$STATE/etc/keystone" --env "OS_KEYSTONE_CONFIG_FILES=$KS_FILES"
}
glance_up() {
  if [ ! -e "$STATE/run/glance.initialized" ]; then
    local t; t=$(date +%s.%N)
    glance_manage db_sync >"$STATE/log/glance-manage.log" 2>&1 || { cat "$STATE/log/glance-manage.log" >&2; die "glance db_sync failed"; }
    wal "$STATE/db/glance.sqlite"
    touch "$STATE/run/glance.initialized"
    log "glance db_sync done in $(elapsed "$t")s"
  fi
  # Debian runs glance-api under eventlet, not uwsgi ("Glance appears broken with uwsgi").
  start_bg glance $GLANCE_PORT $PY -m glance.cmd.api --config-file "$STATE/etc/glance/glance-api.conf"
}
nova_up() {
  if [ ! -e "$STATE/run/nova.initialized" ]; then
    local t; t=$(date +%s.%N)
    rm -f "$STATE"/db/nova_*.sqlite*   # a half-done earlier attempt must not confuse create_cell
    {
      nova_manage api_db sync
      nova_manage cell_v2 map_cell0 --database_connection "sqlite:///$STATE/db/nova_cell0.sqlite"
      nova_manage cell_v2 create_cell --name cell1 --transport-url fake:// \
        --database_connection "sqlite:///$STATE/db/nova_cell1.sqlite"
      nova_manage db sync
    } >"$STATE/log/nova-manage.log" 2>&1 || { cat "$STATE/log/nova-manage.log" >&2; die "nova db init failed"; }
    wal "$STATE/db/nova_api.sqlite" "$STATE/db/nova_cell0.sqlite" "$STATE/db/nova_cell1.sqlite"
    touch "$STATE/run/nova.initialized"
    log "nova db init done in $(elapsed "$t")s"
  fi
  start_bg nova $NOVA_PORT /usr/bin/uwsgi_python3 "${UWSGI_COMMON[@]}" --processes 1 --threads 1 \
    --http-socket "$HOST:$NOVA_PORT" --wsgi-file "$STATE/etc/nova/nova-api-wsgi.py" \
    --env "OS_NOVA_CONFIG_DIR=$STATE/etc/nova"
}

neutron_up() {
  if [ ! -e "$STATE/run/neutron.initialized" ]; then
    local t; t=$(date +%s.%N)
    rm -f "$STATE"/db/neutron.sqlite*
    # Neutron's migrations ALTER constraints, which sqlite cannot: create the schema from the models
    # (what Neutron's own unit tests do on sqlite), then stamp it so neutron-db-manage agrees.
    {
      $PY -c 'import sys, sqlalchemy; from neutron.db.migration.models import head
head.get_metadata().create_all(sqlalchemy.create_engine(sys.argv[1]))' "sqlite:///$STATE/db/neutron.sqlite"
      neutron_db_manage stamp heads
    } >"$STATE/log/neutron-manage.log" 2>&1 || { cat "$STATE/log/neutron-manage.log" >&2; die "neutron db init failed"; }
    wal "$STATE/db/neutron.sqlite"
    touch "$STATE/run/neutron.initialized"
    log "neutron db init done in $(elapsed "$t")s"
  fi
  mkdir -p "$STATE/neutron"
  # neutron-server's eventlet entry point (Debian's neutron-server package is not installed: its postinst wants dbconfig)
  start_bg neutron $NEUTRON_PORT $PY -c 'import sys; from neutron.cmd.eventlet.server import main; sys.exit(main())' \
    --config-file "$STATE/etc/neutron/neutron.conf"
}

placement_up() {
  if [ ! -e "$STATE/run/placement.initialized" ]; then
    local t; t=$(date +%s.%N)
    placement_manage db sync >"$STATE/log/placement-manage.log" 2>&1 ||
      { cat "$STATE/log/placement-manage.log" >&2; die "placement db sync failed"; }
    wal "$STATE/db/placement.sqlite"
    touch "$STATE/run/placement.initialized"
    log "placement db sync done in $(elapsed "$t")s"
  fi
  start_bg placement $PLACEMENT_PORT /usr/bin/uwsgi_python3 "${UWSGI_COMMON[@]}" --processes 1 --threads 1 \
    --http-socket "$HOST:$PLACEMENT_PORT" --module 'placement.wsgi:init_application()' \
    --env "OS_PLACEMENT_CONFIG_DIR=$STATE/etc/placement"
}

tStart=$(date +%s.%N)
glance_up & GJOB=$!
nova_up & NJOB=$!
neutron_up & QJOB=$!
placement_up & PJOB=$!
keystone_up
wait "$GJOB" || die "glance init/start failed"
wait "$NJOB" || die "nova init/start failed"
wait "$QJOB" || die "neutron init/start failed"
wait "$PJOB" || die "placement init/start failed"

wait_http keystone "$KS_URL" '^200$'

# --------------------------------------------------------------------------
# 5. identity bootstrap over REST (idempotent): projects, users, roles, catalog
# --------------------------------------------------------------------------
ks_token() { # user password project -> token on stdout
  curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$KS_URL/auth/tokens" -d "$(jq -n \
    --arg u "$1" --arg p "$2" --arg pr "$3" '{auth:{identity:{methods:["password"],password:{user:{name:$u,domain:{id:"default"},password:$p}}},scope:{project:{name:$pr,domain:{id:"default"}}}}}')" \
    | awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\r'
}
api() { # method path [json] -> body on stdout; dies loudly on HTTP >= 300
  local m=$1 p=$2 d=${3:-} out code extra=()
  [ -n "$d" ] && extra=(-H 'Content-Type: application/json' --data "$d")
  out=$(mktemp)
  code=$(curl -s -o "$out" -w '%{http_code}' -X "$m" -H "X-Auth-Token: $TOK" "${extra[@]}" "$KS_URL$p") || code=000
  if [ "$code" -ge 300 ] || [ "$code" = 000 ]; then
    echo "up.sh: keystone $m $p -> HTTP $code: $(head -c 500 "$out")" >&2; rm -f "$out"; return 1
  fi
  cat "$out"; rm -f "$out"
}
ensure_project() { # name -> id
  local id; id=$(api GET "/projects?name=$1&domain_id=default" | jq -r '.projects[0].id // empty')
  [ -n "$id" ] || id=$(api POST /projects "$(jq -n --arg n "$1" '{project:{name:$n,domain_id:"default",description:"wd test"}}')" | jq -r .project.id)
  echo "$id"
}
ensure_user() { # name password default_project_id -> id  (password reset every run)
  local id; id=$(api GET "/users?name=$1&domain_id=default" | jq -r '.users[0].id // empty')
  if [ -z "$id" ]; then
    id=$(api POST /users "$(jq -n --arg n "$1" --arg p "$2" --arg pr "$3" '{user:{name:$n,password:$p,domain_id:"default",default_project_id:$pr,enabled:true}}')" | jq -r .user.id)
  else
    api PATCH "/users/$id" "$(jq -n --arg p "$2" '{user:{password:$p}}')" >/dev/null
  fi
  echo "$id"
}
role_id() { api GET "/roles?name=$1" | jq -r '.roles[0].id // empty'; }
ensure_role() { local id; id=$(role_id "$1"); [ -n "$id" ] || id=$(api POST /roles "{\"role\":{\"name\":\"$1\"}}" | jq -r .role.id); echo "$id"; }
grant() { api PUT "/projects/$1/users/$2/roles/$3" >/dev/null; } # PUT is idempotent
ensure_service() { # type name -> id
  local id; id=$(api GET "/services?type=$1" | jq -r '.services[0].id // empty')
  [ -n "$id" ] || id=$(api POST /services "$(jq -n --arg t "$1" --arg n "$2" '{service:{type:$t,name:$n,enabled:true}}')" | jq -r .service.id)
  echo "$id"
}
ensure_endpoints() { # service_id url
  local i
  for i in public internal admin; do
    api GET "/endpoints?service_id=$1&interface=$i" | jq -e '.endpoints|length>0' >/dev/null || \
      api POST /endpoints "$(jq -n --arg s "$1" --arg i "$i" --arg u "$2" '{endpoint:{service_id:$s,interface:$i,url:$u,region_id:"RegionOne",enabled:true}}')" >/dev/null
  done
}

# The marker names the catalog it made: state from before a service was added is bootstrapped again
# (every step above is idempotent).
CATALOG="compute image network placement"
if [ "$(cat "$STATE/run/identity.initialized" 2>/dev/null)" != "$CATALOG" ]; then
  t=$(date +%s.%N)
  TOK=$(ks_token admin "$ADMIN_PASSWORD" admin); [ -n "$TOK" ] || die "admin token failed"
  R_ADMIN=$(ensure_role admin); R_MEMBER=$(ensure_role member); R_READER=$(ensure_role reader)
  R_SERVICE=$(ensure_role service)
  P_SERVICE=$(ensure_project service); P_DEMO=$(ensure_project demo); P_ALT=$(ensure_project alt)
  for s in nova glance neutron placement; do
    U=$(ensure_user $s "$SERVICE_PASSWORD" "$P_SERVICE"); grant "$P_SERVICE" "$U" "$R_ADMIN"; grant "$P_SERVICE" "$U" "$R_SERVICE"
  done
  U=$(ensure_user demo "$DEMO_PASSWORD" "$P_DEMO"); grant "$P_DEMO" "$U" "$R_MEMBER"; grant "$P_DEMO" "$U" "$R_READER"
  U=$(ensure_user alt "$ALT_PASSWORD" "$P_ALT");  grant "$P_ALT" "$U" "$R_MEMBER";  grant "$P_ALT" "$U" "$R_READER"
  ensure_endpoints "$(ensure_service compute nova)" "http://$HOST:$NOVA_PORT/v2.1"
  ensure_endpoints "$(ensure_service image glance)" "http://$HOST:$GLANCE_PORT"
  ensure_endpoints "$(ensure_service network neutron)" "http://$HOST:$NEUTRON_PORT"
  ensure_endpoints "$(ensure_service placement placement)" "http://$HOST:$PLACEMENT_PORT"
  echo "$CATALOG" > "$STATE/run/identity.initialized"
  log "identity bootstrap done in $(elapsed "$t")s"
fi

wait_http glance "http://$HOST:$GLANCE_PORT/healthcheck" '^200$'
wait_http nova "http://$HOST:$NOVA_PORT/" '^200$'
wait_http neutron "http://$HOST:$NEUTRON_PORT/" '^200$'
wait_http placement "http://$HOST:$PLACEMENT_PORT/" '^200$'

# End-to-end: a token works against Nova, Glance and Neutron (keystonemiddleware -> keystone).
# Neutron's first database query also configures its ORM mappers; until one has run, GET /v2.0/ports
# (Nova's first question) fails with "type object 'Port' has no attribute 'port_forwardings'".
TOK=$(ks_token admin "$ADMIN_PASSWORD" admin)
c1=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOK" "http://$HOST:$NOVA_PORT/v2.1/flavors")
c2=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOK" "http://$HOST:$GLANCE_PORT/v2/images")
c3=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOK" "http://$HOST:$NEUTRON_PORT/v2.0/networks")
c4=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOK" "http://$HOST:$PLACEMENT_PORT/resource_providers")
[ "$c1" = 200 ] && [ "$c2" = 200 ] && [ "$c3" = 200 ] && [ "$c4" = 200 ] ||
  die "authenticated check failed: nova=$c1 glance=$c2 neutron=$c3 placement=$c4 (see $STATE/log)"
log "all APIs ready; init+start->ready $(elapsed "$tStart")s"

# --------------------------------------------------------------------------
# 6. env files + output
# --------------------------------------------------------------------------
openrc() { # file user pass project
cat > "$1" <<EOF
export OS_AUTH_URL=$KS_URL
export OS_IDENTITY_API_VERSION=3
export OS_AUTH_TYPE=password
export OS_USERNAME=$2
export OS_PASSWORD=$3
export OS_PROJECT_NAME=$4
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
EOF
}
openrc "$STATE/admin-openrc" admin "$ADMIN_PASSWORD" admin
openrc "$STATE/demo-openrc" demo "$DEMO_PASSWORD" demo
openrc "$STATE/alt-openrc" alt "$ALT_PASSWORD" alt
cat > "$STATE/test.env" <<EOF
OS_AUTH_URL=$KS_URL
OS_REGION_NAME=RegionOne
OS_USER_DOMAIN_NAME=Default
OS_PROJECT_DOMAIN_NAME=Default
WD_ADMIN_USERNAME=admin
WD_ADMIN_PASSWORD=$ADMIN_PASSWORD
WD_ADMIN_PROJECT=admin
WD_DEMO_USERNAME=demo
WD_DEMO_PASSWORD=$DEMO_PASSWORD
WD_DEMO_PROJECT=demo
WD_ALT_USERNAME=alt
WD_ALT_PASSWORD=$ALT_PASSWORD
WD_ALT_PROJECT=alt
WD_NOVA_URL=http://$HOST:$NOVA_PORT/v2.1
WD_GLANCE_URL=http://$HOST:$GLANCE_PORT
WD_NEUTRON_URL=http://$HOST:$NEUTRON_PORT
EOF
cat "$STATE/admin-openrc"
echo "# non-admin: source $STATE/demo-openrc (project demo) or $STATE/alt-openrc (project alt)"
# the compute half (it needs test/env/libvirt/libvirtd.sh's libvirtd)
[ "${WD_OS_API_ONLY:-0}" = 1 ] || bash "$HERE/compute.sh" start
