// POST /v1/resolve under load against a bare Fastify route, in one run, on loopback, bounded in time:
// req/s and p99 at 50 connections. Goals: ≥ 70% of the bare route's req/s, p99 < 5 ms. Needs `npm run build`.
import {fileURLToPath} from 'node:url'
import {load, startServer} from './service-lib.mjs'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const root = fileURLToPath(new URL('..', import.meta.url))
const body = {
  flavorSpecs: {'hw:watchdog_action': 'reset', 'hw:cpu_policy': 'shared'},
  imageProperties: {hw_watchdog_action: 'poweroff'},
}

const bare = await startServer([`${root}bench/bare-server.mjs`])
const bareRun = await load(`${bare.url}/bare`, body, seconds)
bare.child.kill('SIGTERM')
const wd = await startServer([`${root}bin/run.js`, 'serve', '--port', '0', '--config', `${root}bench/serve-quiet.yaml`])
const wdRun = await load(`${wd.url}/v1/resolve`, body, seconds)
wd.child.kill('SIGTERM')

const ratio = wdRun.rps / bareRun.rps
console.log(`service load: 50 connections, ${seconds} s each, loopback (load generator on the same 2 cores)`)
console.log(`  bare Fastify route:  ${bareRun.rps.toFixed(0)} req/s, p99 ${bareRun.p99} ms, ${bareRun.errors} errors`)
console.log(`  POST /v1/resolve:    ${wdRun.rps.toFixed(0)} req/s, p99 ${wdRun.p99} ms, ${wdRun.errors} errors`)
console.log(`  resolve / bare: ${(ratio * 100).toFixed(0)}% (goal ≥ 70%) ${ratio >= 0.7 ? 'MET' : 'MISSED'}`)
console.log(`  p99: ${wdRun.p99} ms (goal < 5 ms) ${wdRun.p99 < 5 ? 'MET' : 'MISSED'}`)
export const met = ratio >= 0.7 && wdRun.p99 < 5 && wdRun.errors === 0
