// Soak: wd serve under steady load for SOAK_SECONDS (default 600), RSS sampled every 30 s; reports RSS at start and end
// and every error. Goal: flat memory, no errors. Not part of `npm run bench` (it takes ten minutes): `npm run bench:soak`.
import {fileURLToPath} from 'node:url'
import {load, rssMb, startServer} from './service-lib.mjs'

const total = Number(process.env.SOAK_SECONDS ?? 600)
const root = fileURLToPath(new URL('..', import.meta.url))
const body = {flavorSpecs: {'hw:watchdog_action': 'reset'}, imageProperties: {hw_watchdog_action: 'pause'}}
const wd = await startServer([`${root}bin/run.js`, 'serve', '--port', '0', '--config', `${root}bench/serve-quiet.yaml`])
await load(`${wd.url}/v1/resolve`, body, 5, 10) // warm up before the first sample
const start = rssMb(wd.child.pid)
const samples = [start]
let requests = 0
let errors = 0
for (let elapsed = 0; elapsed < total; elapsed += 30) {
  const r = await load(`${wd.url}/v1/resolve`, body, Math.min(30, total - elapsed), 10, {overallRate: 2000})
  requests += r.total
  errors += r.errors
  samples.push(rssMb(wd.child.pid))
}
wd.child.kill('SIGTERM')
const end = samples.at(-1)
console.log(`soak: ${total} s at ~2000 req/s, ${requests} requests, ${errors} errors`)
console.log(`  RSS start ${start.toFixed(1)} MB, end ${end.toFixed(1)} MB, max ${Math.max(...samples).toFixed(1)} MB`)
console.log(`  samples (MB, every 30 s): ${samples.map((x) => x.toFixed(0)).join(' ')}`)
console.log(`  ${errors === 0 && end < start * 1.2 + 5 ? 'FLAT, NO ERRORS' : 'GREW OR ERRORED'}`)
