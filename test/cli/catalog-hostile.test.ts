/** `wd catalog validate`, `resolve --catalog` and the config readers under hostile and careless input. */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

interface Report {
  files: {findings: {rule: string; message: string; position: {line: number; col: number}}[]}[]
  summary: object
}
const report = (stdout: string) => JSON.parse(stdout) as Report

const tmp = () => tempDir('wd-catalog-hostile-')
const file = (name: string, text: string) => {
  const path = join(tmp(), name)
  writeFileSync(path, text)
  return path
}

/** A billion laughs: 9 levels of 9 aliases, 383 bytes that expand to 387 million nodes. */
const LAUGHS =
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' +
  [...'bcdefghi'].map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`).join('\n') +
  '\n'

describe('findings are capped per file and counted in full', () => {
  const many = `flavors: [${Array(20000).fill(1).join(',')}]\n`

  it('lists 1,000 by default, then one finding that counts the rest; the summary counts all', () => {
    const r = wd(['catalog', 'validate', '-', '-f', 'json'], many)
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout) as {files: {findings: {rule: string; message: string}[]}[]; summary: object}
    const findings = report.files[0]!.findings
    expect(findings).toHaveLength(1001)
    expect(findings[0]).toMatchObject({rule: 'schema/type', message: 'must be object (got 1)'})
    expect(findings[1000]).toMatchObject({
      rule: 'catalog/more-findings',
      message: 'and 19000 more findings (19000 errors, 0 warnings), not listed',
    })
    expect(report.summary).toMatchObject({errors: 20000, warnings: 0})
  })

  it('--max-findings sets the cap; 0 lists all', () => {
    const five = report(wd(['catalog', 'validate', '-', '-f', 'json', '--max-findings', '5'], many).stdout)
    expect(five.files[0]!.findings.map((f) => f.position.col)).toEqual([11, 13, 15, 17, 19, 19])
    const all = report(wd(['catalog', 'validate', '-', '-f', 'json', '--max-findings', '0'], many).stdout)
    expect(all.files[0]!.findings).toHaveLength(20000)
  })
})

describe('YAML alias bombs are refused, with the place of the alias', () => {
  it('catalog validate: one finding at the alias that passes the bound, small output, exit 1', () => {
    expect(LAUGHS.length).toBe(342)
    const r = wd(['catalog', 'validate', file('laughs.yaml', LAUGHS)])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(
      / {2}7:8 {2}error {4}aliases expand past 1,000,000 nodes here; wd refuses the document {2}yaml\/alias-expansion/,
    )
    expect(r.stdout.length).toBeLessThan(1000)
  })

  it('resolve --catalog and wd serve --config refuse it too, in one line', () => {
    const bomb = file('laughs.yaml', LAUGHS)
    const resolve = wd(['resolve', '--catalog', bomb, '--flavor', 'x'])
    expect(resolve.status).toBe(1)
    expect(resolve.stderr).toMatch(/^wd: .*laughs\.yaml:7:8: aliases expand past 1,000,000 nodes/)
    expect(resolve.stderr.length).toBeLessThan(1000)
    const serve = wd(['serve', '--config', bomb, '--port', '0'])
    expect(serve.status).toBe(2)
    expect(serve.stderr).toMatch(/^wd: .*laughs\.yaml:7:8: aliases expand past 1,000,000 nodes/)
    expect(serve.stderr.length).toBeLessThan(1000)
  })

  it('anchors that a real catalog uses (shared extra specs) are fine', () => {
    const text =
      'flavors:\n' +
      Array.from({length: 200}, (_, i) =>
        i === 0
          ? '  - name: f0\n    extra_specs: &specs {hw:watchdog_action: reset, hw:cpu_policy: shared}\n'
          : `  - name: f${i}\n    extra_specs: *specs\n`,
      ).join('')
    expect(wd(['catalog', 'validate', '-'], text).status).toBe(0)
  })
})

describe('no unbounded value reaches a message', () => {
  it('a 20 MB flavor name and duplicate: the report stays small, values cut at 80 characters', () => {
    const name = 'x'.repeat(20_000_000)
    const r = wd([
      'catalog',
      'validate',
      file('big.yaml', `flavors:\n  - name: ${name}\n    vcpus: 0\n  - name: ${name}\n`),
    ])
    expect(r.status).toBe(1)
    expect(r.stdout.length).toBeLessThan(4000)
    expect(r.stdout).toContain(`flavor name '${'x'.repeat(79)}…' is already used at line 2`)
  })
})

describe('nothing from the file drives the terminal', () => {
  it('a control character in a file name, a flavor name or a source line is shown escaped, the caret under it', () => {
    // the name holds ESC [31m through YAML's \e; the other file's line holds a raw ESC, which YAML refuses
    const named = file(
      'esc\u001b[1m.yaml',
      'flavors:\n  - name: "a\\e[31mred"\n    extra_specs: {hw:watchdog_action: bogus}\n',
    )
    const r = wd(['catalog', 'validate', named, file('raw.yaml', 'x: a\u001b[2J\n')])
    expect(r.status).toBe(1)
    // eslint-disable-next-line no-control-regex -- the absence of control characters is what is tested
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    expect(r.stdout).toContain('esc\\u001b[1m.yaml')
    expect(r.stdout).toContain("a\\u001b[31mred: flavor extra spec hw:watchdog_action='bogus'")
    const lines = r.stdout.split('\n')
    const at = lines.findIndex((l) => l.startsWith('    1 | '))
    expect(lines[at]).toBe('    1 | x: a\\u001b[2J')
    // the caret sits under the escape that stands for the ESC
    expect(lines[at + 1]!.indexOf('^')).toBe(lines[at]!.indexOf('\\u001b'))
  })

  it('JUnit XML stays well-formed for xmllint with a control character in a flavor name', () => {
    const named = 'flavors:\n  - name: "a\\e[31mred"\n    extra_specs: {hw:watchdog_action: bogus}\n'
    const r = wd(['catalog', 'validate', '-', '-f', 'junit'], named)
    expect(r.status).toBe(1)
    const lint = spawnSync('xmllint', ['--noout', '-'], {input: r.stdout, encoding: 'utf8'})
    expect(lint.stderr).toBe('')
    expect(lint.status).toBe(0)
    expect(r.stdout).toContain('<failure message="a\\u001b[31mred: flavor extra spec')
  })
})

describe("Nova's own bounds and values YAML cannot put in JSON", () => {
  it('vcpus and ram past int32 are refused; .nan is named as such', () => {
    const text =
      'flavors:\n  - name: a\n    vcpus: 99999999999999999999999999999\n    ram: 0x7fffffffffffffffff\n' +
      '    disk: .nan\n    rxtx_factor: 0\n'
    const r = wd(['catalog', 'validate', '-', '-f', 'json'], text)
    expect(r.status).toBe(1)
    const found = report(r.stdout).files[0]!.findings.map((f) => [f.position.line, f.message])
    expect(found).toEqual([
      [3, 'must be <= 2147483647 (got 1e+29)'],
      [4, 'must be <= 2147483647 (got 2.3611832414348226e+21)'],
      [5, 'must be integer (got .nan)'],
      [6, 'must be > 0 (got 0)'],
    ])
  })

  it("every field Nova's flavor create takes is a catalog field", () => {
    const text =
      'flavors:\n  - {name: a, id: a1, vcpus: 2, ram: 2048, disk: 20, swap: 512, ephemeral: 10, rxtx_factor: 1.5,\n' +
      '     is_public: false, description: "small", extra_specs: {hw:watchdog_action: reset}}\n'
    const r = wd(['catalog', 'validate', '-'], text)
    expect([r.status, r.stdout]).toEqual([0, '✓ 1 file checked, no problems\n'])
  })

  it('a second YAML document in wd serve --config is refused, at its place', () => {
    const r = wd([
      'serve',
      '--config',
      file('serve.yaml', 'listen: {port: 0}\n---\nlisten: {port: 80}\n'),
      '--port',
      '0',
    ])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^wd: .*serve\.yaml:3:1: .*holds 2 YAML documents; wd reads exactly one\nhint: /)
  })
})

describe('nothing passes silently', () => {
  it('an unreadable file gets no green check', () => {
    const r = wd(['catalog', 'validate', 'missing.yaml'])
    expect(r.status).toBe(2)
    expect(r.stdout).not.toContain('✓')
    expect(r.stdout).toContain('✖ 0 files checked, no problems found, 1 file unreadable')
  })

  it('SARIF carries the unreadable file as a tool execution notification', () => {
    const r = wd(['catalog', 'validate', 'missing.yaml', fixture('catalogs/valid.yaml'), '-f', 'sarif'])
    const sarif = JSON.parse(r.stdout) as {runs: {invocations: unknown[]}[]}
    expect(sarif.runs[0]!.invocations[0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: {text: 'cannot read: no such file or directory'},
          locations: [{physicalLocation: {artifactLocation: {uri: 'missing.yaml'}}}],
        },
      ],
    })
  })

  it('an empty catalog is a warning: nothing to check', () => {
    const r = wd(['catalog', 'validate', '-'], '# nothing yet\n')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('1:1  warning  no flavors and no images: nothing to check  catalog/empty')
    expect(wd(['catalog', 'validate', '-', '--strict'], '').status).toBe(1)
  })

  it('a policy file in a catalog directory is skipped with a notice, not checked as a catalog', () => {
    const dir = tmp()
    writeFileSync(join(dir, 'policy.yaml'), 'allowedActions: [reset]\nimageOverride: deny\n')
    writeFileSync(join(dir, 'catalog.yaml'), 'flavors:\n  - name: a\n    extra_specs: {hw:watchdog_action: reset}\n')
    const r = wd(['catalog', 'validate', dir])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(
      `${dir}/policy.yaml\n  skipped: a wd policy file, not a catalog (give it with --policy)\n\n` +
        '✓ 1 file checked, no problems, 1 file skipped\n',
    )
  })

  it('a YAML syntax error is placed where the text breaks, not a line later', () => {
    const r = wd(['catalog', 'validate', '-'], 'flavors:\n  - name: a\n    vcpus: 1\n    ram: [1\n')
    expect(r.stdout).toContain("  4:10  error    deficient indentation: this '[' is never closed  yaml/syntax")
  })
})
