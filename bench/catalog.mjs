// Catalog validation on 50,000 flavors (~12 MB of YAML), in one run: the bare `yaml` parse of the file (the library
// the project started with), the fastest bare parse (js-yaml), `wd catalog validate`, and ajv-cli on the same schema
// and data. Goals: validate ≤ 1.5× the bare `yaml` parse, and faster than ajv-cli. Wall time and peak RSS of whole
// processes (GNU time), median of BENCH_RUNS runs. Needs `npm run build`.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {generateCatalog} from './gen-catalog.mjs'
import {goal, median} from './lib.mjs'

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

/** Median wall seconds and peak RSS (MB) of a command; `ok` lists the exit statuses it may end with. */
function measure(argv, ok = [0]) {
  const walls = []
  const rss = []
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], {
      cwd: root,
      encoding: 'utf8',
      env: {...process.env, NODE_OPTIONS: ''},
      maxBuffer: 1 << 28,
    })
    const [wall, kb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number)
    if (!ok.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`)
    walls.push(wall)
    rss.push(kb / 1024)
  }
  return {wall: median(walls), rss: Math.max(...rss)}
}

const node = process.execPath
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

const bareYaml = measure([node, '--input-type=module', '-e', parseWith('yaml'), valid])
const bareJsYaml = measure([node, '--input-type=module', '-e', parseWith('js-yaml'), valid])
const wd = measure([node, 'bin/run.js', 'catalog', 'validate', valid, '-f', 'json'])
const wdFinding = measure([node, 'bin/run.js', 'catalog', 'validate', broken, '-f', 'json'], [1])
const ajv = measure([...ajvCli, '-s', 'schemas/catalog.schema.json', ...refs, '-d', valid])

const mb = (statSync(valid).size / 1e6).toFixed(1)
const row = (label, m) =>
  console.log(`  ${label.padEnd(48)} ${m.wall.toFixed(2).padStart(6)} s  ${m.rss.toFixed(0).padStart(5)} MB peak`)
console.log(`catalog validation: 50,000 flavors, ${mb} MB YAML (median of ${runs} runs, whole processes)`)
row('bare `yaml` parse (parseAllDocuments + toJS)', bareYaml)
row('bare js-yaml parse (loadAll)', bareJsYaml)
row('wd catalog validate (valid file)', wd)
row('wd catalog validate (one finding, placed)', wdFinding)
row('ajv-cli validate (no positions)', ajv)
const a = goal('  wd validate / bare `yaml` parse', wd.wall / bareYaml.wall, 1.5)
const b = goal('  wd validate (one finding) / bare `yaml` parse', wdFinding.wall / bareYaml.wall, 1.5)
const c = goal('  wd validate / ajv-cli', wd.wall / ajv.wall, 1)
console.log(
  `  (wd with a finding / ajv-cli: ${(wdFinding.wall / ajv.wall).toFixed(2)}×; ajv-cli cannot place findings at all)`,
)
export const met = a && b && c
