// The bus, for real: `wd events watch --notify` publishing to Debian's RabbitMQ (a broker of the bench's own,
// test/env/rabbitmq/rabbitmq.sh, on 127.0.0.1:5675) and `wd events consume` reading the same barks into one journal.
//   backlog: BENCH_BUS_BACKLOG (20,000) barks already in the watcher's journal, its mark at the start: the rate from
//            the watcher's start until the broker has confirmed them all (the mark at the journal's end);
//   live:    one QMP socket sends BENCH_BUS_RATE barks/s (1,500: above the goal, so that the figure is not just
//            the offered load) for BENCH_BUS_SECONDS (20): barks published per second from the first sent to the
//            last confirmed, and how far the consumer is behind then.
// Goals: ≥ 1,000 barks/s published, sustained (backlog and live); the consumer keeps up (it has every bark within
// 5 s of the last one's confirm). Needs `npm run build`, rabbitmq-server (scripts/install-deps.sh) and root.
import {spawn, spawnSync} from 'node:child_process'
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const BACKLOG = Number(process.env.BENCH_BUS_BACKLOG ?? 20000)
const RATE = Number(process.env.BENCH_BUS_RATE ?? 1500)
const SECONDS = Number(process.env.BENCH_BUS_SECONDS ?? 20)
const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-bus-'))
chmodSync(dir, 0o755)
const broker = join(dir, 'rabbitmq')
const script = join(root, 'test/env/rabbitmq/rabbitmq.sh')
const started = spawnSync('bash', [script, 'start', broker, '5675'], {encoding: 'utf8'})
if (started.status !== 0) throw new Error(`rabbitmq.sh: ${started.stderr}`)
const url = started.stdout.trim()
const env = {...process.env, NODE_OPTIONS: '', WD_TRANSPORT_URL: url}
const wd = (args) =>
  spawn(process.execPath, [`${root}bin/run.js`, ...args], {stdio: ['ignore', 'ignore', 'inherit'], env})
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
/** Lines of a growing file, counted on the new bytes only (the bench must not be the load it measures). */
const counted = new Map()
const lines = (file) => {
  const c = counted.get(file) ?? {offset: 0, n: 0}
  counted.set(file, c)
  let fd
  try {
    fd = openSync(file, 'r')
  } catch {
    return 0
  }
  try {
    const buf = Buffer.alloc(1 << 20)
    for (let got; (got = readSync(fd, buf, 0, buf.length, c.offset)) > 0;) {
      const last = buf.lastIndexOf(10, got - 1)
      if (last < 0) break
      for (let i = buf.indexOf(10); i >= 0 && i <= last; i = buf.indexOf(10, i + 1)) c.n++
      c.offset += last + 1
    }
  } finally {
    closeSync(fd)
  }
  return c.n
}
const markOf = (journal) => {
  try {
    return JSON.parse(readFileSync(`${journal}.notified`, 'utf8')).offset
  } catch {
    return -1
  }
}
const T0 = 1795320000

// the QMP socket of the live phase: greets, then sends what it is told
let qmpConn
const socket = join(dir, '101.sock')
const qmp = net.createServer((c) => {
  c.on('error', () => undefined)
  c.write('{"QMP": {"version": {}, "capabilities": []}}\n')
  c.once('data', () => {
    c.write('{"return": {}}\n')
    qmpConn = c
  })
})
await new Promise((r) => qmp.listen(socket, r))

