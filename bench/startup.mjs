// P5, startup: `wd resolve --format json …`, `wd --help` and `wd resolve --help` against `node -e 0`, medians of
// BENCH_RUNS rounds in which each command runs once in turn (goals: each ≤ 2.0× node -e 0). Needs `npm run build`.
// BENCH_AGAINST=DIR (another built checkout, e.g. main's) runs its wd's commands in the same rounds, for a before and
// after measured under the same load (the goals are this checkout's).
import {basename, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {alternatingMedians, goal} from './lib.mjs'
import {printBreakdown, profileCommand} from './profile.mjs'

const runs = Number(process.env.BENCH_RUNS ?? 20)
const root = fileURLToPath(new URL('..', import.meta.url))
const env = {...process.env, NODE_OPTIONS: ''}
const node = process.execPath
const against = process.env.BENCH_AGAINST
/** The measured `wd` commands of the checkout at `dir`, each name prefixed with `tag`. */
const wdCommands = (dir, tag) => {
  const bin = join(dir, 'bin/run.js')
  return Object.fromEntries(
    Object.entries({
      'wd resolve --format json (inline)': [
        'resolve',
        '--format',
        'json',
        '--flavor-spec',
        'hw:watchdog_action=reset',
        '--image-prop',
        'hw_watchdog_action=poweroff',
      ],
      'wd --help': ['--help'],
      'wd resolve --help': ['resolve', '--help'],
      'wd resolve --catalog (yaml + ajv)': [
        'resolve',
        '-f',
        'json',
        '--catalog',
        'examples/catalog.yaml',
        '--flavor',
        'm1.small',
      ],
    }).map(([k, args]) => [`${tag}${k}`, [node, bin, ...args]]),
  )
}
const commands = {
  'node -e 0': [node, '-e', '0'],
  ...wdCommands(root, ''),
  ...(against && wdCommands(resolve(against), `${basename(resolve(against))}: `)),
}
const m = alternatingMedians(commands, runs, {env, cwd: root})
const floor = m['node -e 0']
console.log(`startup (median of ${runs} alternating rounds${against ? `, against ${against}` : ''})`)
for (const [k, ms] of Object.entries(m))
  console.log(`  ${k.padEnd(48)} ${ms.toFixed(1)} ms  (${(ms / floor).toFixed(2)}×)`)
const measured = ['wd resolve --format json (inline)', 'wd --help', 'wd resolve --help']
const goals = measured.map((k) => goal(`  P5 ${k} / node -e 0`, m[k] / floor, 2.0))
// A missed goal comes with what is left: where the command's time goes, beside node -e 0's own
const missed = measured.filter((_, i) => !goals[i])
if (missed.length) printBreakdown('node -e 0', profileCommand(commands['node -e 0'].slice(1), 5, {env, cwd: root}))
for (const k of missed) printBreakdown(k, profileCommand(commands[k].slice(1), 5, {env, cwd: root}))
export const met = goals.every(Boolean)
