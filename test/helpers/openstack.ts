/**
 * The test cloud started by test/env/openstack/up.sh (and oidc/fed-up.sh): its accounts, and fixtures made and
 * removed through wd's own connection. If the cloud is not up the tests fail, unless WD_SKIP_OPENSTACK=1 says the
 * user knowingly runs without it.
 */
import {loadCloudConfig, normalize, type CloudConfig} from '../../src/openstack/cloud-config.js'
import {connect, json, type Connection} from '../../src/openstack/connection.js'
import type {Token} from '../../src/openstack/keystone.js'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {readStateEnv, stateDir} from '../env/openstack/state.mjs'
import {optedOut} from './gates.js'

export const openstackSkipped = optedOut('WD_SKIP_OPENSTACK')
export const cloud = () => readStateEnv('test.env')
export const federation = () => readStateEnv('fed.env')

export type Account = 'admin' | 'demo' | 'alt'

/** OS_* variables for password auth as one of the test accounts. */
export function osEnv(account: Account): Record<string, string> {
  const c = cloud()
  const up = account.toUpperCase()
  return {
    OS_AUTH_URL: c.OS_AUTH_URL!,
    OS_AUTH_TYPE: 'password',
    OS_USERNAME: c[`WD_${up}_USERNAME`]!,
    OS_PASSWORD: c[`WD_${up}_PASSWORD`]!,
    OS_PROJECT_NAME: c[`WD_${up}_PROJECT`]!,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
  }
}

export function connectAs(account: Account): Connection {
  const env = osEnv(account)
  return connect(loadCloudConfig({}, {env, cwd: '/nonexistent'}))
}

export const unique = (what: string) => `wd-it-${what}-${process.pid}-${Date.now().toString(36)}`

export async function createFlavor(admin: Connection, name: string, specs: Record<string, string>): Promise<string> {
  const res = await admin.call('compute', 'POST', '/flavors', {body: {flavor: {name, ram: 64, vcpus: 1, disk: 1}}})
  const id = json<{flavor: {id: string}}>(res).flavor.id
  if (Object.keys(specs).length)
    await admin.call('compute', 'POST', `/flavors/${id}/os-extra_specs`, {body: {extra_specs: specs}})
  return id
}

export async function deleteFlavor(admin: Connection, id: string): Promise<void> {
  await admin.call('compute', 'DELETE', `/flavors/${id}`, {accept: [404]})
}

export async function createImage(
  owner: Connection,
  name: string,
  props: Record<string, string>,
  visibility = 'private',
): Promise<string> {
  const res = await owner.call('image', 'POST', '/images', {
    body: {name, disk_format: 'raw', container_format: 'bare', visibility, ...props},
  })
  return json<{id: string}>(res).id
}

export async function deleteImage(owner: Connection, id: string): Promise<void> {
  await owner.call('image', 'DELETE', `/images/${id}`, {accept: [404]})
}

export async function flavorSpecs(admin: Connection, id: string): Promise<Record<string, string>> {
  return json<{extra_specs: Record<string, string>}>(
    await admin.call('compute', 'GET', `/flavors/${id}/os-extra_specs`),
  ).extra_specs
}

export async function imageOf(conn: Connection, id: string): Promise<Record<string, unknown>> {
  return json<Record<string, unknown>>(await conn.call('image', 'GET', `/images/${id}`))
}

/** Gives a queued image some bytes: Nova boots only from an active image. */
export async function activateImage(owner: Connection, id: string): Promise<void> {
  await owner.call('image', 'PUT', `/images/${id}/file`, {
    body: 'not a disk',
    headers: {'Content-Type': 'application/octet-stream'},
  })
}

/**
 * A server as Nova's API records it. The test cloud runs no conductor or compute, so it stays in BUILD (as a build
 * request) — enough for everything Nova's API answers about it.
 */
export async function createServer(owner: Connection, name: string, imageRef: string, flavorRef: string) {
  const res = await owner.call('compute', 'POST', '/servers', {
    body: {server: {name, imageRef, flavorRef, networks: 'none'}},
    headers: {'OpenStack-API-Version': 'compute 2.37'},
  })
  return json<{server: {id: string}}>(res).server.id
}

export async function deleteServer(owner: Connection, id: string): Promise<void> {
  await owner.call('compute', 'DELETE', `/servers/${id}`, {accept: [404]})
}

/** A new application credential of the connection's user; Keystone ends it (and its tokens) at `expiresAt`. */
export async function applicationCredential(
  owner: Connection,
  expiresAt?: Date,
): Promise<{id: string; secret: string}> {
  const user = (await owner.token()).user!.id
  const res = await owner.call('identity', 'POST', `/users/${user}/application_credentials`, {
    body: {application_credential: {name: unique('appcred'), ...(expiresAt && {expires_at: expiresAt.toISOString()})}},
  })
  return json<{application_credential: {id: string; secret: string}}>(res).application_credential
}

/** A real token that expires in `seconds`: Keystone ends a token no later than the application credential it came from. */
export async function shortLivedToken(owner: Connection, seconds: number): Promise<Token> {
  const cred = await applicationCredential(owner, new Date(Date.now() + seconds * 1000))
  const config = normalize('short-lived', {
    auth_type: 'v3applicationcredential',
    auth_url: cloud().OS_AUTH_URL,
    application_credential_id: cred.id,
    application_credential_secret: cred.secret,
  })
  return connect(config).token()
}

/** Waits until the token has expired (a second past its expires_at). */
export async function outlive(token: Token): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(token.expiresAt!) - Date.now() + 1000)))
}

/** Revokes a token at Keystone, as an admin. */
export async function revokeToken(admin: Connection, token: string): Promise<void> {
  await admin.call('identity', 'DELETE', '/auth/tokens', {headers: {'X-Subject-Token': token}})
}

/**
 * Changes a server that is still a build request (the test cloud runs no compute service, so every server is one)
 * in Nova's own API database: the fields of the instance it will become, as Nova's API shows them. For states the
 * test cloud cannot reach through the API: ACTIVE and paused (a pause bark), booted from a volume.
 */
export function setBuildRequest(serverId: string, fields: Record<string, string | number | null>): void {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
row = db.execute('select instance from build_requests where instance_uuid = ?', (sys.argv[2],)).fetchone()
if row is None: sys.exit('no build request for ' + sys.argv[2])
inst = json.loads(row[0])
inst['nova_object.data'].update(json.loads(sys.argv[3]))
inst['nova_object.changes'] = sorted(set(inst.get('nova_object.changes', [])) | set(json.loads(sys.argv[3])))
with db:
    db.execute('update build_requests set instance = ? where instance_uuid = ?', (json.dumps(inst), sys.argv[2]))
`
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', script, join(stateDir, 'db', 'nova_api.sqlite'), serverId, JSON.stringify(fields)],
    {
      encoding: 'utf8',
    },
  )
  if (r.status !== 0) throw new Error(`setBuildRequest ${serverId}: ${r.stderr || r.error?.message}`)
}

/**
 * The account `wd serve` uses in the tests (Nova's service user: admin and service roles on the service project),
 * as a clouds.yaml cloud entry; `extra` adds to it (another auth_url, an endpoint override).
 */
export function serviceAccount(extra: Record<string, string> = {}): CloudConfig {
  return normalize('keystone', {
    auth_url: cloud().OS_AUTH_URL,
    username: 'nova',
    password: 'service-secret',
    project_name: 'service',
    user_domain_name: 'Default',
    project_domain_name: 'Default',
    region_name: 'RegionOne',
    ...extra,
  })
}
