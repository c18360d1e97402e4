import {describe, expect, it} from '@jest/globals'
import {copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, wd, wdJson} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'
import {journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {fakeQmp, watchdogLine} from '../helpers/fake-qmp.js'

function vmDir() {
  const dir = tempDir('wd-qemu-server-')
  copyFileSync(fixture('proxmox-101.conf'), join(dir, '101.conf'))
  return dir
}

describe('wd proxmox', () => {
  it('set by VMID under --dir, show, unset: the file comes back byte for byte', () => {
    const dir = vmDir()
    const original = readFileSync(join(dir, '101.conf'), 'utf8')
    const set = wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'reset'])
    expect([set.status, set.stdout, set.stderr]).toEqual([
      0,
      `${dir}/101.conf: watchdog: model=i6300esb,action=reset\n`,
      '',
    ])
    const show = wdJson(['proxmox', 'show', '101', '--dir', dir])
    expect(show).toMatchObject({
      target: {kind: 'proxmox-guest', id: `${dir}/101.conf`, name: '101'},
      device: {model: 'i6300esb', action: 'reset'},
      attributes: {pending: null, running: false, lock: null, node: null},
    })
    expect(wd(['proxmox', 'unset', join(dir, '101.conf')]).status).toBe(0)
    expect(readFileSync(join(dir, '101.conf'), 'utf8')).toBe(original)
  })

  it('a stopped guest: a pending change to the watchdog is replaced by the new one, as qm set replaces it', () => {
    const dir = vmDir()
    const file = join(dir, '101.conf')
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, original.replace('delete: tablet', 'delete: tablet,watchdog'))
    const show = wd(['proxmox', 'show', '101', '--dir', dir])
    expect(show.stdout).toMatch(/^pending: watchdog deleted \(applied at the next cold start\)$/m)
    const set = wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'pause'])
    expect(set.stderr).toBe(
      'warning: the pending change to the watchdog (deleted) is replaced by this one, as qm set replaces it\n',
    )
    writeFileSync(file, readFileSync(file, 'utf8').replace('memory: 8192\n', 'memory: 8192\nwatchdog: ib700\n'))
    expect(wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'reset']).status).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(
      original.replace(/^(vmgenid: .*\n)/m, '$1watchdog: model=i6300esb,action=reset\n'),
    )
  })

  it('translates from Nova (flavor and image) and from libvirt words, refusing what Proxmox lacks', () => {
    const dir = vmDir()
    const nova = wd([
      'proxmox',
      'set',
      '101',
      '--dir',
      dir,
      '--from-flavor',
      'hw:watchdog_action=reset',
      '--from-image',
      'hw_watchdog_action=pause',
    ])
    expect(nova.stdout).toContain('watchdog: model=i6300esb,action=pause')
    const nmi = wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'inject-nmi', '--vocabulary', 'libvirt'])
    expect(nmi.status).toBe(1)
    expect(nmi.stderr).toMatch(
      /^wd: libvirt action 'inject-nmi' has no proxmox equivalent: 'inject-nmi' injects an NMI/,
    )
    const debug = wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'debug'])
    expect(debug.stdout).toContain('action=debug')
    const bad = wd(['proxmox', 'set', '101', '--dir', dir, '--from-flavor', 'hw:watchdog_action=Reset'])
    expect(bad.status).toBe(1)
    expect(readFileSync(join(dir, '101.conf'), 'utf8')).toContain('watchdog: model=i6300esb,action=debug')
  })

  it('a missing VMID is exit 2', () => {
    const r = wd(['proxmox', 'show', '999', '--dir', vmDir()])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^wd: .*999\.conf: no such file\n$/)
  })

  it("--record adds wd's own QMP monitor to args: (the operator's kept), once; unset --record takes only it away", () => {
    const dir = vmDir()
    const file = join(dir, '101.conf')
    const original = readFileSync(file, 'utf8')
    // the operator's own arguments, where Proxmox sorts the key (after agent:, before boot:)
    const theirs = original.replace('boot: ', 'args: -cpu host,+kvm_pv_unhalt\nboot: ')
    writeFileSync(file, theirs)
    const own =
      '-chardev socket,id=wd-qmp,path=/var/run/qemu-server/wd-101.qmp,server=on,wait=off -mon chardev=wd-qmp,mode=control'

    const record = wd(['proxmox', 'set', '101', '--dir', dir, '--record'])
    expect(record.status).toBe(0)
    expect(record.stdout).toBe(`${file}: wd's QMP monitor on /var/run/qemu-server/wd-101.qmp added (args:)\n`)
    expect(record.stderr).toBe(
      "warning: wd's QMP monitor takes effect at the guest's next start: QEMU then creates " +
        "/var/run/qemu-server/wd-101.qmp, in qemu-server's own run directory (there whenever a guest can start); " +
        'wd events watch --qmp-dir /var/run/qemu-server follows it\n',
    )
    expect(readFileSync(file, 'utf8')).toBe(
      theirs.replace('args: -cpu host,+kvm_pv_unhalt', `args: -cpu host,+kvm_pv_unhalt ${own}`),
    )
    const shown = wd(['proxmox', 'show', '101', '--dir', dir])
    expect(shown.stdout).toMatch(/^recorded by wd: its own QMP monitor on \/var\/run\/qemu-server\/wd-101\.qmp$/m)

    // again, and with a watchdog: the monitor is not added twice; the watchdog line comes as usual
    const both = wd(['proxmox', 'set', '101', '--dir', dir, '--record', '--action', 'reset'])
    expect([both.status, both.stdout]).toEqual([0, `${file}: watchdog: model=i6300esb,action=reset\n`])
    expect(readFileSync(file, 'utf8').split(own).length).toBe(2)

    const unset = wd(['proxmox', 'unset', '101', '--dir', dir, '--record'])
    expect([unset.status, unset.stdout]).toEqual([
      0,
      `${file}: wd's QMP monitor on /var/run/qemu-server/wd-101.qmp removed (args:)\n`,
    ])
    const after = readFileSync(file, 'utf8')
    expect(after).toMatch(/^args: -cpu host,\+kvm_pv_unhalt$/m)
    expect(after).toMatch(/^watchdog: model=i6300esb,action=reset$/m)
    expect(wd(['proxmox', 'unset', '101', '--dir', dir]).status).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(theirs)
    // a guest without arguments of its own: the args: line comes and goes whole
    writeFileSync(file, original)
    // another directory is the operator's to keep there: QEMU does not start the guest without it
    const elsewhere = wd(['proxmox', 'set', '101', '--dir', dir, '--record', '--qmp-dir', '/srv/wd'])
    expect([elsewhere.status, elsewhere.stderr]).toEqual([
      0,
      "warning: wd's QMP monitor takes effect at the guest's next start: QEMU then creates /srv/wd/wd-101.qmp. " +
        'QEMU does not start the guest while /srv/wd is missing (after a reboot, on a node without it): the ' +
        'default, /var/run/qemu-server, is there whenever a guest can start\n',
    ])
    expect(readFileSync(file, 'utf8')).toMatch(/^args: -chardev socket,id=wd-qmp,path=\/srv\/wd\/wd-101\.qmp,/m)
    expect(wd(['proxmox', 'unset', '101', '--dir', dir, '--record']).status).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(original)
  })

  it('--record refuses a socket directory QEMU would read otherwise, and a file not named by its VMID', () => {
    const dir = vmDir()
    const bad = wd(['proxmox', 'set', '101', '--dir', dir, '--record', '--qmp-dir', '/run/w d'])
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/^wd: the QMP socket path '\/run\/w d\/wd-101\.qmp' is not one/),
    ])
    copyFileSync(join(dir, '101.conf'), join(dir, 'web.conf'))
    const unnamed = wd(['proxmox', 'set', join(dir, 'web.conf'), '--record'])
    expect([unnamed.status, unnamed.stderr]).toEqual([2, expect.stringMatching(/is not named VMID\.conf/)])
  })

  it("events watch refuses Proxmox's own QMP socket, with the reason and the fix", () => {
    const r = wd(['events', 'watch', '--qmp', '/var/run/qemu-server/101.qmp', '--journal', '/dev/null'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /^wd: \/var\/run\/qemu-server\/101\.qmp is Proxmox's own QMP socket: while wd holds it, qm, pvestatd and backups get no answer from QEMU$/m,
    )
    expect(r.stderr).toMatch(
      /^hint: give the guest a monitor of wd's own \(wd proxmox set VMID --record\) and follow those with --qmp-dir/m,
    )
  })

  it("events watch --qmp-dir follows wd's sockets in qemu-server's directory, never Proxmox's; waits for a missing one", async () => {
    const base = tempDir('wd-qmp-dir-')
    // like /var/run/qemu-server: not there yet when the watcher starts (a node booting), made by qemu-server
    const run = join(base, 'qemu-server')
    const journal = join(base, 'barks.jsonl')
    const w = startWatcher(['--qmp-dir', run], journal)
    try {
      await until(() => w.said().includes(`qmp-dir ${run}: no such directory yet; waiting for it`), 20, 'the wait')
      expect(existsSync(run)).toBe(false)
      mkdirSync(run, {mode: 0o750})
      let asked = 0
      const proxmox = await fakeQmp(join(run, '102.qmp'), () => asked++)
      const own = await fakeQmp(join(run, 'wd-102.qmp'), (c) => c.write(watchdogLine(1795320000)))
      await until(async () => (await journalOf(journal)).length === 1, 20, 'the bark')
      expect((await journalOf(journal))[0]).toMatchObject({
        vm: '102',
        instance: 'proxmox:102',
        source: `qmp:${run}/wd-102.qmp`,
      })
      expect([asked, w.said()]).toEqual([0, expect.not.stringContaining(`following ${run}/102.qmp`)])
      await Promise.all([proxmox.close(), own.close()])
    } finally {
      await stopWatcher(w)
    }
  })
})
