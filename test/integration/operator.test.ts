/**
 * Issue 24, what a new operator tripped over, on the real Keystone, Nova and Glance of test/env/openstack (and the
 * openstack CLI, python3-openstackclient, which wd's records are compared with): dry runs that say so (item 9),
 * apply output in CI (item 10). Every flavor here is named with this run's prefix, and catalogs are scoped to it.
 */
import {afterAll, beforeAll, describe, expect, jest} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Connection} from '../../src/openstack/connection.js'
import {listFlavors} from '../../src/openstack/nova.js'
import {wd} from '../helpers/cli.js'
import {live, tempDir} from '../helpers/gates.js'
import {connectAs, createFlavor, deleteFlavor, openstackSkipped, osEnv, unique} from '../helpers/openstack.js'

jest.setTimeout(120_000)

let admin: Connection
const prefix = unique('op')
const env = () => osEnv('admin')

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
})

afterAll(async () => {
  if (openstackSkipped) return
  for (const f of (await listFlavors(admin, true)).filter((x) => x.name.startsWith(prefix)))
    await deleteFlavor(admin, f.id)
})

const write = (name: string, text: string) => {
  const path = join(tempDir('wd-op-'), name)
  writeFileSync(path, text)
  return path
}

describe('item 9: a dry run says so', () => {
  live('no change is said as such; the table on stdout is captioned; a real change is not', async () => {
    const name = `${prefix}-dry`
    await createFlavor(admin, name, {'hw:watchdog_action': 'reset'})
    const same = wd(['flavor', 'set', name, '--action', 'reset', '--dry-run'], undefined, env())
    expect(same.status).toBe(0)
    expect(same.stderr).toBe(`dry run: no change: flavor ${name} already has hw:watchdog_action=reset\n`)
    expect(same.stdout.split('\n')[0]).toBe('dry run: as it would be; nothing was written')
    const other = wd(['flavor', 'set', name, '--action', 'poweroff', '--dry-run'], undefined, env())
    expect(other.stderr).toBe(`dry run: would set hw:watchdog_action=poweroff on flavor ${name} (now: reset)\n`)
    // the machine formats keep their shape
    const json = wd(['flavor', 'set', name, '--action', 'poweroff', '--dry-run', '-f', 'json'], undefined, env())
    expect(JSON.parse(json.stdout)).toMatchObject({name, 'hw:watchdog_action': 'poweroff'})
    const real = wd(['flavor', 'set', name, '--action', 'poweroff'], undefined, env())
    expect([real.status, real.stdout]).toEqual([0, expect.not.stringContaining('dry run')])
  })
})

describe('item 10: apply in CI', () => {
  live(
    'apply --yes prints the plan, then each result with the fields it changed; flavors without ids are one warning',
    async () => {
      const scope = `${prefix}-apply-apply-*`
    const catalog = write(
        'c.yaml',
        [
          'flavors:',
          `  - {name: ${prefix}-apply-a, vcpus: 1, ram: 64, disk: 1, extra_specs: {hw:watchdog_action: reset}}`,
          `  - {name: ${prefix}-apply-b, vcpus: 1, ram: 64, disk: 1}`,
          `  - {name: ${prefix}-apply-c, vcpus: 1, ram: 64, disk: 1}`,
          '',
        ].join('\n'),
      )
      await createFlavor(admin, `${prefix}-apply-a`, {'hw:watchdog_action': 'none'})
      const applied = wd(['catalog', 'apply', catalog, '--yes', '--flavors', scope], undefined, env())
      expect(applied.status).toBe(0)
      const out = applied.stdout
      // the plan first, as `wd catalog plan` prints it
      const plan = wd(['catalog', 'plan', catalog, '--flavors', scope], undefined, env())
      expect(plan.stdout).toMatch(/^Plan: 0 to create, 0 to update in place/m)
      expect(out).toMatch(new RegExp(`^~ update in place flavor ${prefix}-apply-a \\(`, 'm'))
      expect(out).toMatch(
        /^Plan: 2 to create, 1 to update in place, 0 to replace, 0 to delete; 0 unmanaged, 0 unchanged\.$/m,
      )
      expect(out.indexOf('Plan: 2 to create')).toBeLessThan(out.indexOf('applied'))
      // each result says what it changed
      expect(out).toMatch(
        new RegExp(
          `^applied +update +flavor ${prefix}-apply-a \\([^)]+\\)\\n +extra_specs hw:watchdog_action: 'none' → 'reset'$`,
          'm',
        ),
      )
      expect(out).toMatch(new RegExp(`^applied +create +flavor ${prefix}-apply-b\\n +vcpus: \\(not set\\) → 1$`, 'm'))
      // three flavors without an id: one warning, with the count, in the plan and in the apply
      for (const text of [out, plan.stdout + plan.stderr]) {
        const warnings = text.split('\n').filter((l) => l.startsWith('warning:'))
        expect(warnings).toEqual([
          expect.stringMatching(/^warning: 3 flavors have no id in the catalog: matched by name \(/),
        ])
      }
    },
  )
})
