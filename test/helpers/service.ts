/** `wd serve` in-process, its Keystone the test cloud's: the one start-up the service tests share. */
import {connect} from '../../src/openstack/connection.js'
import {httpClient} from '../../src/openstack/http.js'
import {buildApp, type ServiceOptions} from '../../src/service/app.js'
import {tokenValidator} from '../../src/service/tokens.js'
import {serviceAccount} from './openstack.js'

export interface TestService {
  /** clouds.yaml keys of the service's own account over the defaults (an auth_url or an endpoint behind a door) */
  account?: Record<string, string>
  /** seconds a validated token is cached */
  ttl?: number
}

/** As the service's own account (Nova's service user: admin and service roles on the service project). */
export function keystoneService(t: TestService = {}, options: Omit<ServiceOptions, 'version' | 'keystone'> = {}) {
  const config = serviceAccount(t.account)
  const http = httpClient(config)
  const service = connect(config, http)
  return buildApp({
    version: 'test',
    keystone: {config, http, service, validator: tokenValidator(service, t.ttl ?? 60)},
    ...options,
  })
}
