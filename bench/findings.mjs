// Findings at scale (hostile input): validation must stay linear in the number of findings, and one 1 MiB
// POST /v1/validate packed with findings must be answered quickly. Catalogs `flavors: [1,1,…]` give one finding per
// item. Pairs are measured alternating in one run (this machine is noisy), medians of BENCH_RUNS rounds.
// Goals: time(40,000 findings) ÷ time(10,000 findings) ≤ 5 (linear is 4); the 1 MiB body answered in ≤ 2 s.
// Needs `npm run build`.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {goal, median} from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 5)
const {validateCatalogText} = await import(`${root}dist/src/catalog/validate.js`)

const findingsCatalog = (n) => `flavors: [${Array(n).fill(1).join(',')}]\n`
const small = findingsCatalog(10000)
const large = findingsCatalog(40000)

function time(text) {
  const t0 = process.hrtime.bigint()
  const r = validateCatalogText(text, 'bench.yaml')
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const total = r.findings.length - 1 + r.omitted.errors + r.omitted.warnings
  return {ms, total}
}

time(small) // warm-up: schemas compile, code is optimized
const t10 = []
const t40 = []
for (let i = 0; i < runs; i++) {
  const a = time(small)
  const b = time(large)
  if (a.total !== 10000 || b.total !== 40000) throw new Error(`finding counts ${a.total}, ${b.total}`)
  t10.push(a.ms)
  t40.push(b.ms)
}
const m10 = median(t10)
const m40 = median(t40)
console.log(`validate, 10,000 findings: ${m10.toFixed(0)} ms; 40,000 findings: ${m40.toFixed(0)} ms`)
const linear = goal('findings scaling, 40,000 ÷ 10,000', m40 / m10, 5)

// The service: the most findings that fit the default 1 MiB body limit.
const limit = 1024 * 1024
const items = Math.floor((limit - 'flavors: []\n'.length) / 2)
const body = findingsCatalog(items)
const server = spawn(process.execPath, [`${root}bin/run.js`, 'serve', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {...process.env, NODE_OPTIONS: ''},
})
const url = await new Promise((resolve, reject) => {
  const onData = (d) => {
    const m = /listening on (http:\/\/\S+)/.exec(String(d))
    if (m) resolve(m[1].replace(/\)$/, ''))
  }
  server.stdout.on('data', onData)
  server.stderr.on('data', onData)
  server.once('exit', (code) => reject(new Error(`wd serve exited ${code}`)))
})
const answers = []
try {
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint()
    const res = await fetch(`${url}/v1/validate`, {method: 'POST', headers: {'content-type': 'application/yaml'}, body})
    const report = await res.json()
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (res.status !== 200 || report.summary.errors !== items) {
      throw new Error(`POST /v1/validate: HTTP ${res.status}, ${report.summary?.errors} errors of ${items}`)
    }
    if (i > 0) answers.push(ms) // the first request compiles the schemas
  }
} finally {
  server.kill('SIGTERM')
}
console.log(
  `POST /v1/validate, ${body.length} bytes, ${items} findings (1,000 listed): median ${median(answers).toFixed(0)} ms`,
)
const fast = goal('1 MiB /v1/validate answered', median(answers) / 1000, 2, ' s')

export const met = linear && fast
