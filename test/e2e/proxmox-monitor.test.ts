/**
 * On Proxmox VE wd must not hold Proxmox's own QMP socket: QEMU's QMP server serves one client at a time, and qm,
 * pvestatd and backups connect to /var/run/qemu-server/VMID.qmp for every command. Real QEMU (TCG), started with
 * Proxmox's monitor as qemu-server starts it and with the `args:` line `wd proxmox set --record` wrote:
 * - the defect first: while wd follows Proxmox's socket (--allow-proxmox-socket), a client there gets no greeting;
 * - the fix: while wd follows its own monitor (--qmp-dir), a client on Proxmox's socket gets its greeting and a
 *   query-status answer within a second, again and again, and the guest's bark is recorded once.
 * WD_SKIP_E2E=1 opts out.
 */
import {jest, describe, expect} from '@jest/globals'
import {spawn} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, root, wd} from '../helpers/cli.js'
import {firstBarks, journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {QEMU_TCG, qmpCommand} from '../helpers/qmp.js'
import {e2e, owned, tempDir} from '../helpers/gates.js'

jest.setTimeout(120_000)

const guest = join(root, '.work/guest')

/** Proxmox's own monitor, as qemu-server's config_to_command writes it. */
const proxmoxMonitor = (socket: string) => [
  '-chardev',
  `socket,id=qmp,path=${socket},server=on,wait=off`,
  '-mon',
  'chardev=qmp,mode=control',
]

/**
 * What a Proxmox tool does: connect, wait for QEMU's greeting, negotiate, ask query-status. The time it took, or
 * undefined when QEMU did not answer within `ms`.
 */
async function proxmoxClient(socket: string, ms = 1000): Promise<number | undefined> {
  const t0 = Date.now()
  try {
    const answer = await qmpCommand(socket, 'query-status', ms)
    return (answer.return as {status?: string} | undefined)?.status ? Date.now() - t0 : undefined
  } catch {
    return undefined
  }
}

function layout() {
  const dir = tempDir('wd-pve-')
  const pve = join(dir, 'qemu-server-conf')
  const proxmoxDir = join(dir, 'run-qemu-server')
  const wdDir = join(dir, 'run-wd-qmp')
  mkdirSync(pve)
  mkdirSync(proxmoxDir)
  copyFileSync(fixture('proxmox-101.conf'), join(pve, '101.conf'))
  return {dir, pve, proxmoxSocket: join(proxmoxDir, '101.qmp'), wdDir, journal: join(dir, 'barks.jsonl')}
}

describe('Proxmox VE: wd follows a monitor of its own, never Proxmox’s', () => {
  e2e("the defect: while wd holds Proxmox's socket, a Proxmox tool gets no answer", async () => {
    const l = layout()
    const qemu = owned(spawn('qemu-system-x86_64', [...QEMU_TCG, '-S', ...proxmoxMonitor(l.proxmoxSocket)]))
    await until(() => existsSync(l.proxmoxSocket), 20, 'QEMU socket')
    expect(await proxmoxClient(l.proxmoxSocket)).toEqual(expect.any(Number))
    const watcher = owned(startWatcher(['--qmp', l.proxmoxSocket, '--allow-proxmox-socket'], l.journal))
    // the watcher connects within its first retry (200 ms); then it holds the socket
    await new Promise((r) => setTimeout(r, 1500))
    expect(await proxmoxClient(l.proxmoxSocket)).toBeUndefined()
    await stopWatcher(watcher)
    expect(await proxmoxClient(l.proxmoxSocket, 3000)).toEqual(expect.any(Number))
    qemu.kill('SIGKILL')
  })

  e2e(
    "the fix: wd's own monitor from --record, followed by --qmp-dir; Proxmox's socket answers every time; one bark",
    async () => {
      if (!existsSync(join(guest, 'vmlinuz')))
        throw new Error(`${guest}/vmlinuz is missing: run bash test/env/guest/build-guest.sh, or set WD_SKIP_E2E=1`)
      const l = layout()
      const set = wd(['proxmox', 'set', '101', '--dir', l.pve, '--action', 'pause', '--record', '--qmp-dir', l.wdDir])
      expect(set.status).toBe(0)
      const args = /^args: (.*)$/m.exec(readFileSync(join(l.pve, '101.conf'), 'utf8'))![1]!.split(' ')
      const device = wd(['resolve', '--flavor-spec', 'hw:watchdog_action=pause', '-f', 'qemu']).stdout.trim().split(' ')
      // the watcher first: it creates the directory QEMU needs for wd's socket, and waits for the socket
      const watcher = owned(startWatcher(['--qmp-dir', l.wdDir], l.journal))
      await until(() => existsSync(l.wdDir), 20, `${l.wdDir} made by the watcher`)
      const qemu = owned(
        spawn('qemu-system-x86_64', [
          ...QEMU_TCG,
          ...['-nic', 'none'],
          ...['-serial', `file:${join(l.dir, 'serial.log')}`],
          ...proxmoxMonitor(l.proxmoxSocket),
          ...args,
          ...['-kernel', join(guest, 'vmlinuz'), '-initrd', join(guest, 'initramfs.cpio.gz')],
          ...['-append', 'console=ttyS0 quiet panic=0 wdt=i6300esb wdt_arm=ioctl wdt_timeout=2 wdt_hold=1'],
          ...device,
        ]),
      )
      await until(() => existsSync(l.proxmoxSocket) && existsSync(join(l.wdDir, '101.sock')), 20, 'both QMP sockets')
      await until(() => watcher.said().includes(`following ${join(l.wdDir, '101.sock')}`), 20, 'the watcher following')
      // Proxmox's tools keep asking while the guest boots, barks and stays paused
      const times: (number | undefined)[] = []
      const barked = firstBarks(l.journal, 90)
      let stop = false
      const asking = (async () => {
        while (!stop) {
          times.push(await proxmoxClient(l.proxmoxSocket))
          await new Promise((r) => setTimeout(r, 250))
        }
      })()
      await barked
      // and a few times after the bark
      await new Promise((r) => setTimeout(r, 2000))
      stop = true
      await asking
      expect(times.length).toBeGreaterThan(5)
      expect(times.filter((t) => t === undefined)).toEqual([])
      expect(Math.max(...(times as number[]))).toBeLessThan(1000)
      await stopWatcher(watcher)
      expect(await journalOf(l.journal)).toEqual([
        expect.objectContaining({vm: '101', instance: 'proxmox:101', action: 'pause'}),
      ])
      qemu.kill('SIGKILL')
    },
  )
})
