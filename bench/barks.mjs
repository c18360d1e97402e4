// Bark recording: latency from a QMP WATCHDOG event to its fsynced journal record, and the watcher's RSS, in one run.
// The QMP peer here is a small socket server that speaks QMP and emits WATCHDOG events at a steady pace (a real
// QEMU barks once per hang; the e2e tests do that). Goal: p99 < 50 ms. Needs `npm run build`.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, watch} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {rssMb} from './service-lib.mjs'

const events = Number(process.env.BENCH_BARKS ?? 200)
const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-barks-'))
const socket = join(dir, 'bench.qmp')
const journal = join(dir, 'barks.jsonl')

let client
let server
const connected = new Promise((resolve) => {
  server = net
    .createServer((c) => {
      c.write('{"QMP": {"version": {}, "capabilities": []}}\n')
      c.once('data', () => {
        client = c
        resolve()
      })
    })
    .listen(socket)
})
const watcher = spawn(
  process.execPath,
  [`${root}bin/run.js`, 'events', 'watch', '--qmp', socket, '--journal', journal],
  {
    stdio: 'ignore',
    env: {...process.env, NODE_OPTIONS: ''},
  },
)
await connected
const rssStart = rssMb(watcher.pid)

const sent = new Map()
const latencies = []
let seenLines = 0
let resolveDone = () => {}
const arrived = new Promise((resolve) => {
  const check = () => {
    let text
    try {
      text = readFileSync(journal, 'utf8')
    } catch {
      return
    }
    const lines = text.split('\n').filter(Boolean)
    const now = performance.now()
    for (const line of lines.slice(seenLines)) {
      const t0 = sent.get(JSON.parse(line).time)
      if (t0 !== undefined) latencies.push(now - t0)
    }
    seenLines = lines.length
    if (seenLines >= events) resolve()
  }
  const watching = watch(dir, check)
  const polling = setInterval(check, 1)
  resolveDone = () => {
    watching.close()
    clearInterval(polling)
  }
})
for (let i = 0; i < events; i++) {
  const seconds = 1795320000 + i
  sent.set(new Date(seconds * 1000).toISOString(), performance.now())
  client.write(
    JSON.stringify({timestamp: {seconds, microseconds: 0}, event: 'WATCHDOG', data: {action: 'reset'}}) + '\n',
  )
  await new Promise((r) => setTimeout(r, 10))
}
await arrived
resolveDone()
const rssEnd = rssMb(watcher.pid)
watcher.kill('SIGTERM')
latencies.sort((a, b) => a - b)
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
console.log(`bark recording: ${events} QMP WATCHDOG events, one every 10 ms, each fsynced to the journal`)
console.log(
  `  event → journal record: p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${latencies.at(-1).toFixed(2)} ms`,
)
console.log(`  watcher RSS: ${rssStart.toFixed(1)} MB at start, ${rssEnd.toFixed(1)} MB after ${events} barks`)
export const met = q(0.99) < 50
console.log(`  p99 < 50 ms: ${met ? 'MET' : 'MISSED'}`)
client.destroy()
server.close()
