/**
 * `wd proxmox list` on a cluster laid out as pmxcfs lays out /etc/pve: qemu-server's own test configs as the guests
 * of three nodes, a few guests of the test's own that carry each finding, HA's resources.cfg, and files that are no
 * guest config. The expectations come from what the test wrote and from the configs' own lines, not from wd.
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {writeFileSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'
import type {ProxmoxListReport} from '../../src/operations/proxmox-list.js'
import {wd, wdJson} from '../helpers/cli.js'
import {strictOpenMetrics} from '../helpers/openmetrics.js'
import {pmxcfs, qemuServerConfig, qemuServerConfigs} from '../helpers/proxmox.js'

const SIMPLE = qemuServerConfig('cfg2cmd/simple1.conf').toString('latin1')
/** simple1.conf with lines added where qemu-server sorts them (before vmgenid, its last key) or appended. */
const withLines = (main: string[], after = '') =>
  SIMPLE.replace(/^(vmgenid: .*\n)/m, `${main.join('\n')}${main.length ? '\n' : ''}$1`) + after

/** The test's own guests, one for each thing the list must find. */
const OWN: Record<string, string> = {
  901: withLines(['watchdog: model=i6300esb,action=pause']),
  902: withLines(['watchdog: i6300esb,action=none']),
  903: withLines(['watchdog: model=i6300esb,action=Reset']),
  904: withLines([
    'args: -chardev socket,id=wd-qmp,path=/run/wd/qmp/904.sock,server=on,wait=off -mon chardev=wd-qmp,mode=control',
    'watchdog: model=i6300esb,action=reset',
  ]),
  905: withLines(['watchdog: ib700']),
  906: withLines([], '\n[PENDING]\nwatchdog: model=i6300esb,action=reset\n'),
  907: withLines([
    'args: -chardev socket,id=wd-qmp,path=/var/run/qemu-server/wd-907.qmp,server=on,wait=off -mon chardev=wd-qmp,mode=control',
    'watchdog: model=i6300esb,action=reset',
  ]).replace(
    'ide2: none,media=cdrom',
    'cicustom: user=local:snippets/u.yaml,vendor=local:snippets/wd-guest-907.sh\nide2: local:907/vm-907-cloudinit.qcow2,media=cdrom',
  ),
}

function cluster() {
  const configs = qemuServerConfigs()
  const nodes: Record<string, Record<string, Buffer | string>> = {pve1: {}, pve2: {}, pve3: {}}
  // qemu-server's configs spread over three nodes, each its own VMID
  configs.forEach((c, i) => (nodes[`pve${(i % 3) + 1}`]![String(1000 + i)] = c.bytes))
  Object.assign(nodes.pve2!, OWN)
  const {root} = pmxcfs(nodes)
  mkdirSync(join(root, 'ha'))
  writeFileSync(
    join(root, 'ha', 'resources.cfg'),
    'vm: 901\n\tstate started\n\tgroup prod\n\nvm: 902\n\tstate ignored\n\n# a container is no guest of qemu-server\nct: 901\n\tstate stopped\n\nvm: 906\n',
  )
  // no guest configs: a FIFO, a binary file, names Proxmox does not give configs
  const pve3 = join(root, 'nodes', 'pve3', 'qemu-server')
  expect(spawnSync('mkfifo', [join(pve3, '998.conf')]).status).toBe(0)
  writeFileSync(join(pve3, '999.conf'), Buffer.from([0, 1, 2, 3]))
  writeFileSync(join(pve3, 'notes.conf'), 'cores: 1\n')
  writeFileSync(join(pve3, '1000.conf.tmp.123'), 'cores: 1\n')
  return {root, configs}
}

type Record_ = ProxmoxListReport['guests'][number]
const rules = (g: Record_ | undefined) => g?.findings.map((f) => f.rule).sort()

