/**
 * Clouds as they are: more flavors than one page of Nova's, a Nova older than wd's microversion, services that
 * hang or drop connections, and the configuration mistakes a new user makes. On the real test cloud; the faults a
 * real service cannot be made to produce on demand (an old Nova, a hung Keystone) sit in front of, or in place of,
 * one as small servers here.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import {join} from 'node:path'
import type {Connection} from '../../src/openstack/connection.js'
import {root, wd} from '../helpers/cli.js'
import {droppingProxy} from '../helpers/door.js'
import {
  cloud,
  connectAs,
  createFlavor,
  deleteFlavor,
  flavorSpecs,
  openstackSkipped,
  osEnv,
  unique,
} from '../helpers/openstack.js'
import {live, tempDir} from '../helpers/gates.js'

let admin: Connection
const flavors: string[] = []
beforeAll(() => {
  if (!openstackSkipped) admin = connectAs('admin')
})
afterAll(async () => {
  for (const id of flavors) await deleteFlavor(admin, id)
})

/** A Nova that offers compute microversions up to `max`: the real one behind a proxy that refuses anything newer. */
async function olderNova(max: string) {
  const target = new URL(cloud().WD_NOVA_URL!)
  const newer = (v: string) => {
    const [a, b] = v.split('.').map(Number)
    const [c, d] = max.split('.').map(Number)
    return a! > c! || (a === c && b! > d!)
  }
  const server = http.createServer((req, res) => {
    const asked = /compute (\d+\.\d+)/.exec(String(req.headers['openstack-api-version'] ?? ''))?.[1]
    if (asked && newer(asked)) {
      const message = `Version ${asked} is not supported by the API. Minimum is 2.1 and maximum is ${max}.`
      res.writeHead(406, {'Content-Type': 'application/json'}).end(JSON.stringify({computeFault: {code: 406, message}}))
      return
    }
    const upstream = http.request(
      {host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers},
      (up) => {
        let body = ''
        up.on('data', (d: Buffer) => (body += String(d)))
        up.on('end', () => {
          // the version document says what this older Nova offers
          const text = req.url === '/v2.1/' ? body.replace(/"version": "[\d.]+"/, `"version": "${max}"`) : body
          const headers = {...up.headers, 'content-length': String(Buffer.byteLength(text))}
          res.writeHead(up.statusCode!, headers).end(text)
        })
      },
    )
    req.pipe(upstream)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v2.1`, close: () => server.close()}
}

/** `wd` as a child process without blocking this one (the servers here must go on answering meanwhile). */
function wdAsync(args: string[], env: Record<string, string>): Promise<{status: number | null; stderr: string}> {
  return new Promise((resolve) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')))
    const child = spawn(process.execPath, [`${root}bin/run.js`, ...args], {env: {...base, ...env, NODE_OPTIONS: ''}})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)))
    child.on('close', (status) => resolve({status, stderr}))
  })
}

describe("more flavors than one page of Nova's", () => {
  live(
    "list, show and set follow flavors_links past the page limit (the test Nova's max_limit is 50)",
    async () => {
      const prefix = unique('page')
      for (let i = 0; i < 60; i++)
        flavors.push(await createFlavor(admin, `${prefix}-${String(i).padStart(2, '0')}`, {}))
      const list = wd(['flavor', 'list', '-f', 'value', '-c', 'Name'], undefined, osEnv('admin'))
      expect(list.status).toBe(0)
      const names = list.stdout.split('\n').filter((n) => n.startsWith(prefix))
      expect(names).toHaveLength(60)
      const last = `${prefix}-59`
      expect(wd(['flavor', 'show', last, '-f', 'value', '-c', 'name'], undefined, osEnv('admin')).stdout).toBe(
        `${last}\n`,
      )
      expect(wd(['flavor', 'set', last, '--action', 'reset'], undefined, osEnv('admin')).status).toBe(0)
      expect(await flavorSpecs(admin, flavors.at(-1)!)).toEqual({'hw:watchdog_action': 'reset'})
    },
    120_000,
  )
})

describe('a Nova older than 2.86', () => {
  live(
    'reads negotiate the microversion from the version document; writes warn that Nova does not validate',
    async () => {
      const nova = await olderNova('2.70')
      try {
        const id = await createFlavor(admin, unique('old-nova'), {})
        flavors.push(id)
        const env = {...osEnv('admin'), OS_COMPUTE_ENDPOINT_OVERRIDE: nova.url}
        const show = await wdAsync(['flavor', 'show', id, '-f', 'json'], env)
        expect([show.status, show.stderr]).toEqual([0, ''])
        const set = await wdAsync(['flavor', 'set', id, '--action', 'poweroff'], env)
        expect(set.status).toBe(0)
        expect(set.stderr).toBe(
          'warning: this Nova offers compute 2.70: it does not validate extra specs (2.86 does); wd checked the value itself\n',
        )
        expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'poweroff'})
        // --os-compute-api-version is sent as given, like the openstack CLI: no negotiation
        const fixed = await wdAsync(['flavor', 'show', id, '--os-compute-api-version', '2.86'], env)
        expect(fixed.status).toBe(1)
        expect(fixed.stderr).toMatch(
          /^wd: nova: HTTP 406 on GET \/v2\.1\/flavors\/.*: Version 2\.86 is not supported by the API/,
        )
      } finally {
        nova.close()
      }
    },
    60_000,
  )
})

describe('services that hang or drop connections', () => {
  it('a Keystone that accepts and never answers: the --os-api-timeout, then one line', async () => {
    const hung = net.createServer(() => undefined) // accepts, says nothing
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r))
    try {
      const port = (hung.address() as net.AddressInfo).port
      const env = {OS_AUTH_URL: `http://127.0.0.1:${port}/v3`, OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'p'}
      const r = await wdAsync(['flavor', 'list', '--os-api-timeout', '1'], env)
      expect([r.status, r.stderr]).toEqual([2, `wd: keystone: cannot reach http://127.0.0.1:${port}: timed out\n`])
    } finally {
      hung.close()
    }
  })

  live('retries are said on stderr as they happen', async () => {
    const dropper = await droppingProxy(cloud().WD_NOVA_URL!, 2)
    try {
      const r = await wdAsync(['flavor', 'list', '-f', 'json'], {
        ...osEnv('admin'),
        OS_COMPUTE_ENDPOINT_OVERRIDE: dropper.url,
      })
      expect(r.status).toBe(0)
      expect(r.stderr).toBe(
        'wd: retrying in 0.4 s (1/3): nova: GET /v2.1/flavors/detail: ECONNRESET\n' +
          'wd: retrying in 0.8 s (2/3): nova: GET /v2.1/flavors/detail: ECONNRESET\n',
      )
    } finally {
      dropper.close()
    }
  })
})

