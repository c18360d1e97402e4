// wd against the openstack CLI on the same running test cloud (test/env/openstack/up.sh), in one run: median wall of
// `wd flavor set` vs `openstack flavor set --property hw:watchdog_action=…`, and of `wd image set` vs
// `openstack image set --property`. Goal: wd ≥ 5× faster. Needs `npm run build` and python3-openstackclient.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {adminEnv, median, wallMedian} from './lib.mjs'
import {IDLE, printBreakdown, profileCommand} from './profile.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 7)
const env = {...adminEnv(), PATH: `/usr/bin:${process.env.PATH}`, OS_IDENTITY_API_VERSION: '3'}

function run(argv) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), {cwd: root, env, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`)
  return {ms, out: r.stdout.trim(), err: r.stderr}
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
// wd sends no write when the value is already there, the openstack CLI always writes: each wd run sets the action
// after the one set last on that flavor or image, so that every wd run measured or profiled writes too
const turn = {flavor: 0, image: 0}
const current = (kind) => actions[turn[kind]]
const next = (kind) => actions[(turn[kind] = (turn[kind] + 1) % actions.length)]
const keys = {flavor: 'hw:watchdog_action', image: 'hw_watchdog_action'}
const wdArgs = (kind, a) => [kind, 'set', name, '--action', a, '-f', 'value', '-c', 'id']
const oscArgs = (kind, a) => [kind, 'set', name, '--property', `${keys[kind]}=${a}`]
const times = {flavor: {osc: [], wd: []}, image: {osc: [], wd: []}}
let met
try {
  for (let i = 0; i < runs; i++)
    for (const kind of Object.keys(times)) {
      times[kind].osc.push(osc(...oscArgs(kind, current(kind))).ms)
      times[kind].wd.push(wd(...wdArgs(kind, next(kind))).ms)
    }
  // each kind's median wall, the openstack CLI's and wd's
  const medians = Object.fromEntries(
    Object.entries(times).map(([kind, t]) => [kind, {osc: median(t.osc), wd: median(t.wd)}]),
  )
  console.log(`wd vs openstack CLI on the test cloud (median of ${runs} runs, whole processes)`)
  for (const [kind, m] of Object.entries(medians)) {
    console.log(`  ${`openstack ${kind} set --property:`.padEnd(33)} ${m.osc.toFixed(0)} ms`)
    console.log(
      `  ${`wd ${kind} set --action:`.padEnd(33)} ${m.wd.toFixed(0)} ms  (${(m.osc / m.wd).toFixed(2)}× faster; goal ≥ 5×)`,
    )
  }
  met = Object.values(medians).every((m) => m.osc / m.wd >= 5)
  console.log(`  ${met ? 'MET' : 'MISSED'}`)
  if (!met) whatIsLeft(medians)
} finally {
  osc('flavor', 'delete', flavorId)
  osc('image', 'delete', imageId)
}
export {met}

/** The requests a debug log names, in order, each as its pattern's groups joined: `METHOD path status …`. */
function requestsOf(log, pattern) {
  return [...log.matchAll(pattern)].map((r) => r.slice(1).join(' '))
}

/**
 * What is left of a missed goal (`medians`: each kind's median wall, the openstack CLI's and wd's): where wd's time
 * goes (V8's profile: its own CPU by owner, and the time it waits on the cloud, which the profile counts as idle), the
 * requests each CLI sends (their debug logs), and so what the goal leaves wd's own start once Node's bare start and
 * the wait on the cloud are paid.
 */
function whatIsLeft(medians) {
  const bare = wallMedian([process.execPath, '-e', '0'], runs)
  for (const [kind, {osc: oscMs, wd: wdMs}] of Object.entries(medians)) {
    const profile = profileCommand(() => ['bin/run.js', ...wdArgs(kind, next(kind))], 3, {cwd: root, env})
    printBreakdown(`wd ${kind} set`, profile)
    // wd --debug: `http: METHOD URL {headers} … -> STATUS in N ms, …`
    const ours = requestsOf(
      wd(...wdArgs(kind, next(kind)), '--debug').err,
      /^http: (\S+) https?:\/\/[^/\s]+(\S*) .*-> (\d+) in (\d+ ms)/gm,
    )
    // keystoneauth's urllib3 log names every request, the token's too: `http://host:port "METHOD path HTTP/1.1" status`
    const theirs = requestsOf(osc('--debug', ...oscArgs(kind, current(kind))).err, /"(\S+) (\S+) HTTP\/1\.1" (\d+)/g)
    // the last request is the write; without it the rounds above measured a wd that had nothing to do
    if (!/^(POST|PATCH) /.test(ours.at(-1) ?? '')) throw new Error(`wd ${kind} set did not write: ${ours.join('; ')}`)
    console.log(`    wd's ${ours.length} requests: ${ours.join('; ')}`)
    console.log(`    the openstack CLI's ${theirs.length}, one after another: ${theirs.join('; ')}`)
    const waited = profile.owners.find((o) => o.owner === IDLE)?.ms ?? 0
    const budget = oscMs / 5
    console.log(
      `    the goal gives wd ${budget.toFixed(0)} ms (the openstack CLI's / 5); node -e 0 takes ${bare.toFixed(0)} and ` +
        `the wait on the cloud ${waited.toFixed(0)}, which leaves ${(budget - bare - waited).toFixed(0)} ms for the ` +
        `rest of wd's start and work; it takes ${(wdMs - bare - waited).toFixed(0)} (the median above)`,
    )
  }
}
