import {describe, expect, it} from '@jest/globals'
import {readFileSync} from 'node:fs'
import {validateCatalogText} from '../../src/catalog/validate.js'
import {loadPolicy} from '../../src/policy/load.js'
import {RULES} from '../../src/engine/rules.js'
import {WdError} from '../../src/errors.js'

const read = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')

/** Line and column of `needle` in `text` (1-based), found by plain search: independent of the code under test. */
function at(text: string, needle: string, occurrence = 1): {line: number; col: number} {
  let idx = -1
  for (let i = 0; i < occurrence; i++) idx = text.indexOf(needle, idx + 1)
  if (idx < 0) throw new Error(`'${needle}' not in the fixture`)
  const before = text.slice(0, idx)
  return {line: before.split('\n').length, col: idx - before.lastIndexOf('\n')}
}

function only(text: string, policyText?: string) {
  const policy = policyText === undefined ? undefined : loadPolicy(policyText, 'policy.yaml')
  return validateCatalogText(text, 'c.yaml', {policy}).findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    line: f.position.line,
    col: f.position.col,
  }))
}

const flavor = (specs: string, extra = '') =>
  `flavors:\n  - name: m1.small\n    vcpus: 1\n    ram: 2048\n${extra}    extra_specs:\n${specs}`

describe('catalog validate: accepts what others wrote', () => {
  it.each(['catalogs/valid.yaml', 'catalogs/valid.json', 'scs-mandatory-flavors.yaml'])(
    '%s has no findings',
    (name) => {
      expect(validateCatalogText(read(name), name).findings).toEqual([])
    },
  )
})

describe('catalog validate: one finding per kind, with rule, line and column', () => {
  const cases: [string, string, string, string, 'error' | 'warning'][] = [
    // [what, catalog text, rule, where (needle), severity]
    ['a near-miss value', flavor('      hw:watchdog_action: Reset\n'), 'nova/invalid-action', 'Reset', 'error'],
    ["libvirt's shutdown", flavor('      hw:watchdog_action: shutdown\n'), 'nova/invalid-action', 'shutdown', 'error'],
    ['an empty flavor value', flavor("      hw:watchdog_action: ''\n"), 'nova/empty-flavor-action', "''", 'error'],
    [
      'a misspelled hw: key',
      flavor('      hw:watchdog_actoin: reset\n'),
      'nova/misspelled-key',
      'hw:watchdog_actoin',
      'error',
    ],
    [
      'the image key on a flavor',
      flavor('      hw_watchdog_action: reset\n'),
      'nova/image-key-on-flavor',
      'hw_watchdog_action',
      'warning',
    ],
    ['the blueprint key', flavor('      watchdog: poweroff\n'), 'nova/blueprint-key', 'watchdog:', 'warning'],
    [
      'the flavor key on an image',
      'images:\n  - name: img\n    properties:\n      hw:watchdog_action: reset\n',
      'nova/flavor-key-on-image',
      'hw:watchdog_action',
      'warning',
    ],
    ['a wrong type', flavor('      hw:cpu_policy: shared\n', '    disk: forty\n'), 'schema/type', 'forty', 'error'],
    [
      'an unknown key',
      flavor('      hw:cpu_policy: shared\n', '    colour: blue\n'),
      'schema/additional-properties',
      'colour',
      'error',
    ],
    ['a missing name', 'flavors:\n  - vcpus: 1\n', 'schema/required', 'vcpus', 'error'],
    ['a bad extra spec key', flavor('      "bad key!": x\n'), 'schema/pattern', '"bad key!"', 'error'],
    [
      'a duplicate flavor name',
      'flavors:\n  - name: a\n  - name: b\n  - name: a\n',
      'catalog/duplicate-flavor-name',
      'a\n',
      'error',
    ],
    [
      'a duplicate key',
      'flavors:\n  - name: a\n    vcpus: 1\n    vcpus: 2\n',
      'yaml/duplicate-key',
      'vcpus: 2',
      'error',
    ],
    [
      'a syntax error',
      'flavors:\n  - name: a\n    extra_specs: {hw:watchdog_action: reset\n',
      'yaml/syntax',
      '',
      'error',
    ],
  ]

  it.each(cases)('%s', (_what, text, rule, needle, severity) => {
    const findings = only(text)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({rule, severity})
    if (needle === 'a\n') expect(findings[0]).toMatchObject(at(text, 'a\n', 2))
    else if (needle !== '') expect(findings[0]).toMatchObject(at(text, needle))
    else expect(findings[0]!.line).toBeGreaterThanOrEqual(3)
  })

  it('a duplicate flavor id, pointing back at the first', () => {
    const text = 'flavors:\n  - name: a\n    id: "42"\n  - name: b\n    id: "42"\n'
    const r = validateCatalogText(text, 'c.yaml').findings
    expect(r.map((f) => [f.rule, f.position.line, f.message])).toEqual([
      ['catalog/duplicate-flavor-id', 5, "flavor id '42' is already used at line 3"],
    ])
  })

  it('an engine finding replaces the schema enum error at the same place (no double report)', () => {
    const r = validateCatalogText(flavor('      hw:watchdog_action: Reset\n'), 'c.yaml').findings
    expect(r.map((f) => f.rule)).toEqual(['nova/invalid-action'])
    expect(r[0]!.fix).toBe('hw:watchdog_action=reset')
  })

  it('reads the osism layout: keys with a colon are extra specs', () => {
    const text =
      'mandatory:\n  - name: SCS-1V-4\n    cpus: 1\n    ram: 4096\n    hw:watchdog_action: Poweroff\n    cpu: 2\n'
    expect(only(text)).toEqual([
      {rule: 'nova/invalid-action', severity: 'error', ...at(text, 'Poweroff')},
      {rule: 'schema/additional-properties', severity: 'error', ...at(text, 'cpu:')},
    ])
  })

  it('finds each problem of a multi-document file in its own document', () => {
    const text = read('catalogs/valid.yaml').replace('hw:watchdog_action: poweroff', 'hw:watchdog_action: power-off')
    expect(only(text)).toEqual([{rule: 'nova/invalid-action', severity: 'error', ...at(text, 'power-off')}])
  })

  it('every rule it can report is documented in the rule table', () => {
    const text =
      read('catalogs/valid.yaml') + '\n---\nflavors:\n  - name: x\n    ram: lots\n    extra_specs: {watchdog: reset}\n'
    for (const f of validateCatalogText(text, 'c.yaml').findings) expect(Object.keys(RULES)).toContain(f.rule)
  })
})

