import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, wd, wdJson} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const BAD = 'flavors:\n  - name: m1.small\n    extra_specs:\n      hw:watchdog_action: Reset\n      watchdog: reset\n'

describe('wd catalog validate', () => {
  it('exit 0 on the bundled example, the SCS list and valid files (warnings allowed)', () => {
    const r = wd([
      'catalog',
      'validate',
      'examples/',
      fixture('scs-mandatory-flavors.yaml'),
      fixture('catalogs/valid.json'),
    ])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/✖ 1 problem \(0 errors, 1 warning\) in 3 files checked/)
  })

  it('--strict makes warnings fail', () => {
    expect(wd(['catalog', 'validate', 'examples/catalog.yaml', '--strict']).status).toBe(1)
  })

  it('exit 1 with findings: text shows file, line:col, the source line and a caret', () => {
    const r = wd(['catalog', 'validate', '-'], BAD)
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('<stdin>\n  4:27  error    m1.small: flavor extra spec')
    expect(r.stdout).toContain('    4 |       hw:watchdog_action: Reset\n      |                           ^^^^^\n')
    expect(r.stdout).toContain('    fix: hw:watchdog_action=reset')
  })

  it('exit 2 for an unreadable file, still reporting the others', () => {
    const r = wd(['catalog', 'validate', 'missing.yaml', fixture('catalogs/valid.yaml')])
    expect(r.status).toBe(2)
    expect(r.stdout).toContain('missing.yaml\n  cannot read: no such file or directory')
  })

  it('reads directories recursively and globs', () => {
    const dir = tempDir('wd-cat-')
    writeFileSync(join(dir, 'a.yaml'), BAD)
    writeFileSync(join(dir, 'b.yml'), 'flavors: []\n')
    writeFileSync(join(dir, 'notes.txt'), 'not a catalog')
    const json = (args: string[]) => wdJson<{files: {file: string}[]}>(['catalog', 'validate', ...args], {status: 1})
    expect(json([dir]).files.map((f) => f.file)).toEqual([`${dir}/a.yaml`, `${dir}/b.yml`])
    expect(json([`${dir}/*.yaml`]).files.map((f) => f.file)).toEqual([`${dir}/a.yaml`])
  })

  it('--format json lists findings with positions and a summary', () => {
    const r = wd(['catalog', 'validate', '-', '--format', 'json'], BAD)
    const report = JSON.parse(r.stdout) as {files: {findings: {rule: string; position: object}[]}[]; summary: object}
    expect(report.summary).toEqual({files: 1, errors: 1, warnings: 1, unreadable: 0, skipped: 0})
    expect(report.files[0]!.findings.map((f) => [f.rule, f.position])).toEqual([
      ['nova/invalid-action', {file: '<stdin>', line: 4, col: 27, endLine: 4, endCol: 32}],
      ['nova/blueprint-key', {file: '<stdin>', line: 5, col: 7, endLine: 5, endCol: 15}],
    ])
  })

  it('--format github: escaped annotations, capped at 10 per kind, then the full report', () => {
    const many =
      'flavors:\n' +
      Array.from({length: 12}, (_, i) => `  - name: f${i}\n    extra_specs: {hw:watchdog_action: "a,b:%"}\n`).join('')
    const r = wd(['catalog', 'validate', '-', '-f', 'github'], many)
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error '))
    expect(annotations).toHaveLength(10)
    expect(annotations[0]).toBe(
      "::error file=<stdin>,line=3,endLine=3,col=39,endColumn=46,title=wd nova/invalid-action::f0: flavor extra spec hw:watchdog_action='a,b:%25' is not a Nova watchdog action; Nova ≥ 2.86 refuses to store it, and an older value makes every spawn fail. Allowed: none, pause, poweroff, reset, disabled (case-sensitive).",
    )
    expect(r.stdout).toMatch(/^::notice title=wd::2 more findings are not annotated/m)
    expect(r.stdout.match(/nova\/invalid-action$/gm)).toHaveLength(12) // every finding in the text report
    expect(r.status).toBe(1)
  })

  it('--format junit is well-formed XML with a failure per error', () => {
    const r = wd(['catalog', 'validate', '-', fixture('catalogs/valid.yaml'), '-f', 'junit'], BAD)
    const lint = spawnSync('xmllint', ['--noout', '-'], {input: r.stdout, encoding: 'utf8'})
    expect(lint.status).toBe(0)
    expect(r.stdout).toMatch(/<testsuites name="wd catalog validate" tests="3" failures="1" errors="0">/)
    expect(r.stdout).toContain('<failure message="m1.small: flavor extra spec hw:watchdog_action=&apos;Reset&apos;')
    expect(r.stdout).toContain('<system-out>warning: m1.small: flavor extra spec &apos;watchdog&apos;')
  })

  it('--format sarif is SARIF 2.1.0 with rules, regions and stable fingerprints', () => {
    interface Sarif {
      version: string
      runs: {
        tool: {driver: {rules: {id: string}[]}}
        results: {
          ruleId: string
          ruleIndex: number
          level: string
          partialFingerprints: object
          locations: {physicalLocation: {region: {startLine: number}}}[]
        }[]
      }[]
    }
    const sarifOf = (text: string) => JSON.parse(wd(['catalog', 'validate', '-', '-f', 'sarif'], text).stdout) as Sarif
    const sarif = sarifOf(BAD)
    expect(sarif.version).toBe('2.1.0')
    const r0 = sarif.runs[0]!
    const rules = r0.tool.driver.rules
    const result = r0.results[0]!
    expect(rules[result.ruleIndex]!.id).toBe(result.ruleId)
    expect(result).toMatchObject({
      ruleId: 'nova/invalid-action',
      level: 'error',
      locations: [{physicalLocation: {artifactLocation: {uri: '<stdin>'}, region: {startLine: 4, startColumn: 27}}}],
    })
    expect(r0.results[1]!.level).toBe('warning')
    // moving the finding down a line keeps its fingerprint
    const shifted = sarifOf('# moved\n' + BAD).runs[0]!.results[0]!
    expect(shifted.partialFingerprints).toEqual(result.partialFingerprints)
    expect(shifted.locations[0]!.physicalLocation.region.startLine).toBe(5)
  })

  it('--policy violations are findings; a broken policy is exit 2', () => {
    const r = wd(['catalog', 'validate', fixture('catalogs/valid.yaml'), '--policy', fixture('catalogs/policy.yaml')])
    expect(r.status).toBe(0)
    const strictPolicy = 'allowedActions: [reset]\n'
    const dir = tempDir('wd-pol-')
    writeFileSync(join(dir, 'p.yaml'), strictPolicy)
    const v = wd(['catalog', 'validate', fixture('catalogs/valid.yaml'), '--policy', join(dir, 'p.yaml')])
    expect(v.status).toBe(1)
    expect(v.stdout).toMatch(
      /prod\.large: watchdog action 'poweroff' is not allowed by the policy .* policy\/action-not-allowed/,
    )
    writeFileSync(join(dir, 'bad.yaml'), 'require: [{flavour: x}]\n')
    const b = wd(['catalog', 'validate', fixture('catalogs/valid.yaml'), '--policy', join(dir, 'bad.yaml')])
    expect(b.status).toBe(2)
    expect(b.stderr).toMatch(/^wd: .*bad\.yaml:1:\d+: policy: /)
  })
})

