/**
 * Keystone v3 tokens for each supported auth type, and endpoints from the token's catalog. One token serves a whole
 * command; the connection asks for a new one once when a service answers 401.
 */
import {WdError} from '../errors.js'
import type {AuthType} from './auth-types.js'
import type {Auth, CloudConfig} from './cloud-config.js'
import {apiError, type HttpClient} from './http.js'

interface CatalogEntry {
  type: string
  name?: string
  endpoints: {interface: string; region?: string; region_id?: string; url: string}[]
}

export interface Token {
  value: string
  expiresAt?: string
  catalog: CatalogEntry[]
  roles: string[]
  user?: {id: string; name: string}
  project?: {id: string; name: string}
}

/** `{auth_url}/v3` whatever way auth_url was written. */
export function identityBase(authUrl: string): string {
  const u = authUrl.replace(/\/+$/, '')
  return /\/v3$/.test(u) ? u : `${u}/v3`
}

function scope(auth: Auth): object | undefined {
  if (auth.system_scope) return {system: {all: true}}
  if (auth.project_id) return {project: {id: auth.project_id}}
  if (auth.project_name) {
    const domain = auth.project_domain_id
      ? {id: auth.project_domain_id}
      : auth.project_domain_name
        ? {name: auth.project_domain_name}
        : {id: 'default'}
    return {project: {name: auth.project_name, domain}}
  }
  if (auth.domain_id) return {domain: {id: auth.domain_id}}
  if (auth.domain_name) return {domain: {name: auth.domain_name}}
  return undefined
}

/** Where a missing setting can be given: the flag and the variable, as the openstack CLI names them. */
const via = (key: string) => `--os-${key.replaceAll('_', '-')} or OS_${key.toUpperCase()}`

function user(auth: Auth): object {
  if (auth.user_id) return {id: auth.user_id}
  if (!auth.username) throw new WdError('WD_CONFIG', `password auth needs username or user_id (${via('username')})`)
  const domain = auth.user_domain_id
    ? {id: auth.user_domain_id}
    : auth.user_domain_name
      ? {name: auth.user_domain_name}
      : {id: 'default'}
  return {name: auth.username, domain}
}

function identity(type: AuthType, auth: Auth): object {
  switch (type) {
    case 'password':
    case 'v3password':
      if (!auth.password) throw new WdError('WD_CONFIG', `password auth needs a password (${via('password')})`)
      return {methods: ['password'], password: {user: {...user(auth), password: auth.password}}}
    case 'token':
    case 'v3token':
      if (!auth.token) throw new WdError('WD_CONFIG', `token auth needs a token (${via('token')})`)
      return {methods: ['token'], token: {id: auth.token}}
    case 'v3applicationcredential': {
      if (!auth.application_credential_secret) {
        throw new WdError(
          'WD_CONFIG',
          `v3applicationcredential needs application_credential_secret (${via('application_credential_secret')})`,
        )
      }
      const cred = auth.application_credential_id
        ? {id: auth.application_credential_id}
        : {name: auth.application_credential_name, user: user(auth)}
      return {
        methods: ['application_credential'],
        application_credential: {...cred, secret: auth.application_credential_secret},
      }
    }
    default:
      throw new Error(`identity() is not for ${type}`)
  }
}

interface TokenBody {
  token?: {
    expires_at?: string
    catalog?: CatalogEntry[]
    roles?: {name: string}[]
    user?: {id: string; name: string}
    project?: {id: string; name: string}
  }
}

