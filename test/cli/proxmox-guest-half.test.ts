/**
 * `wd proxmox set|unset --guest`: wd's guest half as a cloud-init vendor snippet of a storage that keeps snippets,
 * named in the guest's cicustom: beside its own parts, on a directory laid out as pmxcfs lays out /etc/pve (with a
 * storage.cfg). Refused, with the reason, where Proxmox could not carry it or where it would not be wd's to write.
 * Every qemu-server test config with a cloud-init drive comes back byte for byte; one without is refused untouched.
 */
import {describe, expect, it} from '@jest/globals'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {changeWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import {DEFAULT_GUEST_HALF} from '../../src/render/guest-half.js'
import {wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'
import {pmxcfs, qemuServerConfig, qemuServerConfigs} from '../helpers/proxmox.js'

const CLOUDINIT = qemuServerConfig('parse-config-input/cloudinit-snapshot.conf')
const SIMPLE = qemuServerConfig('cfg2cmd/simple1.conf')

/** A cluster of `nodes` with guests on pve1 and a storage.cfg: local (snippets), images only, a shared NFS one. */
function cluster(guests: Record<string, Buffer | string>, more: Record<string, Record<string, string>> = {}) {
  const base = tempDir('wd-guest-half-')
  const {root, dir} = pmxcfs({pve1: guests, ...more})
  writeFileSync(
    join(root, 'storage.cfg'),
    `dir: local\n\tpath ${base}/vz\n\tcontent iso,vztmpl,backup,snippets\n\n` +
      `dir: images\n\tpath ${base}/images\n\tcontent images,rootdir\n\n` +
      `nfs: shared\n\texport /srv/pve\n\tpath ${base}/nfs\n\tserver nfs.example\n\tcontent snippets\n`,
  )
  const at = ['--dir', dir, '--lock-dir', tempDir('wd-lock-')]
  return {
    root,
    dir,
    at,
    snippet: (vmid: string, storage = 'vz') => join(base, storage, 'snippets', `wd-guest-${vmid}.sh`),
  }
}

describe('wd proxmox set --guest: the guest half as a cloud-init vendor snippet', () => {
  it("writes wd's snippet (Nova's vendordata script for the guest's device) and names it, keeping the guest's own parts", () => {
    const withUser = CLOUDINIT.toString('latin1').replace(/^(boot: .*\n)/m, '$1cicustom: user=local:snippets/u.yaml\n')
    const c = cluster({120: withUser})
    const file = join(c.dir, '120.conf')
    const set = wd(['proxmox', 'set', '120', ...c.at, '--guest', '--action', 'reset', '--guest-timeout', '10'])
    expect([set.status, set.stderr]).toEqual([0, ''])
    expect(set.stdout).toBe(
      `${file}: watchdog: model=i6300esb,action=reset\n` +
        `${file}: wd's guest half local:snippets/wd-guest-120.sh added (cicustom: vendor=)\n`,
    )
    expect(readFileSync(file, 'latin1')).toBe(
      withUser
        .replace(
          'cicustom: user=local:snippets/u.yaml',
          'cicustom: user=local:snippets/u.yaml,vendor=local:snippets/wd-guest-120.sh',
        )
        .replace(/^(vmgenid: .*\n)/m, '$1watchdog: model=i6300esb,action=reset\n'),
    )
    // one renderer: the script Nova's vendordata target answers for the same device
    const nova = wd([
      'resolve',
      '--flavor-spec',
      'hw:watchdog_action=reset',
      '-f',
      'cloud-init',
      '--guest-timeout',
      '10',
    ])
    expect(readFileSync(c.snippet('120'), 'utf8')).toBe(nova.stdout)
    expect(wd(['proxmox', 'show', '120', '--dir', c.dir]).stdout).toMatch(
      /^cloud-init vendor snippet: local:snippets\/wd-guest-120\.sh \(wd's guest half\)$/m,
    )
    // again: nothing to do
    expect(wd(['proxmox', 'set', '120', ...c.at, '--guest', '--guest-timeout', '10']).stdout).toBe(
      `${file}: unchanged\n`,
    )
    // unset --guest takes only wd's part and wd's snippet
    const unset = wd(['proxmox', 'unset', '120', ...c.at, '--guest'])
    expect(unset.stdout).toBe(`${file}: wd's guest half local:snippets/wd-guest-120.sh removed (cicustom: vendor=)\n`)
    expect(existsSync(c.snippet('120'))).toBe(false)
    expect(wd(['proxmox', 'unset', '120', ...c.at]).status).toBe(0)
    expect(readFileSync(file, 'latin1')).toBe(withUser)
  })

  it('refuses, with the reason, what Proxmox could not carry or what is not wd’s, and leaves every file as it was', () => {
    const own = CLOUDINIT.toString('latin1').replace(
      /^(boot: .*\n)/m,
      '$1cicustom: vendor=local:snippets/theirs.yaml\n',
    )
    const c = cluster({120: CLOUDINIT, 121: SIMPLE, 122: own, 123: CLOUDINIT}, {pve2: {}})
    mkdirSync(join(c.snippet('123'), '..'), {recursive: true})
    writeFileSync(c.snippet('123'), '#cloud-config\n# an operator file of that name\n')
    mkdirSync(join(c.root, 'ha'))
    writeFileSync(join(c.root, 'ha', 'resources.cfg'), 'vm: 120\n\tstate started\n')
    const before = [120, 121, 122, 123].map((v) => readFileSync(join(c.dir, `${v}.conf`)))
    const refused = (vmid: string, ...more: string[]) => {
      const r = wd(['proxmox', 'set', vmid, ...c.at, '--guest', '--action', 'reset', ...more])
      expect(r.status).toBe(2)
      return r.stderr
    }
    expect(refused('121')).toBe(
      'wd: VM 121 has no cloud-init drive: Proxmox would carry no snippet to it\n' +
        'hint: give it one (qm set 121 --ide2 STORAGE:cloudinit), then run this again\n',
    )
    expect(refused('122')).toMatch(
      /^wd: VM 122 has a vendor snippet of its own \(local:snippets\/theirs\.yaml\): cloud-init takes one\n/,
    )
    expect(refused('123')).toBe(`wd: ${c.snippet('123')} exists and is not wd's guest half; it is left as it is\n`)
    expect(refused('120', '--guest-storage', 'images')).toBe(
      "wd: storage 'images' keeps no snippets (its content: images,rootdir)\n" +
        'hint: enable them: pvesm set images --content images,rootdir,snippets\n',
    )
    expect(refused('120', '--guest-storage', 'nowhere')).toMatch(/^wd: no storage 'nowhere' in .*storage\.cfg\n/)
    // HA could start it on pve2, where this node's snippet is not: qemu-server would not start it there
    expect(refused('120')).toMatch(/^wd: VM 120 is HA-managed and storage 'local' is this node's own: on another node/)
    expect(before.every((b, i) => readFileSync(join(c.dir, `${[120, 121, 122, 123][i]}.conf`)).equals(b))).toBe(true)
    expect(readFileSync(c.snippet('123'), 'utf8')).toBe('#cloud-config\n# an operator file of that name\n')
    // on a storage every node reaches, it is written
    expect(
      wd(['proxmox', 'set', '120', ...c.at, '--guest', '--action', 'reset', '--guest-storage', 'shared']).status,
    ).toBe(0)
    expect(readFileSync(join(c.dir, '120.conf'), 'utf8')).toMatch(
      /^cicustom: vendor=shared:snippets\/wd-guest-120\.sh$/m,
    )
  })

  it('every qemu-server config with a cloud-init drive comes back byte for byte; one without is refused untouched (in-process)', async () => {
    const c = cluster({})
    const file = join(c.dir, '100.conf')
    const target = (o: {guest: {storage: string; options: typeof DEFAULT_GUEST_HALF} | null; keepWatchdog?: boolean}) =>
      proxmoxGuestTarget({dir: c.dir, lockDir: tempDir('wd-lock-'), skiplock: true, ...o})
    const add = {storage: 'local', options: DEFAULT_GUEST_HALF}
    let withDrive = 0
    for (const {name, bytes} of qemuServerConfigs()) {
      writeFileSync(file, bytes, {mode: 0o640})
      const main = bytes.toString('latin1').split(/^\[/m)[0]!
      const hasDrive = /^(ide|sata|scsi|virtio)\d+: [^,\n]*cloudinit/m.test(main)
      const set = changeWatchdog(target({guest: add}), '100', {model: 'i6300esb', action: 'reset'})
      if (!hasDrive) {
        await expect(set).rejects.toMatchObject({
          code: 'WD_CONFLICT',
          message: expect.stringMatching(/no cloud-init drive/),
        })
      } else {
        withDrive++
        expect([name, (await set).change.changed, existsSync(c.snippet('100'))]).toEqual([name, true, true])
        await changeWatchdog(target({guest: null, keepWatchdog: true}), '100', null)
        expect(existsSync(c.snippet('100'))).toBe(false)
        await changeWatchdog(target({guest: null}), '100', null)
      }
      expect([name, readFileSync(file).equals(bytes)]).toEqual([name, true])
    }
    expect(withDrive).toBeGreaterThan(3)
  })
})