describe('catalog validate --policy', () => {
  const policy = read('catalogs/policy.yaml')

  it('flags actions the cloud does not allow, flavors without the required watchdog, and weakening images', () => {
    const text = [
      'flavors:',
      '  - name: prod.small',
      '    extra_specs: {hw:watchdog_action: reset}',
      '  - name: prod.medium',
      '    extra_specs: {hw:cpu_policy: shared}',
      '  - name: prod.large',
      '    extra_specs: {hw:watchdog_action: pause}',
      '  - name: dev.tiny',
      '    extra_specs: {hw:watchdog_action: none}',
      'images:',
      '  - name: appliance',
      '    properties: {hw_watchdog_action: disabled}',
      '  - name: debian',
      '    properties: {hw_watchdog_action: reset}',
      '',
    ].join('\n')
    expect(only(text, policy)).toEqual([
      {rule: 'policy/watchdog-required', severity: 'error', ...at(text, '{hw:cpu_policy')},
      {rule: 'policy/action-not-allowed', severity: 'error', ...at(text, 'pause')},
      {rule: 'policy/required-action', severity: 'error', ...at(text, 'pause')},
      {rule: 'policy/action-not-allowed', severity: 'error', ...at(text, 'none}')},
      {rule: 'policy/image-weakens-flavor', severity: 'error', ...at(text, 'disabled}')},
    ])
  })

  it('imageOverride deny refuses any image value; allow (the default) is what Nova does', () => {
    const text = 'images:\n  - name: img\n    properties: {hw_watchdog_action: reset}\n'
    expect(only(text, 'imageOverride: deny\n').map((f) => f.rule)).toEqual(['policy/image-override-denied'])
    expect(only(text, 'imageOverride: allow\n')).toEqual([])
  })

  it('a broken policy file is WD_CONFIG (exit 2) with its position', () => {
    const err = (() => {
      try {
        loadPolicy('imageOverride: never\n', 'p.yaml')
      } catch (e) {
        return e as WdError
      }
      throw new Error('expected an error')
    })()
    expect([err.code, err.exit, err.reason]).toEqual([
      'WD_CONFIG',
      2,
      'p.yaml:1:16: policy: must be one of: allow, deny, same-or-stricter (got "never")',
    ])
  })
})
