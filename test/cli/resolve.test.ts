import {describe, expect, it} from '@jest/globals'
import {validator} from '../../src/schema/validator.js'
import {parseProxmoxLine} from '../../src/render/proxmox.js'
import {parseQemuArgs} from '../../src/render/qemu.js'
import {wd, fixture} from '../helpers/cli.js'
import {domainWith, expectValidDomain} from '../helpers/libvirt-rng.js'

const json = (args: string[]) => {
  const r = wd(['resolve', ...args, '--format', 'json'])
  return {...r, data: JSON.parse(r.stdout) as Record<string, unknown>}
}

describe('wd resolve', () => {
  it('--format json prints exactly one object that matches schemas/resolution.schema.json', () => {
    const r = json([
      '--flavor-spec',
      'hw:watchdog_action=reset',
      '--image-prop',
      'hw_watchdog_action=poweroff',
      '--explain',
    ])
    expect(r.status).toBe(0)
    expect(r.data).toMatchObject({device: {model: 'i6300esb', action: 'poweroff'}, decidedBy: 'image', warnings: []})
    expect((r.data.trace as string[]).length).toBeGreaterThan(2)
    const validate = validator('resolution')
    expect(validate(r.data)).toBe(true)
    expect(r.stderr).toBe('')
  })

  it('--json prints the same object as --format json', () => {
    const args = ['--flavor-spec', 'hw:watchdog_action=pause', '--image-prop', 'watchdog=reset']
    expect(JSON.parse(wd(['resolve', ...args, '--json']).stdout)).toEqual(json(args).data)
  })

  it('no device is null, decided by the default', () => {
    const r = json([])
    expect(r.data).toMatchObject({device: null, decidedBy: 'default', valid: true})
    expect(r.status).toBe(0)
  })

  it('exit 0 with warnings for keys Nova ignores', () => {
    const r = json(['--flavor-spec', 'hw_watchdog_action=reset'])
    expect(r.status).toBe(0)
    expect(r.data.device).toBeNull()
    expect(r.data.warnings).toEqual([expect.stringContaining('write hw:watchdog_action=reset instead')])
  })

  it('exit 1 for a value Nova refuses, naming key, value and allowed values', () => {
    const r = json(['--flavor-spec', 'hw:watchdog_action=Reset'])
    expect(r.status).toBe(1)
    expect(r.data.valid).toBe(false)
    expect(r.data.errors).toEqual([
      expect.stringMatching(
        /hw:watchdog_action='Reset'.*Allowed: none, pause, poweroff, reset, disabled.*Did you mean 'reset'\?/,
      ),
    ])
    const text = wd(['resolve', '--image-prop', 'hw_watchdog_action=shutdown'])
    expect(text.status).toBe(1)
    expect(text.stdout).toMatch(/^error: image property hw_watchdog_action='shutdown' is a libvirt watchdog action/m)
  })

  it('exit 2 for usage errors, with a one-line reason and no stack', () => {
    for (const args of [['--flavor-spec', 'novalue'], ['--format', 'xml'], ['--flavor', 'm1.small'], ['--bogus']]) {
      const r = wd(['resolve', ...args])
      expect([args, r.status]).toEqual([args, 2])
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect(wd(['resolve', '--flavor-spec', 'novalue']).stderr).toBe("wd: --flavor-spec 'novalue' is not KEY=VALUE\n")
  })

  it('--debug adds the stack', () => {
    expect(wd(['resolve', '--flavor-spec', 'novalue', '--debug']).stderr).toMatch(/\n\s+at /)
  })

  it('renders libvirt (valid for the libvirt RNG), proxmox and qemu', () => {
    const base = ['resolve', '--flavor-spec', 'hw:watchdog_action=poweroff']
    const libvirt = wd([...base, '-f', 'libvirt'])
    expect(libvirt.stdout).toBe("<watchdog model='i6300esb' action='poweroff'/>\n")
    expectValidDomain(domainWith(libvirt.stdout.trim()))
    expect(parseProxmoxLine(wd([...base, '-f', 'proxmox']).stdout.trim())).toEqual({
      model: 'i6300esb',
      action: 'poweroff',
    })
    expect(
      parseQemuArgs(
        wd([...base, '-f', 'qemu'])
          .stdout.trim()
          .split(' '),
      ),
    ).toEqual({model: 'i6300esb', action: 'poweroff'})
  })

  it('device formats print nothing when there is no device, and put findings on stderr', () => {
    const none = wd(['resolve', '--image-prop', 'hw_watchdog_action=disabled', '-f', 'libvirt'])
    expect([none.status, none.stdout]).toEqual([0, ''])
    const bad = wd(['resolve', '--image-prop', 'hw_watchdog_action=reboot', '-f', 'libvirt'])
    expect([bad.status, bad.stdout]).toEqual([1, ''])
    expect(bad.stderr).toMatch(/^error: image property hw_watchdog_action='reboot'/)
  })
})

describe('wd resolve --catalog', () => {
  it('resolves a flavor and image of the bundled example', () => {
    const r = json(['--catalog', 'examples/catalog.yaml', '--flavor', 'm1.small', '--image', 'debian-12'])
    expect(r.status).toBe(0)
    expect(r.data).toMatchObject({device: {model: 'i6300esb', action: 'poweroff'}, decidedBy: 'image'})
  })

  it('places findings at file:line:col', () => {
    const r = json(['--catalog', 'examples/catalog.yaml', '--flavor', 'legacy.medium'])
    expect(r.data.warnings).toEqual([
      expect.stringMatching(/^examples\/catalog\.yaml:24:7: flavor extra spec 'hw_watchdog_action'/),
    ])
  })

  it('reads the SCS flavor list written by others (osism layout)', () => {
    const r = json(['--catalog', fixture('scs-mandatory-flavors.yaml'), '--flavor', 'SCS-2V-8'])
    expect(r.status).toBe(0)
    expect(r.data).toMatchObject({device: null, decidedBy: 'default', warnings: [], errors: []})
  })

  it('an unknown flavor is exit 2 and lists what exists', () => {
    const r = wd(['resolve', '--catalog', 'examples/catalog.yaml', '--flavor', 'm1.tiny'])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      "wd: examples/catalog.yaml has no flavor 'm1.tiny'\nhint: flavors: m1.small, m1.large, legacy.medium\n",
    )
  })

  it('a YAML syntax error is exit 1 with its position', () => {
    const r = wd(['resolve', '--catalog', '-', '--flavor', 'x'], 'flavors:\n  - name: x\n   extra_specs: {\n')
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^wd: <stdin>:3:\d+: /)
  })

  it('a schema problem in the chosen flavor is exit 1 with its position', () => {
    const r = wd(['resolve', '--catalog', '-', '--flavor', 'x'], 'flavors:\n  - name: x\n    vcpus: two\n')
    expect(r.status).toBe(1)
    expect(r.stderr).toBe('wd: <stdin>:3:12: x: must be integer (got "two")\n')
  })
})

