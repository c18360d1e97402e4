// `wd proxmox list` on a cluster of 10,000 guests (5 nodes of 2,000, laid out as pmxcfs lays out /etc/pve, each a
// config of qemu-server's own tests with a watchdog line, HA resources for a tenth of them). Goal: the whole
// command, -f json to /dev/null, in ≤ 1 s (median of BENCH_RUNS runs after a warm-up); the library call alone is
// printed beside it. Needs `npm run build` and ../shared/data/proxmox-qemu-server (WD_PROXMOX_DATA).
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {goal, median, wallMedian} from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 5)
const data = process.env.WD_PROXMOX_DATA ?? join(root, '../shared/data/proxmox-qemu-server')
const GUESTS = 10_000
const NODES = 5

const configs = readdirSync(join(data, 'cfg2cmd'))
  .filter((n) => n.endsWith('.conf'))
  .map((n) => readFileSync(join(data, 'cfg2cmd', n), 'latin1'))
const pve = mkdtempSync(join(tmpdir(), 'wd-bench-pve-'))
try {
  const ha = []
  for (let i = 0; i < GUESTS; i++) {
    const dir = join(pve, 'nodes', `pve${(i % NODES) + 1}`, 'qemu-server')
    if (i < NODES) mkdirSync(dir, {recursive: true})
    const vmid = 100 + i
    const action = ['reset', 'pause', 'poweroff', 'none'][i % 4]
    writeFileSync(
      join(dir, `${vmid}.conf`),
      `${configs[i % configs.length]}watchdog: model=i6300esb,action=${action}\n`,
    )
    if (i % 10 === 0) ha.push(`vm: ${vmid}\n\tstate started\n`)
  }
  mkdirSync(join(pve, 'ha'))
  writeFileSync(join(pve, 'ha', 'resources.cfg'), ha.join('\n'))

  const {listProxmoxGuests} = await import(`${root}dist/src/operations/proxmox-list.js`)
  await listProxmoxGuests(pve)
  const inProcess = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = await listProxmoxGuests(pve)
    inProcess.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.guests.length !== GUESTS) throw new Error(`listed ${r.guests.length} guests, not ${GUESTS}`)
  }
  // exit 1: HA-managed guests whose action is pause are error-level findings
  const cli = wallMedian(
    ['sh', '-c', `node ${root}bin/run.js proxmox list --pve-root ${pve} -f json >/dev/null; [ $? -le 1 ]`],
    runs,
    {env: {...process.env, NODE_OPTIONS: ''}},
  )
  console.log(
    `proxmox list, ${GUESTS.toLocaleString('en')} guests on ${NODES} nodes: the command ${cli.toFixed(0)} ms, ` +
      `the library call ${median(inProcess).toFixed(0)} ms`,
  )
  var met = goal('proxmox list of 10,000 guests (the command)', cli / 1000, 1, ' s')
} finally {
  rmSync(pve, {recursive: true, force: true})
}
export {met}