describe('openstack CLI habits', () => {
  live('several flavors in one set, each reported; a missing one is its own line and the exit status', async () => {
    const a = unique('multi-a')
    const b = unique('multi-b')
    flavors.push(await createFlavor(admin, a, {'hw:cpu_policy': 'shared'}), await createFlavor(admin, b, {}))
    const set = wd(['flavor', 'set', a, b, '--action', 'reset', '-f', 'json'], undefined, osEnv('admin'))
    expect(set.status).toBe(0)
    const both = JSON.parse(set.stdout) as {name: string; 'hw:watchdog_action': string}[]
    expect(both.map((f) => [f.name, f['hw:watchdog_action']])).toEqual([
      [a, 'reset'],
      [b, 'reset'],
    ])
    const partly = wd(
      ['flavor', 'unset', a, 'wd-it-no-such-flavor', '-f', 'value', '-c', 'name'],
      undefined,
      osEnv('admin'),
    )
    expect([partly.status, partly.stdout]).toEqual([2, `${a}\n`])
    expect(partly.stderr).toBe("wd: wd-it-no-such-flavor: no flavor 'wd-it-no-such-flavor' (by id or name)\n")
    expect(await flavorSpecs(admin, flavors.at(-2)!)).toEqual({'hw:cpu_policy': 'shared'})
    expect(await flavorSpecs(admin, flavors.at(-1)!)).toEqual({'hw:watchdog_action': 'reset'})
  })

  live('--dry-run looks everything up, says what would change, and writes nothing', async () => {
    const name = unique('dry')
    const id = await createFlavor(admin, name, {'hw:watchdog_action': 'pause'})
    flavors.push(id)
    const dry = wd(
      ['flavor', 'set', name, '--action', 'reset', '--dry-run', '-f', 'value', '-c', 'hw:watchdog_action'],
      undefined,
      osEnv('admin'),
    )
    expect([dry.status, dry.stdout, dry.stderr]).toEqual([
      0,
      'reset\n',
      `dry run: would set hw:watchdog_action=reset on flavor ${name} (now: pause)\n`,
    ])
    const unset = wd(['flavor', 'unset', name, '--dry-run', '-f', 'value', '-c', 'name'], undefined, osEnv('admin'))
    expect(unset.stderr).toBe(`dry run: would remove hw:watchdog_action from flavor ${name} (now: pause)\n`)
    expect(await flavorSpecs(admin, id)).toEqual({'hw:watchdog_action': 'pause'})
    const missing = wd(
      ['flavor', 'set', 'wd-it-no-such-flavor', '--action', 'reset', '--dry-run'],
      undefined,
      osEnv('admin'),
    )
    expect(missing.status).toBe(2)
  })
})

