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

/**
 * `wd proxmox set 120 --guest` on a cluster tree in `base` (qemu-server's cloudinit-snapshot.conf as the guest), then
 * the cloud-init drive qemu-server's generate_nocloud writes for it with the operator's `userData` (meta-data: the
 * sha1 of user and network data; wd's snippet as vendor-data). The args: line wd wrote, the drive, the run directory.
 */
function preparedGuest(base: string, userData: string): {args: string; iso: string; run: string} {
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

  const drive = join(base, 'cidata')
  mkdirSync(drive)
  writeFileSync(join(drive, 'user-data'), userData)
  writeFileSync(join(drive, 'network-config'), NETWORK)
  writeFileSync(
    join(drive, 'meta-data'),
    `instance-id: ${createHash('sha1')
      .update(userData + NETWORK)
      .digest('hex')}\n`,
  )
  writeFileSync(join(drive, 'vendor-data'), readFileSync(join(base, 'vz', 'snippets', 'wd-guest-120.sh')))
  const iso = join(base, 'cloudinit.iso')
  const made = spawnSync('genisoimage', ['-quiet', '-iso-level', '3', '-J', '-R', '-V', 'cidata', '-o', iso, drive])
  expect([made.status, String(made.stderr)]).toEqual([0, ''])
  return {args: /^args: (.*)$/m.exec(config)![1]!, iso, run}
}

/** QEMU's devices for the std guest: its kernel and disk, the cloud-init drive on ide2 (where Proxmox puts it). */
const guestDevices = (console: string, iso: string) => [
  ...['-accel', 'tcg', '-m', '1024', '-smp', '1', '-nodefaults', '-no-user-config'],
  ...['-display', 'none', '-nic', 'none', '-serial', `file:${console}`],
  ...['-kernel', join(std, 'vmlinuz'), '-initrd', join(std, 'initrd.img')],
  ...['-append', 'root=/dev/vda console=ttyS0 quiet panic=0'],
  ...['-drive', `file=${join(std, 'disk.qcow2')},if=virtio,format=qcow2,snapshot=on`],
  ...['-drive', `file=${iso},if=ide,index=2,media=cdrom,readonly=on`],
]

const needsGuest = () => {
  if (!existsSync(join(std, 'disk.qcow2')))
    throw new Error(
      `${std}/disk.qcow2 is missing: run bash test/env/guest/build-debian-guests.sh, or set WD_SKIP_GUESTS=1`,
    )
}

const consoleOf = (path: string) => () => (existsSync(path) ? readFileSync(path, 'latin1').replace(/\r/g, '') : '')

/**
 * QEMU started as qemu-server starts VM 120, with the std guest, its cloud-init drive and `devices`, and wd's watcher
 * following the monitor set --record gave it: the console as written so far, the barks recorded, and a stop.
 */
async function bootedGuest(
  base: string,
  {args, iso, run}: {args: string; iso: string; run: string},
  devices: string[],
) {
  const journal = join(base, 'barks.jsonl')
  const watcher = owned(startWatcher(['--qmp-dir', run], journal))
  const console = join(base, 'console.log')
  const started = await startAsQemuServer('120', run, [...guestDevices(console, iso), ...devices], args)
  expect([started.status, started.said]).toEqual([0, ''])
  return {
    said: consoleOf(console),
    barks: () => journalOf(journal),
    stop: async () => {
      process.kill(started.pid!, 'SIGKILL')
      await stopWatcher(watcher)
    },
  }
}

describe('the guest half on Proxmox VE, in a real Debian guest', () => {
  withGuests(
    "set --guest's snippet, as Proxmox's NoCloud drive carries it, arms the watchdog; a crash is reset and recorded",
    async () => {
      needsGuest()
      const base = tempDir('wd-pve-guest-')
      const prepared = preparedGuest(base, USER_DATA)
      const {said, barks, stop} = await bootedGuest(base, prepared, [
        '-machine',
        'pc',
        // what qemu-server makes of `watchdog: model=i6300esb,action=reset`
        ...['-device', 'i6300esb,bus=pci.0,addr=0x4', '-watchdog-action', 'reset'],
      ])
      try {
        await until(() => ARMED.test(said()), 190, 'wd-guest: armed on the console')
        await until(() => /^the user runcmd ran/m.test(said()), 30, "the operator's runcmd")
        await until(async () => (await barks()).length > 0, 60, 'the bark of the crashed guest')
        expect(said()).toMatch(/sysrq triggered crash/)
        expect((await barks())[0]).toMatchObject({
          vm: '120',
          instance: 'proxmox:120',
          action: 'reset',
          source: `qmp:${prepared.run}/wd-120.qmp`,
        })
      } finally {
        await stop()
      }
    },
  )

  withGuests(
    "q35: beside the chipset's own TCO watchdog, the guest arms the model's device by its identity; a crash fires it",
    async () => {
      needsGuest()
      const base = tempDir('wd-pve-q35-')
      // the operator's data lists the guest's watchdogs as the kernel names them, then crashes the kernel
      const prepared = preparedGuest(
        base,
        `#cloud-config
runcmd:
  - [sh, -c, '{ for d in /sys/class/watchdog/watchdog*; do echo "wd-test: \${d##*/} $(cat $d/identity)"; done; echo "wd-test: listed"; } > /dev/console; (sleep 15; echo c > /proc/sysrq-trigger) &']
`,
      )
      const {said, barks, stop} = await bootedGuest(base, prepared, [
        // ICH9's TCO watchdog registers only when the chipset lets it reset the machine (noreboot off)
        ...['-machine', 'q35', '-global', 'ICH9-LPC.noreboot=off'],
        // on q35 qemu-server puts the watchdog on a PCI bridge named pci.0 behind the DMI bridge
        ...['-device', 'i82801b11-bridge,id=pcidmi,bus=pcie.0,addr=0x1e'],
        ...['-device', 'pci-bridge,id=pci.0,bus=pcidmi,addr=0x1,chassis_nr=1'],
        ...['-device', 'i6300esb,bus=pci.0,addr=0x4', '-watchdog-action', 'reset'],
      ])
      try {
        await until(() => ARMED.test(said()) && /^wd-test: listed$/m.test(said()), 190, 'wd-guest: armed, and the list')
        const devices = Object.fromEntries(
          [...said().matchAll(/^wd-test: (watchdog\d+) (.*)$/gm)].map((m) => [m[2]!.trim(), m[1]!]),
        )
        // both are there, so picking one is a choice
        expect(Object.keys(devices).sort()).toEqual(['i6300ESB timer', 'iTCO_wdt'])
        expect(ARMED.exec(said())![0]).toContain(`device=/dev/${devices['i6300ESB timer']} `)
        // no one opened the TCO watchdog, so the bark after the crash is the armed device's
        await until(async () => (await barks()).length > 0, 90, 'the bark of the crashed guest')
        expect(said()).toMatch(/sysrq triggered crash/)
        expect((await barks())[0]).toMatchObject({vm: '120', action: 'reset'})
      } finally {
        await stop()
      }
    },
  )
})