describe('wd proxmox list', () => {
  it('every guest of the cluster with its node; the findings each config calls for, each with its fix', () => {
    const {root, configs} = cluster()
    const r = wdJson<ProxmoxListReport>(['proxmox', 'list', '--pve-root', root], {status: 1})
    expect(r.nodes).toEqual(['pve1', 'pve2', 'pve3'])
    expect(r.guests).toHaveLength(configs.length + Object.keys(OWN).length)
    expect(r.skipped).toEqual([
      expect.stringMatching(/nodes\/pve3\/qemu-server\/998\.conf: not a regular file; skipped$/),
      expect.stringMatching(
        /nodes\/pve3\/qemu-server\/999\.conf:1:1: not a Proxmox VE config: a NUL byte .*; skipped$/,
      ),
    ])
    expect(r.stderr.trim().split('\n')).toHaveLength(2)
    const guest = (vmid: string) => r.guests.find((g) => g.vmid === vmid)

    // qemu-server's own configs: none has a watchdog; the locked one, the q35 ones say so
    configs.forEach((c, i) => {
      const text = c.bytes.toString('latin1')
      const g = guest(String(1000 + i))
      expect([c.name, g?.node, g?.watchdog]).toEqual([c.name, `pve${(i % 3) + 1}`, null])
      const want = ['proxmox/no-watchdog']
      if (/^lock: /m.test(text.split(/^\[/m)[0]!)) want.push('proxmox/locked')
      if (/^machine: (type=)?[^,\n]*q35/m.test(text.split(/^\[/m)[0]!)) want.push('proxmox/q35-itco')
      expect([c.name, rules(g)]).toEqual([c.name, want.sort()])
    })

    expect(guest('901')).toMatchObject({
      node: 'pve2',
      name: 'simple',
      action: 'pause',
      ha: {state: 'started', group: 'prod'},
      findings: [
        {
          rule: 'proxmox/ha-pause',
          severity: 'error',
          message: expect.stringContaining('HA sees a paused guest as running'),
          fix: 'wd proxmox set 901 --action reset (on pve2)',
        },
      ],
    })
    // HA ignores 902: no HA finding, but its action is none
    expect(guest('902')).toMatchObject({action: 'none', ha: {state: 'ignored', group: null}})
    expect(rules(guest('902'))).toEqual(['proxmox/action-none'])
    expect(guest('903')).toMatchObject({watchdog: 'model=i6300esb,action=Reset', action: null})
    expect(rules(guest('903'))).toEqual(['proxmox/invalid-watchdog'])
    expect(guest('904')).toMatchObject({monitor: '/run/wd/qmp/904.sock'})
    expect(guest('904')!.findings).toEqual([
      expect.objectContaining({rule: 'proxmox/monitor-directory', fix: 'wd proxmox set 904 --record (on pve2)'}),
    ])
    // a line without an action: QEMU's default, reset
    expect(guest('905')).toMatchObject({model: 'ib700', action: 'reset', findings: []})
    expect(guest('906')).toMatchObject({watchdog: null, pending: 'model=i6300esb,action=reset', ha: {state: 'started'}})
    expect(rules(guest('906'))).toEqual(['proxmox/change-pending'])
    expect(guest('907')).toMatchObject({
      monitor: '/var/run/qemu-server/wd-907.qmp',
      vendor: 'local:snippets/wd-guest-907.sh',
      findings: [],
    })
    expect(r.summary).toMatchObject({
      guests: configs.length + 7,
      byAction: {reset: 3, pause: 1},
      without: configs.length + 2,
      pending: 1,
      ha: 2,
      recorded: 2,
      guestHalf: 1,
    })
  })

  it('-f table: the summary first, the guests, the findings with fixes; -f json records; csv, value, openmetrics', () => {
    const {root, configs} = cluster()
    const table = wd(['proxmox', 'list', '--pve-root', root])
    expect(table.status).toBe(1)
    const lines = table.stdout.split('\n')
    expect(lines[0]).toMatch(
      new RegExp(
        `^wd proxmox list: ${configs.length + 7} guests on 3 nodes: 4 with a watchdog that acts \\(reset 3, pause 1\\), 1 with action none, ${configs.length + 2} without; 1 with a change pending, 2 HA-managed, 2 recorded by wd, 1 with wd's guest half; 2 errors, \\d+ warnings, \\d+ info$`,
      ),
    )
    expect(lines[1]).toMatch(/^\+-+\+/)
    expect(lines[2]).toMatch(/^\| node +\| vmid +\| name +\| watchdog +\| action +\| pending +\| monitor +\|/)
    expect(table.stdout).toMatch(/^error {3}proxmox\/ha-pause {2}VM 901 \(simple\) on pve2 is HA-managed/m)
    expect(table.stdout).toMatch(/^ {8}fix: wd proxmox set 901 --action reset \(on pve2\)$/m)

    const json = wd(['proxmox', 'list', '--pve-root', root, '-f', 'json'])
    const records = JSON.parse(json.stdout) as {vmid: number; node: string; action: string | null}[]
    expect(records).toHaveLength(configs.length + 7)
    expect(records.find((x) => x.vmid === 901)).toMatchObject({node: 'pve2', action: 'pause', ha_state: 'started'})
    expect(json.stderr).toMatch(/^wd proxmox list: \d+ guests on 3 nodes/m)

    const csv = wd(['proxmox', 'list', '--pve-root', root, '-f', 'csv', '-c', 'vmid', '-c', 'node', '-c', 'action'])
    expect(csv.stdout.split('\n').slice(0, 1)).toEqual(['"vmid","node","action"'])
    expect(csv.stdout).toContain('\n901,"pve2","pause"\n')
    const value = wd(['proxmox', 'list', '--pve-root', root, '-f', 'value', '-c', 'vmid', '-c', 'action'])
    expect(value.stdout).toContain('\n905 reset\n')

    const metrics = wd(['proxmox', 'list', '--pve-root', root, '-f', 'openmetrics'])
    expect(metrics.stdout).toMatch(/^# HELP wd_proxmox_guests /)
    expect(metrics.stdout).toContain('wd_proxmox_guests{node="pve2",action="pause"} 1\n')
    expect(metrics.stdout).toContain('wd_proxmox_findings{node="pve2",rule="proxmox/ha-pause",severity="error"} 1\n')
    expect(metrics.stdout.endsWith('# EOF\n')).toBe(true)
    // what Prometheus reads of it: the Prometheus project's strict OpenMetrics parser
    const guests = strictOpenMetrics(metrics.stdout).find((f) => f.name === 'wd_proxmox_guests')
    expect(guests?.type).toBe('gauge')
    expect(guests?.samples).toContainEqual(['wd_proxmox_guests', {node: 'pve2', action: 'pause'}, 1])
  })

  it('-f openmetrics: a node directory named to forge a series is one label value the strict parser reads back', () => {
    // pmxcfs names node directories after hosts, but --pve-root may be any tree: a name is only bytes
    const forged = 'pve"} 99\nwd_proxmox_guests{node="x'
    const {root} = pmxcfs({pve1: {905: OWN[905]!}, [forged]: {901: OWN[901]!}})
    const families = strictOpenMetrics(wd(['proxmox', 'list', '--pve-root', root, '-f', 'openmetrics']).stdout)
    const guests = families.find((f) => f.name === 'wd_proxmox_guests')!.samples
    expect(guests).toContainEqual(['wd_proxmox_guests', {node: forged, action: 'pause'}, 1])
    expect(guests.filter(([, labels]) => labels.node === 'x')).toEqual([])
  })

  it('a cluster with nothing wrong exits 0; a root without nodes is an empty list', () => {
    const {root} = pmxcfs({pve1: {905: OWN[905]!}})
    expect(wd(['proxmox', 'list', '--pve-root', root]).status).toBe(0)
    const empty = wdJson<ProxmoxListReport>(['proxmox', 'list', '--pve-root', join(root, 'ha')])
    expect([empty.guests, empty.nodes]).toEqual([[], []])
  })
})