describe('wd schema export', () => {
  it('prints a schema and the Glance metadef', () => {
    const s = wd(['schema', 'export', 'catalog'])
    expect(JSON.parse(s.stdout)).toMatchObject({$id: 'urn:wd:schemas:v1:catalog'})
    const m = wd(['schema', 'export', '--glance-metadef'])
    expect(JSON.parse(m.stdout)).toMatchObject({namespace: 'OS::Compute::Watchdog'})
    expect(wd(['schema', 'export']).status).toBe(2)
  })
})

describe('wd xml patch', () => {
  it('patches a file from a flavor spec, and the result passes the RNG', () => {
    const r = wd(['xml', 'patch', fixture('domain-pc.xml'), '--flavor-spec', 'hw:watchdog_action=pause'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("<watchdog model='i6300esb' action='pause'/>")
    expectValidDomain(r.stdout)
  })

  it('reads stdin, takes libvirt-only actions with --action, refuses a Nova-invalid flavor', () => {
    const r = wd(['xml', 'patch', '-', '--action', 'inject-nmi'], domainWith(''))
    expect(r.stdout).toContain("<watchdog model='i6300esb' action='inject-nmi'/>")
    expectValidDomain(r.stdout)
    const bad = wd(['xml', 'patch', fixture('domain-pc.xml'), '--flavor-spec', 'hw:watchdog_action=dump'])
    expect(bad.status).toBe(1)
    expect(bad.stdout).toBe('')
    const wrong = wd(['xml', 'patch', fixture('domain-pc.xml'), '--action', 'reboot'])
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toBe(
      "wd: libvirt has no watchdog action 'reboot'\nhint: allowed actions: reset, shutdown, poweroff, pause, none, dump, inject-nmi\n",
    )
  })
})