async function issue(
  http: HttpClient,
  base: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<Token> {
  const req = {
    method: 'POST',
    url: `${base}/auth/tokens`,
    body,
    service: 'keystone',
    headers: {'Content-Type': 'application/json', ...headers},
  }
  const res = await http.send(req)
  if (res.status !== 201 && res.status !== 200) {
    const hint =
      res.status === 401
        ? 'check the credentials (and, for a token, that it has not expired or been revoked)'
        : undefined
    throw apiError(req, res, hint)
  }
  const value = res.headers['x-subject-token'] as string | undefined
  if (!value) throw new WdError('WD_AUTH', 'keystone: the answer carries no X-Subject-Token')
  return tokenFromBody(value, res.data as string)
}

/** A token from Keystone's answer body (as issued, or as `GET /v3/auth/tokens` shows another one). */
export function tokenFromBody(value: string, body: string): Token {
  const t = (JSON.parse(body) as TokenBody).token ?? {}
  return {
    value,
    ...(t.expires_at && {expiresAt: t.expires_at}),
    catalog: t.catalog ?? [],
    roles: (t.roles ?? []).map((r) => r.name),
    ...(t.user && {user: t.user}),
    ...(t.project && {project: t.project}),
  }
}

/** Federation: the IdP's access token for an unscoped Keystone token, then rescoped to the project. */
async function federated(config: CloudConfig, http: HttpClient, base: string): Promise<Token> {
  const {auth, authType} = config
  for (const k of ['identity_provider', 'protocol']) {
    if (!auth[k]) throw new WdError('WD_CONFIG', `auth type ${authType} needs ${k} (${via(k)})`)
  }
  const access =
    authType === 'v3oidcaccesstoken'
      ? (auth.access_token ??
        (() => {
          throw new WdError('WD_CONFIG', `v3oidcaccesstoken needs access_token (${via('access_token')})`)
        })())
      : // loaded for OIDC clouds only: most commands never need openid-client
        await (await import('./oidc.js')).idpAccessToken(auth, authType, http)
  const url = `${base}/OS-FEDERATION/identity_providers/${encodeURIComponent(auth.identity_provider!)}/protocols/${encodeURIComponent(auth.protocol!)}/auth`
  const req = {method: 'POST', url, service: 'keystone', headers: {Authorization: `Bearer ${access}`}}
  const res = await http.send(req)
  if (res.status !== 201)
    throw apiError(req, res, res.status === 401 ? 'the IdP token was not accepted by Keystone' : undefined)
  const unscoped = res.headers['x-subject-token'] as string | undefined
  if (!unscoped) throw new WdError('WD_AUTH', 'keystone: the federated answer carries no X-Subject-Token')
  const s = scope(auth)
  return issue(http, base, {auth: {identity: {methods: ['token'], token: {id: unscoped}}, ...(s && {scope: s})}})
}

export async function authenticate(config: CloudConfig, http: HttpClient): Promise<Token> {
  const base = identityBase(config.auth.auth_url!)
  if (config.authType.startsWith('v3oidc')) return federated(config, http, base)
  const s = config.authType === 'v3applicationcredential' ? undefined : scope(config.auth)
  return issue(http, base, {auth: {identity: identity(config.authType, config.auth), ...(s && {scope: s})}})
}

/** A service's URL from the token's catalog, by type, interface and region. */
export function endpoint(token: Token, type: string, config: Pick<CloudConfig, 'interface' | 'regionName'>): string {
  return catalogEndpoint(token, type, config).url.replace(/\/+$/, '')
}

/** The region of the service's endpoint wd uses (the configured one, else the one the catalog gives), or null. */
export function endpointRegion(
  token: Token,
  type: string,
  config: Pick<CloudConfig, 'interface' | 'regionName'>,
): string | null {
  const e = catalogEndpoint(token, type, config)
  return e.region_id ?? e.region ?? config.regionName ?? null
}

function catalogEndpoint(
  token: Token,
  type: string,
  config: Pick<CloudConfig, 'interface' | 'regionName'>,
): Token['catalog'][number]['endpoints'][number] {
  const service = token.catalog.find((s) => s.type === type)
  if (!service) {
    throw new WdError('WD_NOT_FOUND', `the catalog has no ${type} service`, {
      hint: `services: ${token.catalog.map((s) => s.type).join(', ') || 'none (is the token scoped to a project?)'}`,
    })
  }
  const match = service.endpoints.find(
    (e) => e.interface === config.interface && (!config.regionName || (e.region_id ?? e.region) === config.regionName),
  )
  if (!match) {
    const have = service.endpoints.map((e) => `${e.interface}/${e.region_id ?? e.region ?? '-'}`).join(', ')
    throw new WdError(
      'WD_NOT_FOUND',
      `no ${config.interface} ${type} endpoint${config.regionName ? ` in ${config.regionName}` : ''}`,
      {
        hint: `endpoints: ${have}`,
      },
    )
  }
  return match
}
