/**
 * Which cloud and credentials to use, the way openstacksdk and the openstack CLI decide it:
 * clouds.yaml (+ secure.yaml merged over it) found in the usual places, first file wins, OS_CLIENT_CONFIG_FILE /
 * OS_CLIENT_SECURE_FILE searched first; the cloud named by --os-cloud or OS_CLOUD, else one made of OS_* variables;
 * --os-* flags over everything.
 */
import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {WdError} from '../errors.js'
import {didYouMean} from '../engine/suggest.js'
import {loadConfigDocument} from '../source/config-document.js'
import {AUTH_TYPES, type AuthType} from './auth-types.js'
import {isObject} from '../untrusted.js'

export type Auth = Partial<Record<string, string>>

export interface CloudConfig {
  /** the cloud's name in clouds.yaml, or `envvars` */
  name: string
  authType: AuthType
  auth: Auth
  regionName?: string
  interface: 'public' | 'internal' | 'admin'
  /** TLS: verify certificates (default), with an extra CA bundle if given */
  verify: boolean
  cacert?: string
  /** seconds per request (clouds.yaml api_timeout, --os-api-timeout) */
  timeout: number
  /** the compute microversion to send instead of negotiating one (--os-compute-api-version) */
  computeApiVersion?: string
  /** openstacksdk's `<service>_endpoint_override`: this URL instead of the catalog's */
  endpointOverride?: Partial<Record<'compute' | 'image', string>>
}

/** Seconds a request may take unless the cloud says otherwise: what a person at a terminal will wait. */
const DEFAULT_API_TIMEOUT = 30

/** Options as --os-* flags give them (kebab-case, without the prefix), e.g. {cloud, 'auth-url', password}. */
export type Overrides = Partial<Record<string, string | boolean>>

const CONFIG_NAMES = ['clouds.yaml', 'clouds.yml', 'clouds.json']
const SECURE_NAMES = ['secure.yaml', 'secure.yml', 'secure.json']
/** OS_* variables that choose a cloud or a file rather than describe one */
const SELECTORS = new Set(['cloud', 'region_name', 'client_config_file', 'client_secure_file', 'cloud_name'])
/** Settings that tune how a cloud is reached, but do not on their own describe one. */
const TUNING = new Set([
  'api_timeout',
  'compute_api_version',
  'insecure',
  'cacert',
  'interface',
  'compute_endpoint_override',
  'image_endpoint_override',
])
/** keys that belong under `auth:` (keystoneauth plugin options) */
const AUTH_KEYS = new Set([
  'auth_url',
  'username',
  'user_id',
  'password',
  'user_domain_name',
  'user_domain_id',
  'project_name',
  'project_id',
  'project_domain_name',
  'project_domain_id',
  'domain_name',
  'domain_id',
  'token',
  'application_credential_id',
  'application_credential_name',
  'application_credential_secret',
  'identity_provider',
  'protocol',
  'client_id',
  'client_secret',
  'openid_scope',
  'discovery_endpoint',
  'access_token_endpoint',
  'access_token',
  'access_token_type',
  'system_scope',
])

type Obj = Record<string, unknown>

/** "did you mean 'prod'? " for a cloud name off by a typo, else nothing. */
function meant(wanted: string, known: string[]): string {
  const m = didYouMean(wanted, known)
  return m === undefined ? '' : `did you mean '${m}'? `
}

function searchDirs(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const home = env.HOME ?? homedir()
  // without XDG_CONFIG_HOME its default is ~/.config: each directory once
  return [
    ...new Set([
      cwd,
      join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'openstack'),
      join(home, '.config', 'openstack'),
      '/etc/xdg/openstack',
      '/etc/openstack',
    ]),
  ]
}

/**
 * The first file of the list that exists and can be read; one that does not parse or is no mapping is WD_CONFIG
 * (openstacksdk skips it silently, which hides a typo behind the next file's cloud).
 */
function firstFile(candidates: string[]): {path: string; data: Obj} | undefined {
  for (const path of candidates) {
    if (!existsSync(path)) continue
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      continue
    }
    const data = loadConfigDocument(text, path)
    if (!isObject(data)) throw new WdError('WD_CONFIG', `${path} is not a mapping`)
    return {path, data}
  }
  return undefined
}

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = {...a}
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v
  return out
}

/** OS_FOO_BAR → foo_bar, for the variables that describe a cloud. */
function fromEnv(env: NodeJS.ProcessEnv): Obj {
  const out: Obj = {}
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('OS_') || v === undefined || /^OS_(TEST|STD|LOG)/.test(k)) continue
    out[k.slice(3).toLowerCase()] = v
  }
  if (out.auth_plugin !== undefined && out.auth_type === undefined) out.auth_type = out.auth_plugin
  return out
}

/** A setting as text: clouds.yaml may give `api_timeout: 60` or a `project_id` of digits as a number, which mean their text. */
const settingText = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined

/** Flat keys (top level or under auth:) into the shape wd uses; keystoneauth's aliases folded in. */
export function normalize(name: string, flat: Obj): CloudConfig {
  const auth: Auth = {}
  const top: Obj = {}
  const nested = isObject(flat.auth) ? flat.auth : {}
  for (const [k, v] of Object.entries({...nested, ...flat})) {
    if (k === 'auth') continue
    const key = k.replace(/^tenant_/, 'project_').replace(/^auth_token$/, 'token')
    if (AUTH_KEYS.has(key)) auth[key] = settingText(v)
    else top[key] = v
  }
  // domain_name/domain_id fan out to the user and project domains when a project is the scope
  for (const kind of ['name', 'id'] as const) {
    const d = auth[`domain_${kind}`]
    if (d !== undefined && (auth.project_name !== undefined || auth.project_id !== undefined)) {
      auth[`user_domain_${kind}`] ??= d
      auth[`project_domain_${kind}`] ??= d
      delete auth[`domain_${kind}`]
    }
  }
  const authType = settingText(top.auth_type) ?? 'password'
  if (!(AUTH_TYPES as readonly string[]).includes(authType)) {
    throw new WdError('WD_CONFIG', `cloud '${name}': auth type '${authType}' is not supported`, {
      hint: `wd supports: ${AUTH_TYPES.join(', ')}`,
    })
  }
  const iface = (settingText(top.interface) ?? settingText(top.endpoint_type) ?? 'public').replace(/URL$/, '')
  if (!['public', 'internal', 'admin'].includes(iface)) {
    throw new WdError('WD_CONFIG', `cloud '${name}': interface '${iface}' is not public, internal or admin`)
  }
  const bool = (v: unknown) =>
    typeof v === 'boolean' ? v : typeof v === 'string' ? !/^(false|0|no|off)$/i.test(v) : undefined
  // verify beats cacert; insecure is the CLI's older spelling of verify: false
  const insecure = bool(top.insecure)
  const verify = bool(top.verify) ?? (insecure === undefined ? true : !insecure)
  const timeout = Number(settingText(top.api_timeout) ?? settingText(top.timeout) ?? DEFAULT_API_TIMEOUT)
  return {
    name,
    authType: authType as AuthType,
    auth,
    ...(settingText(top.region_name) !== undefined && {regionName: settingText(top.region_name)}),
    interface: iface as CloudConfig['interface'],
    verify,
    ...(settingText(top.cacert) !== undefined && {cacert: settingText(top.cacert)}),
    timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_API_TIMEOUT,
    ...(settingText(top.compute_api_version) !== undefined && {
      computeApiVersion: settingText(top.compute_api_version),
    }),
    ...((top.compute_endpoint_override !== undefined || top.image_endpoint_override !== undefined) && {
      endpointOverride: {
        ...(settingText(top.compute_endpoint_override) && {compute: settingText(top.compute_endpoint_override)}),
        ...(settingText(top.image_endpoint_override) && {image: settingText(top.image_endpoint_override)}),
      },
    }),
  }
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export function loadCloudConfig(overrides: Overrides = {}, sources: ConfigSources = {}): CloudConfig {
  const env = sources.env ?? process.env
  const dirs = searchDirs(env, sources.cwd ?? process.cwd())
  const withEnvFirst = (names: string[], variable: string) => [
    ...(env[variable] ? [env[variable]] : []),
    ...dirs.flatMap((d) => names.map((n) => join(d, n))),
  ]
  // a file named by the environment must exist: a typo there would otherwise quietly pick another cloud
  for (const variable of ['OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE']) {
    const named = env[variable]
    if (named && !existsSync(named)) throw new WdError('WD_CONFIG', `${variable} names ${named}, which does not exist`)
  }
  const clouds = firstFile(withEnvFirst(CONFIG_NAMES, 'OS_CLIENT_CONFIG_FILE'))
  const secure = firstFile(withEnvFirst(SECURE_NAMES, 'OS_CLIENT_SECURE_FILE'))
  const all = merge(
    isObject(clouds?.data.clouds) ? clouds.data.clouds : {},
    isObject(secure?.data.clouds) ? secure.data.clouds : {},
  )

  const flags: Obj = {}
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) flags[k.replaceAll('-', '_')] = v
  const envCloud = fromEnv(env)
  const wanted = settingText(flags.cloud) ?? settingText(envCloud.cloud)
  delete flags.cloud

  let name: string
  let base: Obj
  if (wanted !== undefined) {
    const entry = all[wanted]
    if (!isObject(entry)) {
      const known = Object.keys(all)
      throw new WdError('WD_CONFIG', `no cloud '${wanted}' in ${clouds?.path ?? 'any clouds.yaml'}`, {
        hint: known.length ? `${meant(wanted, known)}clouds: ${known.join(', ')}` : `looked in ${dirs.join(', ')}`,
      })
    }
    name = wanted
    // a named cloud takes only the region from the environment (as the openstack CLI does)
    base = merge(entry, envCloud.region_name !== undefined ? {region_name: envCloud.region_name} : {})
  } else if ([...Object.keys(envCloud), ...Object.keys(flags)].some((k) => !SELECTORS.has(k) && !TUNING.has(k))) {
    // no cloud named: the OS_* variables and --os-* flags describe one (flags win, merged below)
    name = settingText(envCloud.cloud_name) ?? 'envvars'
    base = envCloud
  } else if (Object.keys(all).length === 1) {
    name = Object.keys(all)[0]!
    base = all[name] as Obj
  } else {
    const known = Object.keys(all)
    throw new WdError('WD_CONFIG', 'no cloud chosen', {
      hint: known.length
        ? `choose one with --os-cloud NAME or OS_CLOUD: ${known.join(', ')} (in ${clouds?.path})`
        : `no clouds.yaml in ${dirs.join(', ')}: use --os-cloud NAME (or OS_CLOUD) with one, or set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, …`,
    })
  }
  for (const k of ['cloud', 'cloud_name', 'client_config_file', 'client_secure_file']) delete base[k]
  const config = normalize(name, merge(base, flags))
  if (!config.auth.auth_url) throw new WdError('WD_CONFIG', `cloud '${name}' has no auth_url`)
  return config
}
