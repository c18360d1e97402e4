// P3, catalog validation on 50,000 flavors (~12 MB of YAML): `wd catalog validate` against the fastest bare parse of
// the same file (js-yaml `loadAll`, which wd uses) and against ajv-cli on the same schema and data; the slow `yaml`
// parse (the library the project started with) is printed for reference only, never a goal's baseline. Goals: wd
// ≤ 1.5× the bare js-yaml parse (valid file, and with one finding that must be placed), ≤ 1.0× ajv-cli, peak RSS
// ≤ 1.5× ajv-cli's. Wall time and peak RSS of whole processes (GNU time), medians of BENCH_RUNS rounds in which every
// command runs once in turn (this machine is noisy: pairs are measured in one alternating run). Needs `npm run build`.
// BENCH_BASE=DIR adds another built checkout's wd (e.g. main) to the same rounds, for a before/after pair.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {generateCatalog} from './gen-catalog.mjs'
import {goal, median} from './lib.mjs'
import {printBreakdown, profileCommand} from './profile.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'wd-bench-'))
const valid = join(dir, 'catalog-50k.yaml')
const text = generateCatalog(50000)
writeFileSync(valid, text)
// the same file with one bad value near the end: positions must be found in the whole file
const lines = text.split('\n')
lines[lines.lastIndexOf('      hw:watchdog_action: reset')] = '      hw:watchdog_action: reboot'
const broken = join(dir, 'catalog-50k-one-finding.yaml')
writeFileSync(broken, lines.join('\n'))

