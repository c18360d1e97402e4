#!/usr/bin/env bash
# oidc/fed-up.sh - add Keystone OIDC federation to the stack started by ../up.sh:
#   local OpenID provider (npm oidc-provider, https://127.0.0.1:5556, self-signed TLS)
#   -> Apache + mod_auth_openidc as OAuth2 resource server (token introspection) on
#      http://127.0.0.1:5001, proxying to keystone (:5000) with claims as request headers
#   -> keystone "openid" auth method + IdP "wdidp" + mapping + protocol.
# Idempotent. Stop with ../down.sh (it knows the idp/apache-fed pid files).
set -euo pipefail
shopt -s inherit_errexit
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${WD_OS_STATE:-$HERE/../../../../.work/openstack}"; STATE="$(cd "$STATE" && pwd)"
IDP_PORT=5556; FED_PORT=5001; KS=http://127.0.0.1:5000/v3; IDP=wdidp
die() { echo "fed-up.sh: ERROR: $*" >&2; exit 1; }
log() { echo "[fed-up] $*" >&2; }
[ -s "$STATE/test.env" ] || die "run ../up.sh first"
set -a; . "$STATE/test.env"; set +a

# 1. packages: apache2-bin only (no apache2 => no /etc/apache2 defaults, nothing on :80)
if ! dpkg-query -W -f='${Status}' libapache2-mod-auth-openidc 2>/dev/null | grep -q 'install ok installed'; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    apache2-bin libapache2-mod-auth-openidc >&2
fi
# oidc-provider is a devDependency of wd itself (npm install at the top of the repository)

# 2. keystone: enable the openid method (extra config file picked up by up.sh), restart if needed
EXTRA="$STATE/etc/keystone/keystone-extra.conf"
WANT='[auth]
methods = password,token,application_credential,openid
[openid]
remote_id_attribute = HTTP_OIDC_CLAIM_ISS'
if [ "$(cat "$EXTRA" 2>/dev/null)" != "$WANT" ]; then
  printf '%s\n' "$WANT" > "$EXTRA"
  if [ -s "$STATE/run/keystone.pid" ] && kill -0 "$(cat "$STATE/run/keystone.pid")" 2>/dev/null; then
    log "restarting keystone (pid $(cat "$STATE/run/keystone.pid")) with $EXTRA"
    bash "$HERE/../down.sh" keystone >/dev/null
  fi
fi
"$HERE/../up.sh" >/dev/null   # (re)starts whatever is down

