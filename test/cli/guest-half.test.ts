/**
 * The guest half as its consumers take it, offline: `wd resolve -f cloud-init` checked by the shell's own static
 * analysis (shellcheck, dash -n), put into vendor_data2.json as Nova does and handed to cloud-init's own code (it
 * must become one vendor script, whatever the user's own user-data is), and the line it prints read back by wd's
 * parser from what the guest's shell (dash) really writes. The real guests are test/e2e/guest-half.test.ts.
 */
import {describe, expect, it} from '@jest/globals'
import {execFileSync, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {parseGuestLine} from '../../src/guest/status.js'
import {NOT_ARMED_REASONS} from '../../src/vocab/guest.js'
import {clip, oneLine} from '../../src/text/clip.js'
import {wd} from '../helpers/cli.js'
import {cloudInitView} from '../helpers/cloud-init.js'
import {tempDir, withGuests} from '../helpers/gates.js'

const script = (...args: string[]) => {
  const r = wd(['resolve', '--flavor-spec', 'hw:watchdog_action=reset', ...args, '-f', 'cloud-init'])
  expect(r.status).toBe(0)
  return `${r.stdout}`
}

describe('wd resolve -f cloud-init', () => {
  it('passes shellcheck as POSIX sh, and dash parses it', () => {
    const dir = tempDir('wd-guest-script-')
    for (const [name, text] of [
      ['systemd.sh', script()],
      ['daemon.sh', script('--feeder', 'watchdog-daemon', '--guest-timeout', '60')],
    ] as const) {
      const file = join(dir, name)
      writeFileSync(file, text)
      const check = spawnSync('shellcheck', ['-s', 'sh', file], {encoding: 'utf8'})
      expect(check.stdout + check.stderr).toBe('')
      expect(check.status).toBe(0)
      expect(spawnSync('dash', ['-n', file]).status).toBe(0)
    }
  })

  it("says not-armed only with the reasons wd's vocabulary (and the guest-report schema) knows", () => {
    const said = new Set([...script().matchAll(/not_armed ([a-z-]+) /g)].map((m) => m[1]))
    expect([...said].sort()).toEqual([...NOT_ARMED_REASONS].sort())
  })

  it('prints nothing for no device, and says why on stderr', () => {
    const r = wd(['resolve', '--image-prop', 'hw_watchdog_action=disabled', '-f', 'cloud-init'])
    expect(r).toMatchObject({status: 0, stdout: ''})
    expect(r.stderr).toMatch(/no watchdog device .*nothing to print as cloud-init/)
  })

  it('refuses a timeout the device cannot take, and a feeder it does not know', () => {
    expect(
      wd(['resolve', '--flavor-spec', 'hw:watchdog_action=reset', '-f', 'cloud-init', '--guest-timeout', '2']).status,
    ).toBe(2)
    expect(
      wd(['resolve', '--flavor-spec', 'hw:watchdog_action=reset', '-f', 'cloud-init', '--feeder', 'softdog']).status,
    ).toBe(2)
  })
})

describe("cloud-init's own code takes wd's vendordata as one vendor script, whatever the user's own data", () => {
  const USER_DATA = {
    'a cloud-config with every list wd once used': `#cloud-config
bootcmd: [[echo, user-bootcmd]]
write_files: [{path: /etc/motd, content: hello}]
packages: [htop]
runcmd: [[echo, user-runcmd]]
`,
    'a shell script': '#!/bin/sh\necho user script\n',
    'a multipart message': [
      'Content-Type: multipart/mixed; boundary="XX"',
      'MIME-Version: 1.0',
      '',
      '--XX',
      'Content-Type: text/cloud-config',
      '',
      '#cloud-config',
      'runcmd: [[echo, part]]',
      '--XX',
      'Content-Type: text/x-shellscript',
      '',
      '#!/bin/sh',
      'echo part',
      '--XX--',
      '',
    ].join('\n'),
  }
  for (const [what, userData] of Object.entries(USER_DATA)) {
    withGuests(what, () => {
      const text = script()
      // vendor_data2.json as Nova writes it for the target named cloud-init
      const view = cloudInitView({'cloud-init': text}, userData)
      expect(view).toEqual({vendordata: [{type: 'text/x-shellscript', payload: text}], errors: [], schema: []})
    })
  }

  withGuests('the answers that never worked: the target named wd, and a cloud-config dict under cloud-init', () => {
    expect(cloudInitView({wd: {'cloud-init': script()}}).vendordata).toEqual([])
    expect(cloudInitView({'cloud-init': {'cloud-init': '#cloud-config\n'}}).errors).toEqual([
      "ValueError: vendordata['cloud-init'] cannot be dict",
    ])
  })
})

describe('the line the guest prints, read back', () => {
  /** The script's own `val` (how a value is written into the line), run by dash as the guest runs it. */
  const valOf = (() => {
    const text = script()
    const fn = text.slice(text.indexOf('val() {'), text.indexOf('\n}\n', text.indexOf('val() {')) + 3)
    return (value: string) => execFileSync('dash', ['-c', `${fn}\nval "$1"`, 'val', value], {encoding: 'utf8'})
  })()

  it('any value the guest writes is read back as written (one line, clipped, control characters escaped)', () => {
    const chars = fc.oneof(
      fc.integer({min: 1, max: 127}).map((c) => String.fromCharCode(c)),
      fc.constantFrom('"', '\\', ' ', 'é', '→', '='),
    )
    fc.assert(
      fc.property(fc.string({unit: chars, maxLength: 400}), (value) => {
        const report = parseGuestLine(`wd-guest: not-armed reason=no-driver detail=${valOf(value)}`)
        expect(report?.detail).toBe(oneLine(clip(value.replace(/[\n\r\t]/g, ' '), 300)))
      }),
      {numRuns: 150},
    )
  })
})
