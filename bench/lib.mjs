// Small helpers the benchmarks share: wall-clock medians of child processes, and printing a goal's ratio.
import {spawnSync} from 'node:child_process'

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

export function goal(label, value, limit, unit = '×') {
  const ok = value <= limit
  console.log(`${label}: ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit}) ${ok ? 'MET' : 'MISSED'}`)
  return ok
}
