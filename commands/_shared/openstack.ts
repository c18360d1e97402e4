/**
 * The --os-* flags every cloud command takes (the openstack CLI's names) and the connection made from them.
 * OpenStack modules load on demand: axios alone costs ~100 ms of startup.
 */
import {Flags} from '@oclif/core'
import {AUTH_TYPES} from '../../src/openstack/auth-types.js'
import type {Connection} from '../../src/openstack/connection.js'

const os = (description: string, extra: {options?: string[]} = {}) =>
  Flags.string({description, helpGroup: 'OPENSTACK', ...extra})

export const openstackFlags = {
  'os-cloud': os('Cloud name in clouds.yaml [env: OS_CLOUD].'),
  'os-auth-type': os('Auth type, as keystoneauth names it [env: OS_AUTH_TYPE].', {options: [...AUTH_TYPES]}),
  'os-auth-url': os('Identity (Keystone) URL [env: OS_AUTH_URL].'),
  'os-username': os('User name [env: OS_USERNAME].'),
  'os-password': os('Password [env: OS_PASSWORD].'),
  'os-user-domain-name': os('User domain name [env: OS_USER_DOMAIN_NAME].'),
  'os-project-name': os('Project name [env: OS_PROJECT_NAME].'),
  'os-project-id': os('Project id [env: OS_PROJECT_ID].'),
  'os-project-domain-name': os('Project domain name [env: OS_PROJECT_DOMAIN_NAME].'),
  'os-region-name': os('Region [env: OS_REGION_NAME].'),
  'os-interface': os('Endpoint interface [env: OS_INTERFACE].', {options: ['public', 'internal', 'admin']}),
  'os-token': os('A Keystone token, for the token auth type [env: OS_TOKEN].'),
  'os-application-credential-id': os('Application credential id [env: OS_APPLICATION_CREDENTIAL_ID].'),
  'os-application-credential-secret': os('Application credential secret [env: OS_APPLICATION_CREDENTIAL_SECRET].'),
  'os-identity-provider': os('Federation: Keystone identity provider [env: OS_IDENTITY_PROVIDER].'),
  'os-protocol': os('Federation: protocol, e.g. openid [env: OS_PROTOCOL].'),
  'os-client-id': os('OIDC client id [env: OS_CLIENT_ID].'),
  'os-client-secret': os('OIDC client secret [env: OS_CLIENT_SECRET].'),
  'os-discovery-endpoint': os('OIDC discovery (.well-known) URL [env: OS_DISCOVERY_ENDPOINT].'),
  'os-access-token-endpoint': os('OIDC token endpoint [env: OS_ACCESS_TOKEN_ENDPOINT].'),
  'os-access-token': os('OIDC access token, for v3oidcaccesstoken [env: OS_ACCESS_TOKEN].'),
  'os-openid-scope': os('OIDC scope [env: OS_OPENID_SCOPE; default: openid profile].'),
  'os-cacert': os('CA bundle to verify TLS with [env: OS_CACERT].'),
  'os-api-timeout': os('Seconds a request may take [env: OS_API_TIMEOUT; clouds.yaml api_timeout; default: 30].'),
  'os-compute-api-version': os(
    'Compute microversion to send, instead of negotiating one [env: OS_COMPUTE_API_VERSION].',
  ),
  insecure: Flags.boolean({description: 'Do not verify TLS certificates.', helpGroup: 'OPENSTACK'}),
}

export type OpenstackFlagValues = Partial<Record<keyof typeof openstackFlags, string | boolean | undefined>> & {
  debug?: boolean
}

export async function connectFromFlags(flags: OpenstackFlagValues): Promise<Connection> {
  const overrides: Record<string, string | boolean> = {}
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined || v === false) continue
    if (k === 'insecure') overrides.insecure = true
    else if (k.startsWith('os-')) overrides[k.slice(3)] = v
  }
  const [{loadCloudConfig}, {connect}, {httpClient}] = await Promise.all([
    import('../../src/openstack/cloud-config.js'),
    import('../../src/openstack/connection.js'),
    import('../../src/openstack/http.js'),
  ])
  const config = loadCloudConfig(overrides)
  // --debug shows each HTTP exchange (credentials redacted, bodies never), as `openstack --debug` does
  const trace = flags.debug ? (line: string) => void process.stderr.write(`${line}\n`) : undefined
  // retries are said as they happen, so a slow cloud is not mistaken for a hung wd
  const onRetry = (line: string) => void process.stderr.write(`wd: ${line}\n`)
  const warn = (line: string) => void process.stderr.write(`warning: ${line}\n`)
  return connect(config, httpClient(config, undefined, trace, onRetry), undefined, warn)
}