/** One run of a command: wall seconds and peak RSS (MB); `ok` lists the exit statuses it may end with. */
function once(argv, ok) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], {
    cwd: root,
    encoding: 'utf8',
    env: {...process.env, NODE_OPTIONS: ''},
    maxBuffer: 1 << 28,
  })
  const [wall, kb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number)
  if (!ok.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`)
  return {wall, rss: kb / 1024}
}

/** Median wall and highest peak RSS of each command, the commands taking turns in every round. */
function alternating(commands) {
  const seen = Object.fromEntries(Object.keys(commands).map((k) => [k, []]))
  for (let i = 0; i < runs; i++)
    for (const [k, {argv, ok = [0]}] of Object.entries(commands)) seen[k].push(once(argv, ok))
  return Object.fromEntries(
    Object.entries(seen).map(([k, xs]) => [
      k,
      {wall: median(xs.map((x) => x.wall)), rss: Math.max(...xs.map((x) => x.rss))},
    ]),
  )
}

const node = process.execPath
const base = process.env.BENCH_BASE
const parseWith = (lib) =>
  `import {readFileSync} from 'node:fs'; const t = readFileSync(process.argv[1], 'utf8'); ` +
  (lib === 'yaml'
    ? `const {parseAllDocuments, LineCounter} = await import('yaml'); parseAllDocuments(t, {lineCounter: new LineCounter()}).map((d) => d.toJS())`
    : `const {loadAll} = await import('js-yaml'); loadAll(t)`)
const ajvCli = [
  node,
  'node_modules/ajv-cli/dist/index.js',
  'validate',
  '--spec=draft2020',
  '--strict=false',
  '--all-errors',
]
const refs = ['flavor', 'image', 'watchdog'].flatMap((s) => ['-r', `schemas/${s}.schema.json`])

/** `wd catalog validate FILE -f json` of the checkout at `dir` (this one by default), as node's arguments. */
const validate = (file, dir = '') => [join(dir, 'bin/run.js'), 'catalog', 'validate', file, '-f', 'json']
const commandArgs = {wd: validate(valid), wdFinding: validate(broken)}
const m = alternating({
  bareYaml: {argv: [node, '--input-type=module', '-e', parseWith('yaml'), valid]},
  bareJsYaml: {argv: [node, '--input-type=module', '-e', parseWith('js-yaml'), valid]},
  wd: {argv: [node, ...commandArgs.wd]},
  wdFinding: {argv: [node, ...commandArgs.wdFinding], ok: [1]},
  ajv: {argv: [...ajvCli, '-s', 'schemas/catalog.schema.json', ...refs, '-d', valid]},
  ...(base && {
    baseWd: {argv: [node, ...validate(valid, base)]},
    baseWdFinding: {argv: [node, ...validate(broken, base)], ok: [1]},
  }),
})

const mb = (statSync(valid).size / 1e6).toFixed(1)
const row = (label, x) =>
  console.log(`  ${label.padEnd(48)} ${x.wall.toFixed(2).padStart(6)} s  ${x.rss.toFixed(0).padStart(5)} MB peak`)
console.log(`catalog validation: 50,000 flavors, ${mb} MB YAML (median of ${runs} alternating rounds, whole processes)`)
row('bare `yaml` parse (reference only)', m.bareYaml)
row('bare js-yaml parse (loadAll): the baseline', m.bareJsYaml)
row('wd catalog validate (valid file)', m.wd)
row('wd catalog validate (one finding, placed)', m.wdFinding)
row('ajv-cli validate (no positions)', m.ajv)
if (base) {
  row(`${base}: wd catalog validate (valid file)`, m.baseWd)
  row(`${base}: wd catalog validate (one finding)`, m.baseWdFinding)
  console.log(
    `  (${base} for reference: / bare js-yaml ${(m.baseWd.wall / m.bareJsYaml.wall).toFixed(2)}×, / ajv-cli ` +
      `${(m.baseWd.wall / m.ajv.wall).toFixed(2)}×, peak RSS / ajv-cli's ${(m.baseWd.rss / m.ajv.rss).toFixed(2)}× ` +
      `(one finding: ${(m.baseWdFinding.wall / m.bareJsYaml.wall).toFixed(2)}×, ${(m.baseWdFinding.rss / m.ajv.rss).toFixed(2)}×))`,
  )
}
const a = goal('  P3 wd validate / bare js-yaml parse', m.wd.wall / m.bareJsYaml.wall, 1.5)
const b = goal('  P3 wd validate (one finding) / bare js-yaml parse', m.wdFinding.wall / m.bareJsYaml.wall, 1.5)
const c = goal('  P3 wd validate / ajv-cli', m.wd.wall / m.ajv.wall, 1)
const d = goal("  P3 wd peak RSS / ajv-cli's (valid file)", m.wd.rss / m.ajv.rss, 1.5)
const e = goal("  P3 wd peak RSS / ajv-cli's (one finding)", m.wdFinding.rss / m.ajv.rss, 1.5)
console.log(`  (for reference: wd / the slow \`yaml\` parse ${(m.wd.wall / m.bareYaml.wall).toFixed(2)}×)`)
// A missed goal comes with what is left: the floor the parser wd reads YAML with sets, and where wd's time goes.
// ajv-cli reads YAML with js-yaml 3 (its own dependency), in one pass that keeps no event stream.
if (!c)
  console.log(
    `  time of the bare js-yaml parse alone: ${(m.bareJsYaml.wall / m.ajv.wall).toFixed(2)}× ajv-cli's (which reads YAML ` +
      `with js-yaml 3); wd above it: ${(m.wd.wall - m.bareJsYaml.wall).toFixed(2)} s valid`,
  )
if (!(d && e))
  console.log(
    `  peak RSS of the bare js-yaml parse alone: ${m.bareJsYaml.rss.toFixed(0)} MB, ${(m.bareJsYaml.rss / m.ajv.rss).toFixed(2)}× ajv-cli's; ` +
      `wd above it: ${(m.wd.rss - m.bareJsYaml.rss).toFixed(0)} MB valid, ${(m.wdFinding.rss - m.bareJsYaml.rss).toFixed(0)} MB with the finding`,
  )
const profiled = {env: {...process.env, NODE_OPTIONS: ''}, cwd: root, maxBuffer: 1 << 28}
if (!(a && c)) printBreakdown('wd catalog validate (valid file)', profileCommand(commandArgs.wd, 1, profiled), 10)
if (!b) printBreakdown('wd catalog validate (one finding)', profileCommand(commandArgs.wdFinding, 1, profiled, [1]), 10)
export const met = a && b && c && d && e
