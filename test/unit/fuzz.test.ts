/**
 * Hostile and random input at every parser and route: catalogs, policy, service config, clouds.yaml, domain XML,
 * Proxmox configs, QMP events, journal lines, HTTP bodies. Each must answer (a result, or a WdError with a stable
 * code), never crash, in bounded time. Every property runs with a fixed seed (WD_FUZZ_SEED, default 20261202) and with
 * two random seeds, printed so a failure can be replayed.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import type {FastifyInstance} from 'fastify'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {validateCatalogText} from '../../src/catalog/validate.js'
import {ERROR_CODES, WdError} from '../../src/errors.js'
import {openJournal} from '../../src/events/journal.js'
import {BoundedLines} from '../../src/events/lines.js'
import {qmpBark} from '../../src/events/qmp.js'
import {parseVirshEvent} from '../../src/events/libvirt.js'
import {loadCloudConfig} from '../../src/openstack/cloud-config.js'
import {loadPolicy} from '../../src/policy/load.js'
import {decodeConfig, parseConfig, readWatchdog, withWatchdog} from '../../src/proxmox/config-file.js'
import {patchDomainXml} from '../../src/render/domain-patch.js'
import {buildApp} from '../../src/service/app.js'
import {serviceConfig} from '../../src/service/config.js'
import {decodeText} from '../../src/source/text-bytes.js'
import {journalOf} from '../helpers/barks.js'
import {editsOf} from '../helpers/catalog-arbitraries.js'
import {tempDir} from '../helpers/gates.js'

const fixed = Number(process.env.WD_FUZZ_SEED ?? 20261202)
const seeds = [fixed, Math.floor(Math.random() * 2 ** 31), Math.floor(Math.random() * 2 ** 31)]
// printed once: a failing random seed is replayed with WD_FUZZ_SEED=<seed>
process.stderr.write(`fuzz seeds: ${seeds.join(', ')}\n`)

/** A property with each seed; a failure names its seed. */
function check<T>(arb: fc.Arbitrary<T>, body: (v: T) => void | Promise<void>, numRuns = 150) {
  return async () => {
    for (const seed of seeds) {
      const prop = fc.asyncProperty(arb, async (v) => {
        await body(v)
      })
      await fc.assert(prop, {seed, numRuns, endOnFailure: true})
    }
  }
}

/** The code under test answered or refused with a WdError, in bounded time. */
function answers(run: () => unknown, limitMs = 2000): void {
  const started = Date.now()
  try {
    run()
  } catch (e) {
    if (!(e instanceof WdError)) throw e
    expect(Object.keys(ERROR_CODES)).toContain(e.code)
    expect(e.reason.length).toBeLessThan(2000)
  }
  expect(Date.now() - started).toBeLessThan(limitMs)
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url))
const CATALOG = fixture('catalogs/valid.yaml').toString('utf8')
const PROXMOX = fixture('proxmox-101.conf')
const DOMAIN = fixture('domain-pc.xml')

/** Hostile fragments people and attackers put into YAML. */
const yamlBits = fc.constantFrom(
  '&a [*a]',
  '*a',
  '&x {a: 1}',
  '<<: *x',
  '__proto__: {polluted: 1}',
  'constructor: {prototype: {x: 1}}',
  '!!js/function "f"',
  '.nan',
  '0x7fffffffffffffffff',
  '99999999999999999999999999999',
  '---',
  '[',
  '{',
  '"\\u0000"',
  '\t',
  '\r',
  '\uFEFF',
  '? [a, b]\n: c',
  '- &b ["x","x","x","x","x","x","x","x","x"]\n- &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n- &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
)

/** Random edits of a real text, with hostile fragments among random strings. */
const edited = (base: string) => editsOf(base, fc.oneof(yamlBits, fc.string({maxLength: 8, unit: 'binary'})), 12)

describe('fuzz: YAML readers', () => {
  it(
    'catalog validate: edits of a real catalog',
    check(edited(CATALOG), (t) => answers(() => validateCatalogText(t, 'f.yaml'))),
  )
  it(
    'catalog validate: arbitrary text',
    check(fc.string({maxLength: 400, unit: 'binary'}), (t) => answers(() => validateCatalogText(t, 'f.yaml'))),
  )
  it(
    'policy',
    check(
      edited('allowedActions: [reset, poweroff]\nimageOverride: same-or-stricter\nrequire:\n  - flavors: "m1.*"\n'),
      (t) => answers(() => loadPolicy(t, 'p.yaml')),
    ),
  )
  it(
    'wd serve --config',
    check(edited('listen: {host: 127.0.0.1, port: 8787}\ntokenCache: {seconds: 60}\nlogLevel: info\n'), (t) =>
      answers(() => serviceConfig(t, 's.yaml')),
    ),
  )
  it(
    'clouds.yaml',
    check(
      edited(
        'clouds:\n  test:\n    auth:\n      auth_url: http://127.0.0.1:5000/v3\n      username: u\n    region_name: R\n',
      ),
      (t) => {
        const dir = tempDir('wd-fuzz-clouds-')
        writeFileSync(join(dir, 'clouds.yaml'), t)
        answers(() => loadCloudConfig({cloud: 'test'}, {env: {HOME: dir}, cwd: dir}))
      },
      60,
    ),
  )
})

