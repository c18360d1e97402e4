// wd against the openstack CLI on the same running test cloud (test/env/openstack/up.sh), in one run: median wall of
// `wd flavor set` vs `openstack flavor set --property hw:watchdog_action=…`, and of `wd image set` vs
// `openstack image set --property`. Goal: wd ≥ 5× faster. Needs `npm run build` and python3-openstackclient.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {adminEnv, median} from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 7)
const env = {...adminEnv(), PATH: `/usr/bin:${process.env.PATH}`, OS_IDENTITY_API_VERSION: '3'}

function run(argv) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), {cwd: root, env, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`)
  return {ms, out: r.stdout.trim()}
}
const osc = (...args) => run(['/usr/bin/openstack', ...args])
const wd = (...args) => run([process.execPath, 'bin/run.js', ...args])

const name = `wd-bench-${process.pid}`
const flavorId = osc(
  'flavor',
  'create',
  '--ram',
  '64',
  '--vcpus',
  '1',
  '--disk',
  '0',
  name,
  '-f',
  'value',
  '-c',
  'id',
).out
const imageId = osc(
  'image',
  'create',
  '--disk-format',
  'raw',
  '--container-format',
  'bare',
  '--private',
  name,
  '-f',
  'value',
  '-c',
  'id',
).out
const actions = ['reset', 'poweroff', 'pause']
const times = {wdFlavor: [], oscFlavor: [], wdImage: [], oscImage: []}
try {
  for (let i = 0; i < runs; i++) {
    const a = actions[i % actions.length]
    times.oscFlavor.push(osc('flavor', 'set', name, '--property', `hw:watchdog_action=${a}`).ms)
    times.wdFlavor.push(wd('flavor', 'set', name, '--action', a, '-f', 'value', '-c', 'id').ms)
    times.oscImage.push(osc('image', 'set', name, '--property', `hw_watchdog_action=${a}`).ms)
    times.wdImage.push(wd('image', 'set', name, '--action', a, '-f', 'value', '-c', 'id').ms)
  }
} finally {
  osc('flavor', 'delete', flavorId)
  osc('image', 'delete', imageId)
}
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
console.log(`wd vs openstack CLI on the test cloud (median of ${runs} runs, whole processes)`)
console.log(`  openstack flavor set --property:  ${m.oscFlavor.toFixed(0)} ms`)
console.log(
  `  wd flavor set --action:           ${m.wdFlavor.toFixed(0)} ms  (${(m.oscFlavor / m.wdFlavor).toFixed(2)}× faster; goal ≥ 5×)`,
)
console.log(`  openstack image set --property:   ${m.oscImage.toFixed(0)} ms`)
console.log(
  `  wd image set --action:            ${m.wdImage.toFixed(0)} ms  (${(m.oscImage / m.wdImage).toFixed(2)}× faster; goal ≥ 5×)`,
)
export const met = m.oscFlavor / m.wdFlavor >= 5 && m.oscImage / m.wdImage >= 5
console.log(`  ${met ? 'MET' : 'MISSED'}`)
