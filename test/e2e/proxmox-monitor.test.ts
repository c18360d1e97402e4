/**
 * On Proxmox VE wd must not hold Proxmox's own QMP socket: QEMU's QMP server serves one client at a time, and qm,
 * pvestatd and backups connect to /var/run/qemu-server/VMID.qmp for every command. Real QEMU (TCG), started with
 * Proxmox's monitor as qemu-server starts it and with the `args:` line `wd proxmox set --record` wrote:
 * - the defect first: while wd follows Proxmox's socket (--allow-proxmox-socket), a client there gets no greeting;
 * - the fix, after a simulated reboot with no wd on the node (an HA target without wd, or wd removed, are the same):
 *   QEMU started with qemu-server's own process arguments (cfg2cmd) and the args: line wd wrote starts the guest —
 *   where wd's socket in a directory of its own made QEMU refuse — and a watcher started later follows wd's socket
 *   in qemu-server's directory while a client on Proxmox's socket there gets its answer every time; one bark.
 * WD_SKIP_E2E=1 opts out.
 */
import {jest, describe, expect} from '@jest/globals'
import {spawn, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, root, wd, wdJson} from '../helpers/cli.js'
import {startAsQemuServer} from '../helpers/proxmox.js'
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
    "after a reboot, with no wd on the node, a guest with wd's monitor starts with qemu-server's own arguments; a watcher started later follows it beside Proxmox's socket and records its bark",
    async () => {
      if (!existsSync(join(guest, 'vmlinuz')))
        throw new Error(`${guest}/vmlinuz is missing: run bash test/env/guest/build-guest.sh, or set WD_SKIP_E2E=1`)
      const l = layout()
      // after a reboot: /run holds qemu-server's directory (its tmpfiles.d makes it), nothing of wd's, no qmeventd
      const run = join(l.dir, 'run', 'qemu-server')
      mkdirSync(run, {recursive: true, mode: 0o750})
      // the guest: a small one whose watchdog fires 15 s after boot, and the device qemu-server makes of
      // `watchdog: model=i6300esb,action=reset` (-device i6300esb,bus=pci.0,addr=0x4 -watchdog-action reset)
      const devices = [
        ...QEMU_TCG,
        ...['-nic', 'none', '-kernel', join(guest, 'vmlinuz'), '-initrd', join(guest, 'initramfs.cpio.gz')],
        ...['-append', 'console=ttyS0 quiet panic=0 wdt=i6300esb wdt_arm=ioctl wdt_timeout=2 wdt_hold=15'],
        ...['-device', 'i6300esb,bus=pci.0,addr=0x4', '-watchdog-action', 'reset'],
      ]
      const start = (args: string) => startAsQemuServer('101', run, devices, args)

      // before: wd's socket in a directory of wd's own, which a reboot took away: QEMU refuses to start the guest
      const before = `-chardev socket,id=wd-qmp,path=${join(l.dir, 'run', 'wd', 'qmp', '101.sock')},server=on,wait=off -mon chardev=wd-qmp,mode=control`
      const refused = await start(before)
      expect([refused.status, refused.said]).toEqual([1, expect.stringMatching(/No such file or directory/)])
      expect(existsSync(join(run, '101.pid'))).toBe(false)
      // on a node with wd, deploy/tmpfiles.d/wd.conf makes that directory at boot, so such a guest starts until
      // wd proxmox set --record moves its socket (the test's root stands for /)
      mkdirSync(join(l.dir, 'etc', 'tmpfiles.d'), {recursive: true})
      copyFileSync(join(root, 'deploy/tmpfiles.d/wd.conf'), join(l.dir, 'etc', 'tmpfiles.d', 'wd.conf'))
      expect(spawnSync('systemd-tmpfiles', ['--create', `--root=${l.dir}`, 'wd.conf']).status).toBe(0)
      const transitional = await start(before)
      expect([transitional.status, transitional.said]).toEqual([0, ''])
      process.kill(transitional.pid!, 'SIGKILL')
      await until(() => !existsSync(`/proc/${transitional.pid}`), 10, 'the old-layout QEMU gone')

      // now: wd's monitor as wd proxmox set --record writes it, in qemu-server's directory
      const set = wd(['proxmox', 'set', '101', '--dir', l.pve, '--action', 'reset', '--record', '--qmp-dir', run])
      expect(set.status).toBe(0)
      const args = /^args: (.*)$/m.exec(readFileSync(join(l.pve, '101.conf'), 'utf8'))![1]!
      expect(args).toBe(
        `-chardev socket,id=wd-qmp,path=${run}/wd-101.qmp,server=on,wait=off -mon chardev=wd-qmp,mode=control`,
      )
      const started = await start(args)
      expect([started.status, started.said]).toEqual([0, expect.not.stringMatching(/wd-qmp/)])
      try {
        // running as qemu-server decides it, its own socket answering, wd's made by QEMU
        expect(
          wdJson<{attributes: {running: boolean}}>(['proxmox', 'show', '101', '--dir', l.pve, '--run-dir', run])
            .attributes.running,
        ).toBe(true)
        expect(await proxmoxClient(join(run, '101.qmp'))).toEqual(expect.any(Number))
        expect(existsSync(join(run, 'wd-101.qmp'))).toBe(true)

        // wd comes later, follows its own socket in qemu-server's directory and leaves Proxmox's alone
        const watcher = owned(startWatcher(['--qmp-dir', run], l.journal))
        await until(() => watcher.said().includes(`following ${run}/wd-101.qmp`), 20, 'the watcher following')
        const times: (number | undefined)[] = []
        const barked = firstBarks(l.journal, 90)
        let stop = false
        const asking = (async () => {
          while (!stop) {
            times.push(await proxmoxClient(join(run, '101.qmp')))
            await new Promise((r) => setTimeout(r, 250))
          }
        })()
        await barked
        stop = true
        await asking
        expect(watcher.said()).not.toContain(`following ${run}/101.qmp`)
        expect(times.length).toBeGreaterThan(5)
        expect(times.filter((t) => t === undefined)).toEqual([])
        await stopWatcher(watcher)
        expect(await journalOf(l.journal)).toEqual([
          expect.objectContaining({
            vm: '101',
            instance: 'proxmox:101',
            action: 'reset',
            source: `qmp:${run}/wd-101.qmp`,
          }),
        ])
      } finally {
        process.kill(started.pid!, 'SIGKILL')
      }
    },
  )
})
