/**
 * Getting an access token from the identity provider, as keystoneauth's v3oidc* plugins do: discovery (or an explicit
 * token endpoint), a grant check against grant_types_supported, client auth by HTTP Basic when a secret is set.
 * openid-client does the OAuth work; its HTTP goes through wd's client so cacert/verify apply to the IdP too.
 */
import * as oidc from 'openid-client'
import {WdError} from '../errors.js'
import type {AuthType} from './auth-types.js'
import type {Auth} from './cloud-config.js'
import type {HttpClient} from './http.js'

const GRANT: Partial<Record<AuthType, string>> = {
  v3oidcpassword: 'password',
  v3oidcclientcredentials: 'client_credentials',
}

/** openid-client's fetch, served by wd's HTTP client. */
function fetchVia(client: HttpClient): oidc.CustomFetch {
  return async (url, options) => {
    const res = await client.send({
      method: options.method,
      url,
      headers: options.headers,
      body:
        typeof options.body === 'string' || options.body instanceof URLSearchParams ? String(options.body) : undefined,
      service: 'identity provider',
    })
    const out = new Headers()
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v)
    return new Response(res.status === 204 ? null : (res.data as string), {status: res.status, headers: out})
  }
}

function needed(auth: Auth, key: string, type: AuthType): string {
  const v = auth[key]
  if (!v) throw new WdError('WD_CONFIG', `auth type ${type} needs ${key} (--os-${key.replaceAll('_', '-')})`)
  return v
}

async function configuration(auth: Auth, type: AuthType, http: HttpClient): Promise<oidc.Configuration> {
  const clientId = needed(auth, 'client_id', type)
  const secret = auth.client_secret
  const clientAuth = secret ? oidc.ClientSecretBasic(secret) : oidc.None()
  if (auth.discovery_endpoint) {
    // keystoneauth's discovery_endpoint is the .well-known URL itself, so the issuer is what it announces
    const config = await oidc.discovery(new URL(auth.discovery_endpoint), clientId, undefined, clientAuth, {
      [oidc.customFetch]: fetchVia(http),
      execute: [(c: oidc.Configuration) => withFetch(c, http)],
    })
    if (!auth.access_token_endpoint) return config
    // an explicit token endpoint overrides the discovered one (keystoneauth does the same)
    const {issuer} = config.serverMetadata()
    const server = {...(JSON.parse(JSON.stringify(config.serverMetadata())) as oidc.ServerMetadata), issuer}
    server.token_endpoint = auth.access_token_endpoint
    return withFetch(new oidc.Configuration(server, clientId, undefined, clientAuth), http)
  }
  if (!auth.access_token_endpoint) {
    throw new WdError('WD_CONFIG', `auth type ${type} needs discovery_endpoint or access_token_endpoint`)
  }
  const issuer = new URL(auth.access_token_endpoint).origin
  return withFetch(
    new oidc.Configuration({issuer, token_endpoint: auth.access_token_endpoint}, clientId, undefined, clientAuth),
    http,
  )
}

function withFetch(config: oidc.Configuration, http: HttpClient): oidc.Configuration {
  config[oidc.customFetch] = fetchVia(http)
  oidc.allowInsecureRequests(config)
  return config
}

/** The IdP's access token for a v3oidcpassword / v3oidcclientcredentials cloud. */
export async function idpAccessToken(auth: Auth, type: AuthType, http: HttpClient): Promise<string> {
  const grant = GRANT[type]!
  try {
    const config = await configuration(auth, type, http)
    const supported = config.serverMetadata().grant_types_supported
    if (supported && !supported.includes(grant)) {
      throw new WdError('WD_AUTH', `the identity provider does not offer the ${grant} grant (${type})`, {
        hint: `it offers: ${supported.join(', ')}`,
      })
    }
    const scope = auth.openid_scope ?? 'openid profile'
    const tokens =
      grant === 'password'
        ? await oidc.genericGrantRequest(config, 'password', {
            username: needed(auth, 'username', type),
            password: needed(auth, 'password', type),
            scope,
          })
        : await oidc.clientCredentialsGrant(config, {scope})
    const kind = (auth.access_token_type ?? 'access_token') as 'access_token' | 'id_token'
    const token = kind === 'id_token' ? tokens.id_token : tokens.access_token
    if (!token) throw new WdError('WD_AUTH', `the identity provider returned no ${kind}`)
    return token
  } catch (e) {
    if (e instanceof WdError) throw e
    // openid-client may wrap what wd's own HTTP client threw (an unreachable IdP, a TLS failure)
    if ((e as Error).cause instanceof WdError) throw (e as Error).cause as WdError
    if (e instanceof oidc.ResponseBodyError) {
      throw new WdError(
        'WD_AUTH',
        `identity provider: ${e.error}${e.error_description ? `: ${e.error_description}` : ''}`,
      )
    }
    throw new WdError('WD_AUTH', `identity provider: ${(e as Error).message}`, {cause: e})
  }
}
