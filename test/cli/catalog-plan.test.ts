/**
 * What `wd catalog plan` and `apply` refuse before the cloud is asked anything: an invalid catalog, two catalog
 * entries for one flavor, plan flags given with a saved plan. The cloud named here does not exist (port 9): a test
 * that reached it would fail with WD_UNREACHABLE instead.
 */
import {describe, expect, it} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const nowhere = {
  OS_AUTH_URL: 'http://127.0.0.1:9/v3',
  OS_AUTH_TYPE: 'password',
  OS_USERNAME: 'nobody',
  OS_PASSWORD: 'secret',
  OS_PROJECT_NAME: 'none',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
}

describe('wd catalog plan and apply refuse before asking the cloud', () => {
  it('an invalid catalog: its findings, then one wd: line, exit 1', () => {
    const dir = tempDir('wd-plan-')
    const file = join(dir, 'c.yaml')
    writeFileSync(
      file,
      'flavors:\n  - name: a\n    vcpus: 1\n    ram: 64\n    extra_specs: {hw:watchdog_action: Reset}\n',
    )
    for (const args of [['plan'], ['apply', '--yes']]) {
      const r = wd(['catalog', ...args, file], undefined, nowhere)
      expect(r.status).toBe(1)
      expect(r.stderr).toMatch(/5:39 +error .*'Reset'.* nova\/invalid-action/)
      expect(r.stderr).toMatch(/^wd: the catalog has errors \(above\): nothing was planned$/m)
    }
  })

  it('two catalog files with one flavor: an error that names it, exit 1', () => {
    const dir = tempDir('wd-plan-')
    for (const f of ['a.yaml', 'b.yaml'])
      writeFileSync(join(dir, f), 'flavors:\n  - {name: m1.small, vcpus: 1, ram: 64}\n')
    const r = wd(['catalog', 'plan', dir], undefined, nowhere)
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([
      1,
      'wd: two catalog entries for the flavor with name m1.small',
    ])
  })

  it('a saved plan takes no plan flags', () => {
    const dir = tempDir('wd-plan-')
    const plan = join(dir, 'plan.json')
    writeFileSync(
      plan,
      JSON.stringify({
        version: 1,
        options: {scope: '**', prune: false, keepUnlistedSpecs: false, migrateLegacy: false},
        items: [],
        summary: {create: 0, update: 0, replace: 0, delete: 0, unmanaged: 0, unchanged: 0},
        warnings: [],
      }),
    )
    const r = wd(['catalog', 'apply', plan, '--yes', '--prune'], undefined, nowhere)
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([
      2,
      'wd: a saved plan is applied as it was made: --prune cannot change it',
    ])
    writeFileSync(plan, JSON.stringify({version: 1, items: 'no'}))
    const bad = wd(['catalog', 'apply', plan, '--yes'], undefined, nowhere)
    expect([bad.status, bad.stderr.split('\n')[0]]).toEqual([
      1,
      // read by the one document loader (issue 26 item 5): the place, and the wording every file's schema problems have
      `wd: ${plan}:1:1: no wd plan: missing required key 'options'`,
    ])
  })
})
