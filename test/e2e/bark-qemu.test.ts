import {jest, describe, expect} from '@jest/globals'
import {spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {root, wd} from '../helpers/cli.js'
import {QEMU_TCG, qmpCommand} from '../helpers/qmp.js'
import {firstBarks, journalOf, startWatcher, stopWatcher} from '../helpers/barks.js'
import {e2e, owned, tempDir} from '../helpers/gates.js'

// a guest boots under TCG (no KVM here): a bark takes 8-18 s
jest.setTimeout(120_000)

/**
 * A real guest barks: a tiny Debian kernel + busybox guest (test/env/guest/build-guest.sh) under QEMU (TCG), its
 * i6300esb configured by `wd resolve -f qemu`, arms the watchdog with a 2 s timeout and then kill -9s its feeder.
 * `wd events watch` must record exactly one bark with the action that happened. WD_SKIP_E2E=1 opts out.
 */
const guest = join(root, '.work/guest')

async function bark(action: 'reset' | 'poweroff' | 'pause') {
  if (!existsSync(join(guest, 'vmlinuz')))
    throw new Error(`${guest}/vmlinuz is missing: run bash test/env/guest/build-guest.sh, or set WD_SKIP_E2E=1`)
  const dir = tempDir(`wd-bark-${action}-`)
  const sock = join(dir, 'guest1.qmp')
  const ctl = join(dir, 'ctl.qmp')
  const journal = join(dir, 'barks.jsonl')
  const serial = join(dir, 'serial.log')
  const device = wd(['resolve', '--flavor-spec', `hw:watchdog_action=${action}`, '-f', 'qemu'])
  expect(device.status).toBe(0)
  // the watcher starts first: it must wait for the socket to appear
  const watcher = startWatcher(['--qmp', sock], journal)
  owned(watcher)
  const qemu = spawn('qemu-system-x86_64', [
    ...QEMU_TCG,
    ...['-nic', 'none', '-serial', `file:${serial}`],
    ...['-qmp', `unix:${sock},server=on,wait=off`, '-qmp', `unix:${ctl},server=on,wait=off`],
    ...['-kernel', join(guest, 'vmlinuz'), '-initrd', join(guest, 'initramfs.cpio.gz')],
    ...['-append', 'console=ttyS0 quiet panic=0 wdt=i6300esb wdt_arm=ioctl wdt_timeout=2 wdt_hold=1'],
    ...device.stdout.trim().split(' '),
  ])
  owned(qemu)
  const exited = new Promise<number | null>((r) => qemu.once('exit', r))
  await firstBarks(journal, 60)
  return {dir, serial, journal, exited, qemu, watcher, ctl}
}

describe('a real guest barks (QEMU, TCG)', () => {
  e2e('reset: the guest is reset by the watchdog (its next boot sees WDIOF_CARDRESET), one bark recorded', async () => {
    const b = await bark('reset')
    expect(await b.exited).toBe(0) // the second boot powers off once it has seen the card reset
    expect(readFileSync(b.serial, 'utf8')).toMatch(/WDT-REBOOT-DETECTED: bootstatus=\d+ \(WDIOF_CARDRESET\)/)
    await stopWatcher(b.watcher)
    expect(await journalOf(b.journal)).toEqual([expect.objectContaining({vm: 'guest1', action: 'reset'})])
  })

  e2e('poweroff: QEMU exits right after the bark, one bark recorded', async () => {
    const b = await bark('poweroff')
    expect(await b.exited).toBe(0)
    const log = readFileSync(b.serial, 'utf8')
    expect(log).toMatch(/HANG: killed petting daemon/)
    expect(log).not.toMatch(/WDT-REBOOT-DETECTED/)
    await stopWatcher(b.watcher)
    expect(await journalOf(b.journal)).toEqual([expect.objectContaining({vm: 'guest1', action: 'poweroff'})])
  })

  e2e("pause: the VM stops in QEMU's 'watchdog' run state, one bark recorded", async () => {
    const b = await bark('pause')
    const status = await qmpCommand(b.ctl, 'query-status')
    expect(status).toMatchObject({return: {status: 'watchdog', running: false}})
    await new Promise((r) => setTimeout(r, 1000))
    await stopWatcher(b.watcher)
    b.qemu.kill('SIGTERM')
    expect(await journalOf(b.journal)).toEqual([expect.objectContaining({vm: 'guest1', action: 'pause'})])
    // events list reads the journal back
    const listed = wd(['events', 'list', '--journal', b.journal, '--vm', 'guest1', '-f', 'json'])
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({VM: 'guest1', Action: 'pause'})])
  })
})
