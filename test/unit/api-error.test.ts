/**
 * A refused request's error from whatever the service answered: the body of an error answer is outside input, and
 * any JSON (null, a number, a bare string, an array) or none becomes one WdError line, never a TypeError.
 */
import {expect, it} from '@jest/globals'
import type {AxiosResponse} from 'axios'
import {WdError} from '../../src/errors.js'
import {apiError} from '../../src/openstack/http.js'

const req = {url: 'http://127.0.0.1:8774/v2.1/servers', method: 'GET', service: 'nova', headers: {}}
const said = (data: unknown, status = 500) => {
  const e = apiError(req, {status, data} as AxiosResponse)
  expect(e).toBeInstanceOf(WdError)
  return e.message
}

it.each([
  ['null', 'nova: HTTP 500 on GET /v2.1/servers'],
  ['42', 'nova: HTTP 500 on GET /v2.1/servers'],
  ['[{"message": "in a list"}]', 'nova: HTTP 500 on GET /v2.1/servers'],
  ['{"a": null, "b": 1}', 'nova: HTTP 500 on GET /v2.1/servers'],
  ['"a bare JSON string"', 'nova: HTTP 500 on GET /v2.1/servers: a bare JSON string'],
  ['{"computeFault": {"code": 500, "message": "boom\\n  twice"}}', 'nova: HTTP 500 on GET /v2.1/servers: boom twice'],
  ['{"__proto__": {"message": "from __proto__"}}', 'nova: HTTP 500 on GET /v2.1/servers: from __proto__'],
  ['<html><h1>502 Bad &amp; Gateway</h1></html>', 'nova: HTTP 500 on GET /v2.1/servers: 502 Bad & Gateway'],
  [undefined, 'nova: HTTP 500 on GET /v2.1/servers'],
])('an error body %j is said in one line', (body, message) => {
  expect(said(body)).toBe(message)
})

it('issue 22 item 12: a huge message in a JSON object is clipped and escaped like the other branches', () => {
  const message = `${'x'.repeat(5_000_000)}`
  for (const body of [
    JSON.stringify({badRequest: {message: `\u001b[2Jforged\n${message}`}}),
    JSON.stringify({message: `\u001b]0;title\u0007${message}`}),
    JSON.stringify(`\u009b${message}`),
  ]) {
    const m = said(body, 400)
    expect(m.length).toBeLessThan(400)
    // eslint-disable-next-line no-control-regex -- what must not be printed
    expect(m).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
  }
})