# 3. IdP (TLS: mod_auth_openidc refuses a plain-http introspection endpoint)
mkdir -p "$STATE/idp" "$STATE/apache"
[ -s "$STATE/idp/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$STATE/idp/key.pem" \
  -out "$STATE/idp/cert.pem" -days 3650 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
alive() { [ -s "$STATE/run/$1.pid" ] && kill -0 "$(cat "$STATE/run/$1.pid")" 2>/dev/null; }
if ! alive idp; then
  IDP_PORT=$IDP_PORT IDP_KEY="$STATE/idp/key.pem" IDP_CERT="$STATE/idp/cert.pem" \
    setsid node "$HERE/idp.mjs" >>"$STATE/log/idp.log" 2>&1 </dev/null &
  echo $! > "$STATE/run/idp.pid"
  log "started idp pid $(cat "$STATE/run/idp.pid")"
fi
for _ in $(seq 1 60); do curl -sf --cacert "$STATE/idp/cert.pem" "https://127.0.0.1:$IDP_PORT/.well-known/openid-configuration" >/dev/null && break; sleep 0.5; done

# 4. Apache
[ -s "$STATE/apache/passphrase" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STATE/apache/passphrase"
sed -e "s#@STATE@#$STATE#g; s#@PORT@#$FED_PORT#g; s#@IDP_PORT@#$IDP_PORT#g; s#@KS_PORT@#5000#g; s#@IDP@#$IDP#g" \
    -e "s#@PASSPHRASE@#$(cat "$STATE/apache/passphrase")#" "$HERE/httpd-fed.conf.tmpl" > "$STATE/apache/httpd.conf"
/usr/sbin/apache2 -f "$STATE/apache/httpd.conf" -t 2>/dev/null || /usr/sbin/apache2 -f "$STATE/apache/httpd.conf" -t
if ! alive apache-fed; then
  setsid /usr/sbin/apache2 -f "$STATE/apache/httpd.conf" -DFOREGROUND >>"$STATE/log/apache-fed.stdout" 2>&1 </dev/null &
  echo $! > "$STATE/run/apache-fed.pid"; log "started apache pid $!"
fi
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$FED_PORT/v3" && break; sleep 0.5; done

# 5. keystone federation objects (idempotent)
TOK=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$KS/auth/tokens" -d "$(jq -nc --arg p "$WD_ADMIN_PASSWORD" \
  '{auth:{identity:{methods:["password"],password:{user:{name:"admin",domain:{id:"default"},password:$p}}},scope:{project:{name:"admin",domain:{id:"default"}}}}}')" \
  | awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\r')
H=(-H "X-Auth-Token: $TOK" -H 'Content-Type: application/json')
GID=$(curl -sf "${H[@]}" "$KS/groups?name=federated-users" | jq -r '.groups[0].id // empty')
[ -n "$GID" ] || GID=$(curl -sf "${H[@]}" "$KS/groups" -d '{"group":{"name":"federated-users","domain_id":"default"}}' | jq -r .group.id)
DEMO=$(curl -sf "${H[@]}" "$KS/projects?name=demo" | jq -r '.projects[0].id')
MEMBER=$(curl -sf "${H[@]}" "$KS/roles?name=member" | jq -r '.roles[0].id')
curl -sf -X PUT "${H[@]}" "$KS/projects/$DEMO/groups/$GID/roles/$MEMBER" >/dev/null
curl -sf "${H[@]}" "$KS/OS-FEDERATION/identity_providers/$IDP" >/dev/null 2>&1 || \
  curl -sf -X PUT "${H[@]}" "$KS/OS-FEDERATION/identity_providers/$IDP" \
    -d "{\"identity_provider\":{\"enabled\":true,\"domain_id\":\"default\",\"remote_ids\":[\"https://127.0.0.1:$IDP_PORT\"]}}" >/dev/null
MAPPING="{\"mapping\":{\"rules\":[{\"local\":[{\"user\":{\"name\":\"{0}\"}},{\"group\":{\"id\":\"$GID\"}}],\"remote\":[{\"type\":\"HTTP_OIDC_CLAIM_PRINCIPAL\"}]}]}}"
if curl -sf "${H[@]}" "$KS/OS-FEDERATION/mappings/$IDP-mapping" >/dev/null 2>&1; then
  curl -sf -X PATCH "${H[@]}" "$KS/OS-FEDERATION/mappings/$IDP-mapping" -d "$MAPPING" >/dev/null
else
  curl -sf -X PUT "${H[@]}" "$KS/OS-FEDERATION/mappings/$IDP-mapping" -d "$MAPPING" >/dev/null
fi
curl -sf "${H[@]}" "$KS/OS-FEDERATION/identity_providers/$IDP/protocols/openid" >/dev/null 2>&1 || \
  curl -sf -X PUT "${H[@]}" "$KS/OS-FEDERATION/identity_providers/$IDP/protocols/openid" \
    -d "{\"protocol\":{\"mapping_id\":\"$IDP-mapping\"}}" >/dev/null

cat > "$STATE/fed.env" <<EOF
WD_OIDC_ISSUER=https://127.0.0.1:$IDP_PORT
WD_OIDC_TOKEN_URL=https://127.0.0.1:$IDP_PORT/token
WD_OIDC_CA_FILE=$STATE/idp/cert.pem
WD_OIDC_CLIENT_ID=wd-cli
WD_OIDC_CLIENT_SECRET=wd-cli-secret
WD_OIDC_USERNAME=alice
WD_OIDC_PASSWORD=alice-secret
WD_FED_IDP=$IDP
WD_FED_PROTOCOL=openid
WD_FED_AUTH_URL=http://127.0.0.1:$FED_PORT/v3/OS-FEDERATION/identity_providers/$IDP/protocols/openid/auth
EOF
cat "$STATE/fed.env"
