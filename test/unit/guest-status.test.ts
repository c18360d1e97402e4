/**
 * Reading the guest's words from its console: the grammar of the `wd-guest:` line, the last word of the last boot,
 * and a console that is the guest's to write (anything at all, of any length).
 */
import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {parseGuestLine, readConsole} from '../../src/guest/status.js'
import {expectPublished} from '../helpers/schemas.js'

const ARMED =
  'wd-guest: armed model=i6300esb action=reset device=/dev/watchdog0 identity="i6300ESB timer" driver=i6300esb timeout=30 feeder=systemd kernel=6.1.0-57-amd64'
const NO_DRIVER =
  'wd-guest: not-armed model=i6300esb action=reset reason=no-driver kernel=6.1.0-57-cloud-amd64 detail="no driver for i6300esb in kernel 6.1.0-57-cloud-amd64 (the device is there)"'

describe('a wd-guest line', () => {
  it('armed: the device, its identity, the driver, the timeout as a number, the feeder', () => {
    const r = parseGuestLine(ARMED)
    expect(r).toEqual({
      state: 'armed',
      model: 'i6300esb',
      action: 'reset',
      device: '/dev/watchdog0',
      identity: 'i6300ESB timer',
      driver: 'i6300esb',
      timeout: 30,
      feeder: 'systemd',
      kernel: '6.1.0-57-amd64',
    })
    expectPublished('guest-report', r)
  })

  it("not-armed: the reason and the guest's words, quotes and backslashes unescaped", () => {
    expect(parseGuestLine(NO_DRIVER)).toMatchObject({
      state: 'not-armed',
      reason: 'no-driver',
      detail: 'no driver for i6300esb in kernel 6.1.0-57-cloud-amd64 (the device is there)',
    })
    expect(parseGuestLine('wd-guest: not-armed reason=driver-failed detail="modprobe: \\"x\\" \\\\ y"')?.detail).toBe(
      'modprobe: "x" \\ y',
    )
  })

  it('behind a prefix (a timestamp, a journal identifier) and with a carriage return; unknown keys passed over', () => {
    expect(parseGuestLine(`[   12.5] wd-guest[201]: ${ARMED}\r`)?.device).toBe('/dev/watchdog0')
    expect(parseGuestLine('wd-guest: armed future=yes feeder=systemd')).toEqual({state: 'armed', feeder: 'systemd'})
  })

  it('no line: another state, a broken quote, a key in capitals, a line longer than any the guest half writes', () => {
    for (const line of [
      'wd-guest: maybe feeder=systemd',
      'wd-guest: armed detail="unterminated',
      'wd-guest: armed Feeder=systemd',
      `wd-guest: armed detail="${'x'.repeat(5000)}"`,
      'wd-guestx armed',
    ])
      expect(parseGuestLine(line)).toBeUndefined()
  })

  it('a value is clipped and its control characters escaped; a timeout that is no small number is dropped', () => {
    const r = parseGuestLine(`wd-guest: not-armed detail="${'é'.repeat(400)}\t\u001b[8m" timeout=99999999999`)!
    expect(r.detail!.length).toBeLessThanOrEqual(300)
    expect(r.timeout).toBeUndefined()
    expect(parseGuestLine('wd-guest: not-armed detail="a\tb\u001b[8m"')!.detail).toBe('a\\tb\\u001b[8m')
  })
})

describe("a console's last word", () => {
  const boot = (...lines: string[]) => ['[    0.000000] Linux version 6.1.0-57-amd64 (debian)', ...lines].join('\n')

  it('the last wd-guest line of the last boot', () => {
    const text = [boot(NO_DRIVER, 'login:'), boot('x', ARMED, 'db-07 login:')].join('\n')
    expect(readConsole(text)).toEqual({report: parseGuestLine(ARMED), stale: false})
  })

  it('stale: only a line of an earlier boot; none: no line at all', () => {
    expect(readConsole([boot(ARMED), boot('booting…')].join('\n'))).toEqual({stale: true})
    expect(readConsole(boot('booting…'))).toEqual({stale: false})
    expect(readConsole('')).toEqual({stale: false})
  })

  it('any text at all: never throws, and a line of its own is only ever read as a wd-guest line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(ARMED, NO_DRIVER, 'Linux version 6', '"', '\\'))),
        (parts) => {
          const r = readConsole(parts.join('\n'))
          if (r.report) expect(['armed', 'not-armed']).toContain(r.report.state)
        },
      ),
    )
  })

  it('a console of 100,000 lines of near misses (what a hostile guest can print) is read to its end', () => {
    const near = 'wd-guest: armed ' + 'k="v" '.repeat(600) + '"'
    const text = Array.from({length: 100_000}, () => near).join('\n')
    expect(readConsole(text)).toEqual({stale: false})
  })
})
