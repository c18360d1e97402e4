// Issue 25 item 4, what wd ships, measured: each file `npm run package` writes (sizes; the .deb's installed size and
// what it is made of), and `wd resolve` start-up as the .deb runs it (/usr/bin/wd's launcher, its own runtime) against
// `node -e 0` of that same runtime, beside the checkout's wd against the checkout's node, every command once per
// round in BENCH_RUNS (30) alternating rounds (goal: the packaged wd's ratio no higher than the checkout's, within 3 %:
// the two runtimes are one binary, the .deb's stripped). Needs `npm run build`; runs `npm run package` (reused when
// release/ holds this tree's).
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {alternatingMedians, goal} from './lib.mjs'

const runs = Number(process.env.BENCH_RUNS ?? 30)
const root = fileURLToPath(new URL('..', import.meta.url))
const release = join(root, 'release')
const env = {...process.env, NODE_OPTIONS: ''}

execFileSync(process.execPath, [join(root, 'scripts/package.mjs'), '--reuse'], {cwd: root, stdio: 'ignore'})
const version = JSON.parse(execFileSync('npm', ['pkg', 'get', 'version'], {cwd: root, encoding: 'utf8'}))
const files = {
  '.deb': `wd_${version}_amd64.deb`,
  tarball: `wd-${version}-linux-x64.tar.gz`,
  'npm package': `wd-${version}.tgz`,
}
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`
/** Bytes of every regular file under `path` (or of the file itself). */
const bytesOf = (path) =>
  statSync(path).isDirectory()
    ? readdirSync(path).reduce((sum, e) => sum + bytesOf(join(path, e)), 0)
    : statSync(path).size

console.log('package (what npm run package writes)')
for (const [what, name] of Object.entries(files))
  console.log(`  ${what.padEnd(12)} ${mb(bytesOf(join(release, name)))}`)

// the .deb as dpkg would unpack it, in a directory of the bench's own
export let met = false
const unpacked = mkdtempSync(join(tmpdir(), 'wd-bench-deb-'))
try {
  execFileSync('dpkg-deb', ['-x', join(release, files['.deb']), unpacked])
  const installedKiB = Number(
    execFileSync('dpkg-deb', ['-f', join(release, files['.deb']), 'Installed-Size'], {encoding: 'utf8'}),
  )
  const lib = join(unpacked, 'usr/lib/wd')
  console.log(`  .deb installed: ${mb(installedKiB * 1024)} (Installed-Size), of which`)
  for (const [what, path] of Object.entries({
    'runtime (usr/lib/wd/node, stripped)': join(lib, 'node'),
    'the bundled CLI (usr/lib/wd/dist)': join(lib, 'dist'),
    schemas: join(lib, 'schemas'),
    'docs, licences, man page, completions': join(unpacked, 'usr/share'),
  }))
    console.log(`    ${what.padEnd(40)} ${mb(bytesOf(path))}`)

  const resolve = ['resolve', '--format', 'json', '--flavor-spec', 'hw:watchdog_action=reset']
  const commands = {
    'packaged: node -e 0': [join(lib, 'node'), '-e', '0'],
    'packaged: /usr/bin/wd resolve -f json': [join(unpacked, 'usr/bin/wd'), ...resolve],
    // the same without the launcher's shell: what the launcher itself costs
    'packaged: node entry.js resolve -f json': [join(lib, 'node'), join(lib, 'dist/cli/bin/entry.js'), ...resolve],
    'checkout: node -e 0': [process.execPath, '-e', '0'],
    'checkout: wd resolve -f json': [process.execPath, join(root, 'bin/run.js'), ...resolve],
  }
  // both wd print the same answer, or the comparison is of two different things
  let printed
  const m = alternatingMedians(commands, runs, {env, cwd: root}, (k, stdout) => {
    if (!k.endsWith('json')) return
    if (printed !== undefined && stdout !== printed) throw new Error(`${k} printed another answer`)
    printed = stdout
  })
  console.log(`  start-up (median of ${runs} alternating rounds)`)
  for (const [k, ms] of Object.entries(m)) console.log(`    ${k.padEnd(40)} ${ms.toFixed(1)} ms`)
  const packaged = m['packaged: /usr/bin/wd resolve -f json'] / m['packaged: node -e 0']
  const checkout = m['checkout: wd resolve -f json'] / m['checkout: node -e 0']
  console.log(`    ratio to node -e 0: packaged ${packaged.toFixed(2)}×, checkout ${checkout.toFixed(2)}×`)
  met = goal("  the packaged wd resolve / the checkout's (each against its node -e 0)", packaged / checkout, 1.03)
} finally {
  rmSync(unpacked, {recursive: true, force: true})
}
