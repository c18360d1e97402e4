// Startup: median wall of `wd resolve --format json …` against `node -e 0` (goal ≤ 2.5×). Needs `npm run build`.
import {fileURLToPath} from 'node:url'
import {goal, wallMedian} from './lib.mjs'

const runs = Number(process.env.BENCH_RUNS ?? 20)
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const env = {...process.env, NODE_OPTIONS: ''}
const floor = wallMedian([process.execPath, '-e', '0'], runs, {env})
const args = [
  'resolve',
  '--format',
  'json',
  '--flavor-spec',
  'hw:watchdog_action=reset',
  '--image-prop',
  'hw_watchdog_action=poweroff',
]
const resolve = wallMedian([process.execPath, bin, ...args], runs, {env})
const catalog = wallMedian(
  [process.execPath, bin, 'resolve', '-f', 'json', '--catalog', 'examples/catalog.yaml', '--flavor', 'm1.small'],
  runs,
  {env, cwd: fileURLToPath(new URL('..', import.meta.url))},
)
console.log(`startup (median of ${runs} runs)`)
console.log(`  node -e 0:                          ${floor.toFixed(1)} ms`)
console.log(`  wd resolve --format json (inline):  ${resolve.toFixed(1)} ms`)
console.log(
  `  wd resolve --catalog (yaml + ajv):  ${catalog.toFixed(1)} ms (${(catalog / floor).toFixed(2)}×, no goal)`,
)
export const met = goal('  wd resolve / node -e 0', resolve / floor, 2.5)