describe('wd resolve --policy', () => {
  it('reports violations for a catalog flavor and image', () => {
    const r = wd([
      'resolve',
      ...['--catalog', fixture('catalogs/valid.yaml'), '--flavor', 'prod.large', '--image', 'ubuntu-24.04'],
      ...['--policy', fixture('catalogs/policy.yaml'), '-f', 'json'],
    ])
    expect(r.status).toBe(0)
    const inline = wd([
      'resolve',
      ...['--flavor-spec', 'hw:watchdog_action=reset', '--image-prop', 'hw_watchdog_action=disabled'],
      ...['--policy', fixture('catalogs/policy.yaml'), '-f', 'json'],
    ])
    expect(inline.status).toBe(1)
    const view = JSON.parse(inline.stdout) as {findings: {rule: string}[]}
    expect(view.findings.map((f) => f.rule)).toEqual(['policy/image-weakens-flavor'])
  })
})

describe('wd catalog validate on large and broken files', () => {
  it('a 50,000-flavor catalog with one bad value deep inside: exit 1, the finding at its line', async () => {
    const {generateCatalog} = await import('../../bench/gen-catalog.mjs')
    const text = generateCatalog(50000)
    const lines = text.split('\n')
    const target = lines.lastIndexOf('      hw:watchdog_action: reset')
    lines[target] = '      hw:watchdog_action: reboot'
    const dir = tempDir('wd-big-')
    writeFileSync(join(dir, 'big.yaml'), lines.join('\n'))
    const r = wd(['catalog', 'validate', join(dir, 'big.yaml'), '-f', 'json'])
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout) as {
      files: {findings: {rule: string; position: {line: number; col: number}}[]}[]
    }
    expect(report.files[0]!.findings).toEqual([
      expect.objectContaining({
        rule: 'nova/invalid-action',
        position: expect.objectContaining({line: target + 1, col: 27}) as object,
      }),
    ])
  })

  it('a file over the size limit is exit 2, said in one line', () => {
    const dir = tempDir('wd-huge-')
    writeFileSync(join(dir, 'huge.yaml'), Buffer.alloc(64 * 1024 * 1024 + 1, 0x20))
    const r = wd(['catalog', 'validate', join(dir, 'huge.yaml')])
    expect(r.status).toBe(2)
    expect(r.stdout).toMatch(/huge\.yaml\n {2}cannot read: .*huge\.yaml is 67108865 bytes; wd reads at most 67108864/)
  })

  it.each([
    ['tabs', 'flavors:\n\t- name: x\n'],
    ['an unclosed flow map', 'flavors:\n  - {name: x\n'],
    ['binary', '\u0000\u0001garbage'],
    ['a scalar document', 'just words'],
  ])('%s: exit 1 with a positioned message and no stack', (_what, text) => {
    const r = wd(['catalog', 'validate', '-'], text)
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^ {2}\d+:\d+ {2}error/m)
    expect(r.stderr).toBe('')
  })
})
