/**
 * The guest half on Proxmox VE, for real: `wd proxmox set --guest` writes its snippet, and a real Debian 12 guest
 * (test/env/guest/build-debian-guests.sh, the `std` image with the i6300esb driver) boots with a NoCloud drive made
 * as qemu-server makes one (generate_nocloud: genisoimage -iso-level 3 -J -R -V cidata, with user-data, meta-data,
 * network-config and the snippet as vendor-data), QEMU started with qemu-server's own process arguments, the device
 * the guest's watchdog line gives and the args: line wd wrote. The operator's own user-data (a cicustom user part)
 * crashes the kernel after boot: the guest arms its watchdog, says so on its console, and the crash is reset and
 * recorded by wd's own monitor. WD_SKIP_GUESTS=1 opts out.
 */
import {describe, expect, jest} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {root, wd} from '../helpers/cli.js'
import {owned, tempDir, withGuests} from '../helpers/gates.js'
import {pmxcfs, qemuServerConfig, startAsQemuServer} from '../helpers/proxmox.js'

jest.setTimeout(230_000)

const std = join(root, '.work/guests/std')
const TIMEOUT = 10
const ARMED = new RegExp(
  `^wd-guest: armed model=i6300esb action=reset device=/dev/watchdog\\d+ identity="i6300ESB timer" driver=i6300esb timeout=${TIMEOUT} feeder=systemd kernel=\\S+-amd64$`,
  'm',
)
/** The operator's own user-data, as a cicustom user part would carry it: it crashes the kernel after boot. */
const USER_DATA = `#cloud-config
runcmd:
  - [sh, -c, 'echo "the user runcmd ran" > /dev/console; (sleep 15; echo c > /proc/sysrq-trigger) &']
`
const NETWORK = 'version: 1\nconfig: []\n'

describe('the guest half on Proxmox VE, in a real Debian guest', () => {
  withGuests(
    "set --guest's snippet, as Proxmox's NoCloud drive carries it, arms the watchdog; a crash is reset and recorded",
    async () => {
      if (!existsSync(join(std, 'disk.qcow2')))
        throw new Error(
          `${std}/disk.qcow2 is missing: run bash test/env/guest/build-debian-guests.sh, or set WD_SKIP_GUESTS=1`,
        )
      const base = tempDir('wd-pve-guest-')
      const {root: pve, dir} = pmxcfs({pve1: {120: qemuServerConfig('parse-config-input/cloudinit-snapshot.conf')}})
      writeFileSync(join(pve, 'storage.cfg'), `dir: local\n\tpath ${base}/vz\n\tcontent iso,vztmpl,backup,snippets\n`)
      const run = join(base, 'run', 'qemu-server')
      mkdirSync(run, {recursive: true, mode: 0o750})
      const set = wd([
        ...['proxmox', 'set', '120', '--dir', dir, '--lock-dir', tempDir('wd-lock-'), '--action', 'reset'],
        ...['--guest', '--guest-timeout', String(TIMEOUT), '--record', '--qmp-dir', run],
      ])
      expect([set.status, set.stderr]).toEqual([0, expect.any(String)])
      const config = readFileSync(join(dir, '120.conf'), 'utf8')
      expect(config).toMatch(/^cicustom: vendor=local:snippets\/wd-guest-120\.sh$/m)

      // the cloud-init drive, as qemu-server's generate_nocloud writes it (meta-data: the sha1 of user and network)
      const drive = join(base, 'cidata')
      mkdirSync(drive)
      writeFileSync(join(drive, 'user-data'), USER_DATA)
      writeFileSync(join(drive, 'network-config'), NETWORK)
      writeFileSync(
        join(drive, 'meta-data'),
        `instance-id: ${createHash('sha1')
          .update(USER_DATA + NETWORK)
          .digest('hex')}\n`,
      )
      writeFileSync(join(drive, 'vendor-data'), readFileSync(join(base, 'vz', 'snippets', 'wd-guest-120.sh')))
      const iso = join(base, 'cloudinit.iso')
      const made = spawnSync('genisoimage', ['-quiet', '-iso-level', '3', '-J', '-R', '-V', 'cidata', '-o', iso, drive])
      expect([made.status, String(made.stderr)]).toEqual([0, ''])

      const journal = join(base, 'barks.jsonl')
      const watcher = owned(startWatcher(['--qmp-dir', run], journal))
      const console = join(base, 'console.log')
      const started = await startAsQemuServer(
        '120',
        run,
        [
          ...['-machine', 'pc', '-accel', 'tcg', '-m', '1024', '-smp', '1', '-nodefaults', '-no-user-config'],
          ...['-display', 'none', '-nic', 'none', '-serial', `file:${console}`],
          ...['-kernel', join(std, 'vmlinuz'), '-initrd', join(std, 'initrd.img')],
          ...['-append', 'root=/dev/vda console=ttyS0 quiet panic=0'],
          ...['-drive', `file=${join(std, 'disk.qcow2')},if=virtio,format=qcow2,snapshot=on`],
          // ide2, where Proxmox puts a cloud-init drive
          ...['-drive', `file=${iso},if=ide,index=2,media=cdrom,readonly=on`],
          // what qemu-server makes of `watchdog: model=i6300esb,action=reset`
          ...['-device', 'i6300esb,bus=pci.0,addr=0x4', '-watchdog-action', 'reset'],
        ],
        /^args: (.*)$/m.exec(config)![1],
      )
      expect([started.status, started.said]).toEqual([0, ''])
      const said = () => (existsSync(console) ? readFileSync(console, 'latin1').replace(/\r/g, '') : '')
      try {
        await until(() => ARMED.test(said()), 190, 'wd-guest: armed on the console')
        await until(() => /^the user runcmd ran/m.test(said()), 30, "the operator's runcmd")
        await until(async () => (await journalOf(journal)).length > 0, 60, 'the bark of the crashed guest')
        expect(said()).toMatch(/sysrq triggered crash/)
        expect((await journalOf(journal))[0]).toMatchObject({
          vm: '120',
          instance: 'proxmox:120',
          action: 'reset',
          source: `qmp:${run}/wd-120.qmp`,
        })
      } finally {
        process.kill(started.pid!, 'SIGKILL')
        await stopWatcher(watcher)
      }
    },
  )
})
