// What is left of a missed goal, as V8 sees it: a command's or a server's CPU profile (`node --cpu-prof`), its
// samples' own time summed by who runs: Node's start-up and its module loader, Node's built-ins, each bundled
// package (the bundle's `// node_modules/<package>/…` markers place every function), wd's own code, the garbage
// collector. Printed by the benchmarks beside MISSED, so a figure comes with its causes.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

// Above a bundle's first marker: esbuild's own helpers, chiefly the __commonJS wrapper that runs a CommonJS module at
// its first require. V8 counts compiling that module's code (lazily, as it first runs) as the wrapper's own time.
const GLUE = "esbuild's module wrappers (compiling each bundled CommonJS module at its first require)"
/** The owner of the time a process waits, on I/O, a child or a timer (V8's `(idle)`). */
export const IDLE = 'idle (waiting: I/O, child, timers)'

/** For each line of a bundled file, whose code it is: the package or wd layer of the esbuild marker above it. */
function ownersOf(file, cache) {
  if (cache.has(file)) return cache.get(file)
  const owners = []
  let owner = GLUE
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    // a file the profile names but that is gone (a rebuild since): its time is placed under the file's own name
    cache.set(file, undefined)
    return undefined
  }
  for (const line of text.split('\n')) {
    const m = /^\/\/ (?:node_modules\/((?:@[^/]+\/)?[^/]+)|(src|commands|bin)\/|oclif-unused:)/.exec(line)
    if (m) owner = m[1] ?? (m[2] ? 'wd (src, commands, bin)' : '@oclif/core')
    owners.push(owner)
  }
  cache.set(file, owners)
  return owners
}

const FILE_CALLS = new Set([
  'openFileHandle',
  'open',
  'fstat',
  'lstat',
  'stat',
  'read',
  'close',
  'internalModuleStat',
  'realpath',
])

/** Who a profile node's own time belongs to. */
function ownerOf(frame, cache) {
  const {url, functionName, lineNumber} = frame
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collector'
    if (functionName === '(idle)') return IDLE
    if (functionName === '(program)') return 'V8 and Node native (compiling, bootstrap)'
    if (FILE_CALLS.has(functionName)) return 'file system calls'
    return `native: ${functionName || '(anonymous)'}`
  }
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/bootstrap'))
    return "Node's start-up and module loader"
  if (url.startsWith('node:')) return "Node's built-ins (loading and running them)"
  if (!url.startsWith('file:')) return url
  const path = fileURLToPath(url)
  if (path.includes('/node_modules/')) return /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)[1]
  if (path.includes('/dist/cli/')) return ownersOf(path, cache)?.[lineNumber] ?? path
  return 'wd (src, commands, bin)'
}

/** Own time in ms by owner, summed over the profiles (`.cpuprofile` files) in `dir`, divided by their count. */
export function breakdown(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
  const cache = new Map()
  const byOwner = new Map()
  let wall = 0
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8'))
    wall += (p.endTime - p.startTime) / 1000
    const selfUs = new Map()
    p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
    for (const n of p.nodes) {
      const us = selfUs.get(n.id)
      if (!us) continue
      const owner = ownerOf(n.callFrame, cache)
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + us / 1000)
    }
  }
  const count = Math.max(1, files.length)
  return {
    profiles: files.length,
    wallMs: wall / count,
    owners: [...byOwner].map(([owner, ms]) => ({owner, ms: ms / count})).sort((a, b) => b.ms - a.ms),
  }
}

/**
 * Profiles `argv` (a node script and its arguments, or a function of the run's index that gives them: a command that
 * changes something must change it at every run) `runs` times and returns the mean breakdown; `ok` lists the exit
 * statuses it may end with.
 */
export function profileCommand(argv, runs, options = {}, ok = [0]) {
  const dir = mkdtempSync(join(tmpdir(), 'wd-bench-prof-'))
  try {
    for (let i = 0; i < runs; i++) {
      const args = typeof argv === 'function' ? argv(i) : argv
      const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...args], {
        encoding: 'utf8',
        ...options,
      })
      if (!ok.includes(r.status)) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    }
    return breakdown(dir)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** Prints a breakdown: the owners that hold at least `min` of own time (in `unit`), the rest summed. */
export function printBreakdown(title, {profiles, wallMs, owners}, min = 1, unit = 'ms') {
  console.log(
    `  ${title} (V8's CPU profile, own time by owner, mean of ${profiles}; profiled wall ${wallMs.toFixed(1)} ${unit}):`,
  )
  const line = (value, what) => console.log(`    ${value.toFixed(1).padStart(7)} ${unit}  ${what}`)
  for (const {owner, ms} of owners.filter((o) => o.ms >= min)) line(ms, owner)
  const rest = owners.filter((o) => o.ms < min)
  if (rest.length)
    line(
      rest.reduce((sum, o) => sum + o.ms, 0),
      `${rest.length} others`,
    )
}
