import {expect, it} from '@jest/globals'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {httpClient} from '../../src/openstack/http.js'

it('the --debug trace: one line per attempt, retries said, every credential header redacted, no body', async () => {
  let calls = 0
  // a 503 first: the fault that makes the client retry (a real API does not give one on demand)
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(calls++ === 0 ? 503 : 200).end('{"ok": true}'))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/auth/tokens`
  const lines: string[] = []
  try {
    const client = httpClient({verify: true, timeout: 5}, 5, (l) => lines.push(l))
    const res = await client.send({
      method: 'PUT',
      url,
      service: 'keystone',
      headers: {
        'X-Auth-Token': 'tok-secret-1',
        'X-Subject-Token': 'tok-secret-2',
        Authorization: 'Basic c2VjcmV0',
        'OpenStack-API-Version': 'compute 2.86',
      },
      body: {password: 'pw-secret-3'},
    })
    expect(res.status).toBe(200)
  } finally {
    server.close()
  }
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatch(
    /^http: PUT http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens \{.*\} body 26 bytes \(not shown\) -> 503 in \d+ ms, 12 bytes; retrying in 5 ms$/,
  )
  expect(lines[1]).toMatch(/-> 200 in \d+ ms, 12 bytes$/)
  expect(lines[0]).toContain('OpenStack-API-Version: compute 2.86')
  expect(lines[0]).toContain('X-Auth-Token: <redacted>, X-Subject-Token: <redacted>, Authorization: <redacted>')
  expect(lines.join('\n')).not.toMatch(/secret|c2VjcmV0/)
})

it('the trace never shows a password written into a URL', async () => {
  const lines: string[] = []
  const client = httpClient({verify: true, timeout: 2}, 1, (l) => lines.push(l))
  await expect(
    client.send({method: 'POST', url: 'http://admin:url-secret@127.0.0.1:9/v3/auth/tokens', service: 'keystone'}),
  ).rejects.toThrow(/cannot reach/)
  expect(lines).toEqual([
    expect.stringMatching(/^http: POST http:\/\/redacted@127\.0\.0\.1:9\/v3\/auth\/tokens \{\} -> ECONNREFUSED after/),
  ])
})
