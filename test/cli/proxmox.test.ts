import {describe, expect, it} from '@jest/globals'
import {copyFileSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, wd, wdJson} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

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
    expect([set.status, set.stdout]).toEqual([0, `${dir}/101.conf: watchdog: model=i6300esb,action=reset\n`])
    expect(set.stderr).toBe(
      'warning: [PENDING] also has the watchdog deleted; Proxmox applies that at the next cold start\n',
    )
    const show = wdJson(['proxmox', 'show', '101', '--dir', dir])
    expect(show).toMatchObject({
      target: {kind: 'proxmox-guest', id: `${dir}/101.conf`, name: '101'},
      device: {model: 'i6300esb', action: 'reset'},
      attributes: {pending: 'deleted'},
    })
    expect(wd(['proxmox', 'unset', join(dir, '101.conf')]).status).toBe(0)
    expect(readFileSync(join(dir, '101.conf'), 'utf8')).toBe(original)
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
})
