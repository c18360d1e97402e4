// P2: `wd catalog apply` of a 500-flavor catalog (3 extra specs each) to a cloud that has none of them, against a
// loop of `openstack flavor create --property …` (Debian's python3-openstackclient) on the same test cloud. The loop
// is timed on a sample of 20 flavors and scaled to 500 (it would take minutes), and says so. Then a converged `plan`
// of the 500: its wall time and its HTTP requests (counted from --debug). Goals: apply ≥ 50× faster than the loop;
// the converged plan ≤ 2 s. Needs `npm run build`, the test cloud and python3-openstackclient.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {adminEnv} from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const N = 500
const SAMPLE = 20
const env = adminEnv()
function run(argv, ok = [0]) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), {cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (!ok.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`)
  return {ms, stdout: r.stdout, stderr: r.stderr}
}
const wd = (...args) => run([process.execPath, 'bin/run.js', ...args])

const prefix = `wd-bench-p2-${process.pid}`
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-p2-'))
const specs = (i) => `{hw:watchdog_action: reset, hw:cpu_policy: shared, quota:cpu_shares: '${i}'}`
const catalog = join(dir, 'catalog.yaml')
writeFileSync(
  catalog,
  `flavors:\n${Array.from({length: N}, (_, i) => `  - {name: ${prefix}-${i}, vcpus: 1, ram: 64, disk: 1, extra_specs: ${specs(i)}}`).join('\n')}\n`,
)
const empty = join(dir, 'empty.yaml')
writeFileSync(empty, 'images: []\n')
const scope = ['--flavors', `${prefix}-*`]

try {
  const parallel = process.env.BENCH_PARALLEL ?? '4'
  const apply = wd('catalog', 'apply', catalog, '--yes', '--parallel', parallel, ...scope)
  const converged = wd('catalog', 'plan', catalog, ...scope, '--debug')
  const requests = (converged.stderr.match(/^http: /gm) ?? []).length
  let loop = 0
  for (let i = 0; i < SAMPLE; i++) {
    const name = `${prefix}-osc-${i}`
    const props = ['hw:watchdog_action=reset', 'hw:cpu_policy=shared', `quota:cpu_shares=${i}`].flatMap((p) => [
      '--property',
      p,
    ])
    loop += run([
      '/usr/bin/openstack',
      'flavor',
      'create',
      '--ram',
      '64',
      '--vcpus',
      '1',
      '--disk',
      '1',
      ...props,
      name,
    ]).ms
  }
  const scaled = (loop / SAMPLE) * N
  const ratio = scaled / apply.ms
  console.log(`catalog apply: ${N} flavors, 3 extra specs each, to a cloud without them (test cloud, one run)`)
  console.log(`  wd catalog apply --parallel ${parallel}: ${(apply.ms / 1000).toFixed(1)} s`)
  console.log(
    `  openstack flavor create --property ×3, a loop: ${(loop / 1000).toFixed(1)} s for a sample of ${SAMPLE}, scaled to ${N}: ${(scaled / 1000).toFixed(0)} s`,
  )
  console.log(`  P2 apply vs the loop: ${ratio.toFixed(0)}× faster (goal ≥ 50×) ${ratio >= 50 ? 'MET' : 'MISSED'}`)
  console.log(
    `  converged plan of ${N}: ${(converged.ms / 1000).toFixed(2)} s, ${requests} HTTP requests (goal ≤ 2 s) ${converged.ms <= 2000 ? 'MET' : 'MISSED'}`,
  )
  var met = ratio >= 50 && converged.ms <= 2000
} finally {
  // the sample's flavors and the 500 go: the scope names only this run's
  wd('catalog', 'apply', empty, '--yes', '--prune', '--flavors', `${prefix}-*`)
}
export {met}
