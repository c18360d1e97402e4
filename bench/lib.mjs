// Small helpers the benchmarks share: wall-clock medians of child processes, printing a goal's ratio, and the
// environment of a child that talks to the test cloud as its admin.
import {spawnSync} from 'node:child_process'
import {readStateEnv} from '../test/env/openstack/state.mjs'

/** This process's environment without any OS_* of the developer's, plus the test cloud's admin as OS_* variables. */
export function adminEnv() {
  const vars = readStateEnv('test.env')
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')))
  return {
    ...clean,
    NODE_OPTIONS: '',
    OS_AUTH_URL: vars.OS_AUTH_URL,
    OS_AUTH_TYPE: 'password',
    OS_USERNAME: vars.WD_ADMIN_USERNAME,
    OS_PASSWORD: vars.WD_ADMIN_PASSWORD,
    OS_PROJECT_NAME: vars.WD_ADMIN_PROJECT,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Median wall time in ms of `argv` over `runs` runs after one warm-up; fails loudly if the command fails. */
export function wallMedian(argv, runs, options = {}) {
  const times = []
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(argv[0], argv.slice(1), {encoding: 'utf8', ...options})
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
    if (i > 0) times.push(ms)
  }
  return median(times)
}

/**
 * Median wall time in ms of each of `commands` (name → argv), over `runs` rounds after one warm-up round, every
 * command once per round in turn (so the machine's load falls alike on all of them); fails loudly if one fails.
 * `seen(name, stdout)` may check what each printed.
 */
export function alternatingMedians(commands, runs, options = {}, seen = () => undefined) {
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]))
  for (let i = 0; i <= runs; i++) {
    for (const [k, argv] of Object.entries(commands)) {
      const t0 = process.hrtime.bigint()
      const r = spawnSync(argv[0], argv.slice(1), {encoding: 'utf8', ...options})
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
      seen(k, r.stdout)
      if (i > 0) times[k].push(ms)
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]))
}

export function goal(label, value, limit, unit = '×') {
  const ok = value <= limit
  console.log(`${label}: ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit}) ${ok ? 'MET' : 'MISSED'}`)
  return ok
}