describe('what a new user gets wrong in the configuration', () => {
  const noClouds = {HOME: tempDir('wd-home-'), XDG_CONFIG_HOME: '/nonexistent'}

  it('a missing setting is named as flag and variable', () => {
    const r = wd(['flavor', 'list'], undefined, {...noClouds, OS_AUTH_URL: 'http://127.0.0.1:9/v3', OS_USERNAME: 'u'})
    expect([r.status, r.stderr]).toEqual([2, 'wd: password auth needs a password (--os-password or OS_PASSWORD)\n'])
  })

  it('flags alone describe a cloud, as OS_* variables do', () => {
    const r = wd(
      ['flavor', 'list', '--os-auth-url', 'http://127.0.0.1:9/v3', '--os-username', 'u'],
      undefined,
      noClouds,
    )
    expect(r.stderr).toBe('wd: password auth needs a password (--os-password or OS_PASSWORD)\n')
  })

  it('an OS_CLIENT_CONFIG_FILE that does not exist is an error, not another cloud', () => {
    const r = wd(['flavor', 'list'], undefined, {...noClouds, OS_CLIENT_CONFIG_FILE: '/nonexistent/clouds.yaml'})
    expect([r.status, r.stderr]).toEqual([
      2,
      'wd: OS_CLIENT_CONFIG_FILE names /nonexistent/clouds.yaml, which does not exist\n',
    ])
  })

  it('"no cloud chosen" lists the clouds there are, and where it looked when there are none', () => {
    const dir = tempDir('wd-clouds-')
    writeFileSync(
      join(dir, 'clouds.yaml'),
      'clouds:\n  prod: {auth: {auth_url: "http://x/v3"}}\n  lab: {auth: {auth_url: "http://y/v3"}}\n',
    )
    const two = wd(['flavor', 'list'], undefined, {...noClouds}, dir)
    expect(two.stderr).toBe(
      `wd: no cloud chosen\nhint: choose one with --os-cloud NAME or OS_CLOUD: prod, lab (in ${dir}/clouds.yaml)\n`,
    )
    const none = wd(['flavor', 'list'], undefined, noClouds, tempDir('wd-empty-'))
    expect(none.stderr).toMatch(
      /^wd: no cloud chosen\nhint: no clouds.yaml in .*\/etc\/xdg\/openstack, \/etc\/openstack: /,
    )
  })
})