const fleet = join(dir, 'fleet.jsonl')
const consumer = wd(['events', 'consume', '--journal', fleet])
const journal = join(dir, 'barks.jsonl')
let figures
try {
  // backlog: the journal of a watcher that could not publish for a while
  const record = (i) =>
    JSON.stringify({
      id: `qmp:${socket}|101|${T0 + i}.0|reset`,
      time: new Date((T0 + i) * 1000).toISOString(),
      vm: '101',
      action: 'reset',
      source: `qmp:${socket}`,
      host: 'bench-1',
      instance: 'proxmox:101',
    }) + '\n'
  writeFileSync(journal, Array.from({length: BACKLOG}, (_, i) => record(i)).join(''))
  const st = statSync(journal)
  writeFileSync(`${journal}.notified`, JSON.stringify({dev: st.dev, ino: st.ino, offset: 0}))
  await sleep(2000) // the consumer's queue is declared
  const tb = performance.now()
  const watcher = wd(['events', 'watch', '--qmp', socket, '--journal', journal, '--notify', url, '--host', 'bench-1'])
  while (markOf(journal) < st.size) await sleep(100)
  const backlogRate = BACKLOG / ((performance.now() - tb) / 1000)
  while (lines(fleet) < BACKLOG) await sleep(50)
  const backlogConsumed = BACKLOG / ((performance.now() - tb) / 1000)
  console.log(
    `barks (bus): backlog of ${BACKLOG}: published ${backlogRate.toFixed(0)} barks/s (from the watcher's start), consumed ${backlogConsumed.toFixed(0)} barks/s`,
  )

  // live: RATE barks/s from one QMP socket
  while (!qmpConn) await sleep(100)
  const before = {journal: lines(journal), fleet: lines(fleet)}
  const tl = performance.now()
  let sentBarks = 0
  const send = (upTo) => {
    let out = ''
    for (; sentBarks < upTo; sentBarks++) {
      const timestamp = {seconds: T0 + 100000 + Math.floor(sentBarks / 1000), microseconds: (sentBarks % 1000) * 1000}
      out += JSON.stringify({event: 'WATCHDOG', data: {action: 'reset'}, timestamp}) + '\n'
    }
    if (out) qmpConn.write(out)
  }
  const ticker = setInterval(
    () => send(Math.min(RATE * SECONDS, Math.round(((performance.now() - tl) / 1000) * RATE))),
    10,
  )
  const samples = []
  for (let s = 1; s <= SECONDS; s++) {
    await sleep(tl + s * 1000 - performance.now())
    samples.push({s, journaled: lines(journal) - before.journal, consumed: lines(fleet) - before.fleet})
  }
  clearInterval(ticker)
  const total = RATE * SECONDS
  send(total)
  while (lines(journal) - before.journal < total) await sleep(100)
  const journalEnd = statSync(journal).size
  while (markOf(journal) < journalEnd) await sleep(100)
  const publishedAt = performance.now()
  const liveRate = total / ((publishedAt - tl) / 1000)
  while (lines(fleet) - before.fleet < total && performance.now() - publishedAt < 60000) await sleep(100)
  const behind = (performance.now() - publishedAt) / 1000
  const consumed = lines(fleet) - before.fleet
  const mid = samples[Math.floor(samples.length / 2)]
  console.log(
    `barks (bus): live ${RATE}/s for ${SECONDS} s: all ${total} journaled, published ${liveRate.toFixed(0)} barks/s ` +
      `(send to last confirm); at ${mid.s} s ${mid.journaled} journaled, ${mid.consumed} consumed; ` +
      `the consumer had ${consumed} of ${total} ${behind.toFixed(1)} s after the last confirm`,
  )
  watcher.kill('SIGTERM')
  figures = {backlogRate, liveRate, behind, complete: consumed === total && lines(fleet) === BACKLOG + total}
} finally {
  consumer.kill('SIGTERM')
  qmp.close()
  spawnSync('bash', [script, 'stop', broker])
  await sleep(500)
  rmSync(dir, {recursive: true, force: true})
}
const published = Math.min(figures.backlogRate, figures.liveRate)
const keepsUp = figures.complete && figures.behind <= 5
console.log(
  `  P8 bus publish: ${published.toFixed(0)} barks/s sustained (goal ≥ 1,000) ${published >= 1000 ? 'MET' : 'MISSED'}`,
)
console.log(
  `  P8 bus consumer keeps up: every bark, ${figures.behind.toFixed(1)} s after the last confirm (goal ≤ 5 s) ${keepsUp ? 'MET' : 'MISSED'}`,
)
export const met = published >= 1000 && keepsUp
