// A Proxmox node's worth of guests: one `wd events watch --qmp-dir` following 500 QMP sockets (small servers that
// speak QMP, in this process: 500 real guests do not fit this machine), 100 barks/s spread over them for
// BENCH_FLEET_SECONDS (default 300). Prints bark → fsynced journal record latency (p50, p99, max) and the watcher's
// RSS every 30 s. Goals: p99 < 50 ms; RSS flat (the last sample within 20 % of the one after the first minute).
// Needs `npm run build`.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, openSync, readSync, fstatSync, watch} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {rssMb} from './service-lib.mjs'

const SOCKETS = Number(process.env.BENCH_FLEET_SOCKETS ?? 500)
const RATE = Number(process.env.BENCH_FLEET_RATE ?? 100)
const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 300)
const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-fleet-'))
const qmpDir = join(dir, 'qmp')
mkdirSync(qmpDir)
const journal = join(dir, 'barks.jsonl')

// the guests' QMP servers: greet, wait for qmp_capabilities, then take WATCHDOG events to send
const clients = new Array(SOCKETS)
let ready = 0
let allReady
const readyPromise = new Promise((r) => (allReady = r))
const servers = []
for (let i = 0; i < SOCKETS; i++) {
  const server = net.createServer((c) => {
    c.on('error', () => undefined)
    c.write('{"QMP": {"version": {}, "capabilities": []}}\n')
    c.once('data', () => {
      c.write('{"return": {}}\n')
      if (clients[i] === undefined && ++ready === SOCKETS) allReady()
      clients[i] = c
    })
  })
  await new Promise((r) => server.listen(join(qmpDir, `${1000 + i}.sock`), r))
  servers.push(server)
}

const watcher = spawn(
  process.execPath,
  [`${root}bin/run.js`, 'events', 'watch', '--qmp-dir', qmpDir, '--journal', journal],
  {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: {...process.env, NODE_OPTIONS: ''},
  },
)
const t0 = performance.now()
await readyPromise
console.log(`barks (fleet): ${SOCKETS} QMP sockets followed after ${((performance.now() - t0) / 1000).toFixed(1)} s`)

// the journal, read as it grows (only the new bytes)
const sent = new Map()
const latencies = []
let offset = 0
let rest = ''
const fd = openSync(journal, 'a+')
const buffer = Buffer.alloc(1 << 20)
function readNew() {
  const size = fstatSync(fd).size
  const now = performance.now()
  while (offset < size) {
    const n = readSync(fd, buffer, 0, buffer.length, offset)
    if (n <= 0) break
    offset += n
    const lines = (rest + buffer.toString('utf8', 0, n)).split('\n')
    rest = lines.pop()
    for (const line of lines) {
      if (!line) continue
      const b = JSON.parse(line)
      const at = sent.get(`${b.vm}|${b.time}`)
      if (at !== undefined) {
        latencies.push(now - at)
        sent.delete(`${b.vm}|${b.time}`)
      }
    }
  }
}
const watching = watch(journal, readNew)
const polling = setInterval(readNew, 2)

const rss = []
const sampling = setInterval(
  () => rss.push({s: Math.round((performance.now() - start) / 1000), mb: rssMb(watcher.pid)}),
  30000,
)
const start = performance.now()
rss.push({s: 0, mb: rssMb(watcher.pid)})
let n = 0
const interval = 1000 / RATE
while (performance.now() - start < SECONDS * 1000) {
  const vm = n % SOCKETS
  // QEMU's event time: unique per bark of a VM
  const seconds = 1795320000 + Math.floor(n / SOCKETS)
  const time = new Date(seconds * 1000).toISOString()
  sent.set(`${1000 + vm}|${time}`, performance.now())
  clients[vm].write(
    JSON.stringify({timestamp: {seconds, microseconds: 0}, event: 'WATCHDOG', data: {action: 'reset'}}) + '\n',
  )
  n++
  const next = start + n * interval
  const wait = next - performance.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
}
const deadline = performance.now() + 10000
while (sent.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
clearInterval(sampling)
rss.push({s: Math.round((performance.now() - start) / 1000), mb: rssMb(watcher.pid)})
clearInterval(polling)
watching.close()
watcher.kill('SIGTERM')
for (const s of servers) s.close()
for (const c of clients) c?.destroy()

const sorted = [...latencies].sort((a, b) => a - b)
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const afterWarmup = rss.find((r) => r.s >= 60) ?? rss[0]
const last = rss.at(-1)
const flat = last.mb <= afterWarmup.mb * 1.2
console.log(
  `  ${n} barks at ${RATE}/s over ${SECONDS} s to ${SOCKETS} sockets: ${latencies.length} recorded, ${sent.size} missing; ` +
    `bark → journal p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${sorted.at(-1).toFixed(1)} ms`,
)
console.log(`  watcher RSS (MB) by second: ${rss.map((r) => `${r.s}s ${r.mb.toFixed(0)}`).join(', ')}`)
console.log(
  `  P7 fleet p99: ${pct(99).toFixed(2)} ms (goal < 50 ms) ${pct(99) < 50 && sent.size === 0 ? 'MET' : 'MISSED'}`,
)
console.log(
  `  P7 fleet RSS flat: ${afterWarmup.mb.toFixed(0)} MB at ${afterWarmup.s} s → ${last.mb.toFixed(0)} MB at ${last.s} s (goal: within 20 %) ${flat ? 'MET' : 'MISSED'}`,
)
export const met = pct(99) < 50 && sent.size === 0 && flat
