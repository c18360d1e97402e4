/**
 * Issue 26 item 4: one UUID rule (src/api/uuid.ts) for Nova and Glance. Nova's copy took dashes as optional, Glance's
 * required them; both services make (and Glance only takes) the dashed form, so a dashless reference is no id of
 * theirs by shape: Nova's flavor lookup asks for it both ways at once (one round trip for a name, not two), and
 * Glance's by-id read does not ask.
 */
import {describe, expect, it} from '@jest/globals'
import type {AxiosResponse} from 'axios'
import {isUuid} from '../../src/api/uuid.js'
import type {Connection} from '../../src/openstack/connection.js'
import {getImage} from '../../src/openstack/glance.js'
import {findFlavor} from '../../src/openstack/nova.js'

const DASHED = '2a7e9a3c-5b1d-4f0e-8c6a-1d2e3f4a5b6c'
const DASHLESS = DASHED.replaceAll('-', '')

/** A cloud that answers from `answers` (path → status and body) and notes each request as it is sent. */
function cloud(answers: Record<string, [number, unknown]>) {
  const sent: string[] = []
  const conn = {
    config: {},
    warn: () => undefined,
    token: () => Promise.reject(new Error('no token here')),
    call: async (_service: string, _method: string, path: string) => {
      sent.push(path)
      await new Promise((r) => setTimeout(r, 5))
      const [status, body] = answers[path] ?? [404, {}]
      return {status, data: JSON.stringify(body), headers: {}, config: {}, statusText: ''} as unknown as AxiosResponse
    },
  } as unknown as Connection
  return {conn, sent}
}

describe('one UUID rule', () => {
  it('is the dashed form Nova and Glance make, in either case', () => {
    expect(isUuid(DASHED)).toBe(true)
    expect(isUuid(DASHED.toUpperCase())).toBe(true)
    expect(isUuid(DASHLESS)).toBe(false)
    expect(isUuid(`{${DASHED}}`)).toBe(false)
    expect(isUuid('m1.small')).toBe(false)
  })

  it('Nova: a dashless reference (a name, or a flavor id given by hand) is asked for by id and by name at once', async () => {
    const {conn, sent} = cloud({
      '/flavors/detail?is_public=None': [200, {flavors: [{id: 'f1', name: DASHLESS, extra_specs: {}}]}],
    })
    await expect(findFlavor(conn, DASHLESS)).resolves.toMatchObject({id: 'f1'})
    expect(sent).toEqual(['/flavors/detail?is_public=None', `/flavors/${DASHLESS}`])
  })

  it('Nova: a dashed one is asked for by id alone', async () => {
    const {conn, sent} = cloud({[`/flavors/${DASHED}`]: [200, {flavor: {id: DASHED, name: 'm1', extra_specs: {}}}]})
    await expect(findFlavor(conn, DASHED)).resolves.toMatchObject({id: DASHED})
    expect(sent).toEqual([`/flavors/${DASHED}`])
  })

  it('Glance: a dashless reference is no image id, and is not asked for', async () => {
    const {conn, sent} = cloud({})
    await expect(getImage(conn, DASHLESS)).resolves.toBeUndefined()
    expect(sent).toEqual([])
  })
})