describe('fuzz: editors', () => {
  it(
    'Proxmox configs: refused, or edited with every other byte kept',
    check(fc.array(fc.tuple(fc.nat(PROXMOX.length), fc.uint8Array({maxLength: 6})), {maxLength: 5}), (edits) => {
      let bytes = Buffer.from(PROXMOX)
      for (const [at, ins] of edits)
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(ins), bytes.subarray(at)])
      answers(() => {
        const text = decodeConfig(bytes, 'f.conf')
        const out = withWatchdog(text, {model: 'i6300esb', action: 'reset'})
        const back = withWatchdog(out, undefined)
        // without a watchdog line to start with, set then unset gives the bytes back
        if (parseConfig(text).watchdogAt === undefined) expect(Buffer.from(back, 'latin1').equals(bytes)).toBe(true)
        readWatchdog(parseConfig(out))
      })
    }),
  )
  it(
    'domain XML: bytes, encodings, broken markup',
    check(fc.array(fc.tuple(fc.nat(DOMAIN.length), fc.uint8Array({maxLength: 6})), {maxLength: 5}), (edits) => {
      let bytes = Buffer.from(DOMAIN)
      for (const [at, ins] of edits)
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(ins), bytes.subarray(at)])
      answers(() => {
        const d = decodeText(bytes, 'f.xml', 'domain XML')
        const {xml} = patchDomainXml(d.text, {model: 'i6300esb', action: 'reset'}, 'f.xml')
        expect(d.encode(xml).length).toBeGreaterThanOrEqual(bytes.length - 200)
      })
    }),
  )
})

describe('fuzz: bark sources', () => {
  const jsonish = fc.oneof(
    fc.jsonValue(),
    fc.record({
      event: fc.constantFrom('WATCHDOG', 'RESET', null),
      data: fc.oneof(
        fc.jsonValue(),
        fc.record({action: fc.oneof(fc.string(), fc.constantFrom('reset', 'reset\n', 'pause'))}),
      ),
      timestamp: fc.oneof(
        fc.jsonValue(),
        fc.record({
          seconds: fc.oneof(fc.double(), fc.integer(), fc.constant(1e20)),
          microseconds: fc.oneof(fc.jsonValue(), fc.nat()),
        }),
      ),
    }),
  )
  it(
    'QMP events: a bark with a real time and a QEMU action, or a problem said',
    check(
      jsonish,
      (msg) => {
        const problems: string[] = []
        const bark = qmpBark(msg, '/s', 'vm', (p) => problems.push(p))
        if (bark) {
          expect(Number.isNaN(Date.parse(bark.time))).toBe(false)
          expect(['reset', 'shutdown', 'poweroff', 'pause', 'debug', 'none', 'inject-nmi']).toContain(bark.action)
        } else expect(problems).toHaveLength(1)
        for (const p of problems) expect(p.length).toBeLessThan(300)
      },
      400,
    ),
  )
  it(
    'virsh lines',
    check(fc.string({maxLength: 200}), (line) => answers(() => parseVirshEvent(line, 'qemu:///system')), 300),
  )
  it(
    'line splitting: any chunking gives the same lines, overlong ones dropped',
    check(
      fc.tuple(
        fc.array(fc.string({maxLength: 30}), {maxLength: 20}),
        fc.array(fc.integer({min: 1, max: 17}), {minLength: 1, maxLength: 5}),
      ),
      ([lines, cuts]) => {
        const text = Buffer.from(lines.map((l) => l + '\n').join(''))
        const got: string[] = []
        const split = new BoundedLines({line: (l) => got.push(l), overlong: () => got.push('<overlong>')}, 20)
        for (let i = 0, k = 0; i < text.length; k++) {
          const size = cuts[k % cuts.length]!
          split.push(text.subarray(i, i + size))
          i += size
        }
        expect(got).toEqual(lines.map((l) => (Buffer.byteLength(l) > 20 ? '<overlong>' : l)))
      },
    ),
  )
  it(
    'journal lines: records kept, everything else skipped, the journal opens',
    check(
      fc.array(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({maxLength: 40}),
          fc.constant('{"id":"x","time":"2026-01-01T00:00:00Z","vm":"v","action":"reset","source":"s"}'),
        ),
        {maxLength: 12},
      ),
      async (lines) => {
        const path = join(tempDir('wd-fuzz-journal-'), 'j.jsonl')
        writeFileSync(path, lines.join('\n'))
        const barks = await journalOf(path)
        for (const b of barks) expect(typeof b.id).toBe('string')
        const j = await openJournal(path)
        await j.close()
      },
      60,
    ),
  )
})

describe('fuzz: HTTP bodies', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildApp({version: 'fuzz'})
  })
  afterAll(async () => app.close())
  const body = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({maxLength: 200, unit: 'binary'}),
    fc.constantFrom(
      '{"__proto__": {"x": 1}}',
      '{"flavorSpecs": {"constructor": {"prototype": {}}}}',
      '{"flavorSpecs": ',
      '[]',
      'null',
    ),
  )
  it(
    'every route answers in the envelope, never 500',
    check(
      fc.tuple(
        fc.constantFrom('/v1/resolve', '/v1/validate', '/v1/vendordata', '/v1/flavors/x/watchdog', '/nope'),
        fc.constantFrom('application/json', 'application/yaml', 'text/plain'),
        body,
      ),
      async ([url, type, payload]) => {
        const r = await app.inject({
          method: url.includes('watchdog') ? 'GET' : 'POST',
          url,
          payload,
          headers: {'content-type': type},
        })
        expect(r.statusCode).toBeLessThan(500)
        if (r.statusCode >= 400) expect(r.json<{error: {code: string}}>().error.code).toMatch(/^WD_/)
      },
      100,
    ),
  )
})
