// POST /v1/resolve under load against a bare Fastify route, on loopback, bounded in time: req/s and p99 at 50
// connections, plus each server's own CPU per request. Goals: ≥ 70% of the bare route's req/s, p99 < 5 ms.
// The two servers take turns for BENCH_ROUNDS rounds (default 3) and each figure is the median of its rounds: on a
// shared 2-core machine one round alone swings by ±15%. Needs `npm run build`. BENCH_AGAINST=DIR (another built
// checkout, e.g. main's) serves POST /v1/resolve with that checkout's wd in the same rounds, for a before and after.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve as resolvePath} from 'node:path'
import {fileURLToPath} from 'node:url'
import {median} from './lib.mjs'
import {breakdown, printBreakdown} from './profile.mjs'
import {cpuMs, load, startServer} from './service-lib.mjs'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const root = fileURLToPath(new URL('..', import.meta.url))
const body = {
  flavorSpecs: {'hw:watchdog_action': 'reset', 'hw:cpu_policy': 'shared'},
  imageProperties: {hw_watchdog_action: 'poweroff'},
}
const against = process.env.BENCH_AGAINST && `${resolvePath(process.env.BENCH_AGAINST)}/`
const servers = {
  bare: {argv: [`${root}bench/bare-server.mjs`], path: '/bare'},
  // the bare route answering wd's bytes: no goal, it splits the difference into the answer's size and wd's own work
  same: {argv: [`${root}bench/bare-server.mjs`], env: {BARE_ANSWER: 'wd'}, path: '/bare'},
  resolve: {
    argv: [`${root}bin/run.js`, 'serve', '--port', '0', '--config', `${root}bench/serve-quiet.yaml`],
    path: '/v1/resolve',
  },
  ...(against && {
    against: {
      argv: [`${against}bin/run.js`, 'serve', '--port', '0', '--config', `${root}bench/serve-quiet.yaml`],
      path: '/v1/resolve',
    },
  }),
}

/** One round on one server. CPU per request is what the load generator disturbs least, and what sizes a deployment. */
async function measure(name) {
  const {argv, env, path} = servers[name]
  const server = await startServer(argv, env)
  const once = {method: 'POST', body: JSON.stringify(body), headers: {'content-type': 'application/json'}}
  answers[name] ??= await (await fetch(`${server.url}${path}`, once)).text()
  await load(`${server.url}${path}`, body, 2) // warm up
  const cpu0 = cpuMs(server.child.pid)
  const run = await load(`${server.url}${path}`, body, seconds)
  const cpuUs = ((cpuMs(server.child.pid) - cpu0) * 1000) / run.total
  server.child.kill('SIGTERM')
  return {...run, cpuUs}
}

/**
 * One more round on one server under V8's profiler, for a missed goal: its own time per request by owner (the
 * server's start is in it too, spread over the round's requests).
 */
async function profile(name) {
  const {argv, env, path} = servers[name]
  const dir = mkdtempSync(join(tmpdir(), 'wd-bench-prof-'))
  try {
    const server = await startServer(['--cpu-prof', '--cpu-prof-dir', dir, ...argv], env)
    const run = await load(`${server.url}${path}`, body, seconds)
    const exited = new Promise((done) => server.child.once('exit', done))
    server.child.kill('SIGTERM')
    await exited
    const b = breakdown(dir)
    const perRequest = (ms) => (ms * 1000) / run.total
    return {...b, wallMs: perRequest(b.wallMs), owners: b.owners.map((o) => ({...o, ms: perRequest(o.ms)}))}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const answers = {}
const runs = {bare: [], same: [], resolve: [], ...(against && {against: []})}
for (let i = 0; i < rounds; i++) for (const name of Object.keys(runs)) runs[name].push(await measure(name))
const summary = (rs) => ({
  rps: median(rs.map((r) => r.rps)),
  p99: median(rs.map((r) => r.p99)),
  cpuUs: median(rs.map((r) => r.cpuUs)),
  errors: rs.reduce((n, r) => n + r.errors, 0),
  rounds: rs.map((r) => r.rps.toFixed(0)).join(' '),
})
const bare = summary(runs.bare)
const same = summary(runs.same)
const wd = summary(runs.resolve)

const ratio = wd.rps / bare.rps
console.log(
  `service load: 50 connections, ${rounds} rounds of ${seconds} s each, loopback (load generator on the same 2 cores)`,
)
const row = (r) =>
  `${r.rps.toFixed(0)} req/s (rounds: ${r.rounds}), p99 ${r.p99} ms, ${r.cpuUs.toFixed(0)} µs CPU/request, ${r.errors} errors`
console.log(`  bare Fastify route:  ${row(bare)}`)
console.log(`  bare, wd's answer:   ${row(same)}`)
console.log(`  POST /v1/resolve:    ${row(wd)}`)
if (against) console.log(`  … ${against}: ${row(summary(runs.against))}`)
// the reference is one only while it answers byte for byte what wd answers
if (answers.same !== answers.resolve)
  console.log(`  (the bare route's copy of wd's answer is out of date: ${answers.resolve})`)
console.log(`  resolve / bare with wd's answer: ${((wd.rps / same.rps) * 100).toFixed(0)}% (no goal; wd's own work)`)
console.log(`  CPU per request, bare / resolve: ${((bare.cpuUs / wd.cpuUs) * 100).toFixed(0)}% (no goal; for sizing)`)
console.log(`  resolve / bare: ${(ratio * 100).toFixed(0)}% (goal ≥ 70%) ${ratio >= 0.7 ? 'MET' : 'MISSED'}`)
console.log(`  p99: ${wd.p99} ms (goal < 5 ms) ${wd.p99 < 5 ? 'MET' : 'MISSED'}`)
export const met = ratio >= 0.7 && wd.p99 < 5 && wd.errors === 0
if (!met) {
  // what is left: by Little's law the mean latency at 50 connections is 50 / (req/s), whatever the server does
  console.log(
    `  mean latency by Little's law, 50 / (req/s): bare ${(50000 / bare.rps).toFixed(2)} ms, resolve ${(50000 / wd.rps).toFixed(2)} ms`,
  )
  for (const name of ['same', 'resolve'])
    printBreakdown(
      `${name === 'same' ? "bare, wd's answer" : 'POST /v1/resolve'}, per request`,
      await profile(name),
      0.5,
      'µs',
    )
}
