#!/usr/bin/env node
// npm run package: wd as operators install it, into release/ (after npm run build): the Debian package
// wd_VERSION_amd64.deb, the self-contained tarball wd-VERSION-linux-x64.tar.gz (both with their own Node.js runtime),
// and the npm package wd-VERSION.tgz. --out DIR writes elsewhere; --version V builds another version of the same tree
// and --only deb|tarball|npm one of them, --compression none an uncompressed .deb (the tests' upgrade package).
// --reuse: nothing is built when OUT already holds the three built from the same inputs (OUT/.inputs, a hash of what
// goes into them: CI builds them while the test cloud starts, and test/package reuses them).
// SOURCE_DATE_EPOCH defaults to the last commit's time, so a tree builds to the same bytes. Prints each file's path.
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {buildDeb} from './package/deb.mjs'
import {stagePrefix} from './package/stage.mjs'
import {buildTarball} from './package/tarball.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const {values} = parseArgs({
  options: {
    out: {type: 'string', default: join(root, 'release')},
    version: {type: 'string'},
    only: {type: 'string', multiple: true, default: ['deb', 'tarball', 'npm']},
    compression: {type: 'string', default: 'xz'},
    reuse: {type: 'boolean', default: false},
  },
})
const version = values.version ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
const out = resolve(values.out)
mkdirSync(out, {recursive: true})
process.env.SOURCE_DATE_EPOCH ??= execFileSync('git', ['log', '-1', '--format=%ct'], {
  cwd: root,
  encoding: 'utf8',
}).trim()

/** JSON text with every object's keys sorted. */
const canonical = (text) =>
  JSON.stringify(JSON.parse(text), (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )

/** A hash of every input of the packages: the built tree, what they ship, how they are made, the runtime, the options. */
function inputsHash() {
  const hash = createHash('sha256')
  const add = (path) => {
    if (!existsSync(path)) return
    if (statSync(path).isDirectory()) for (const e of readdirSync(path).sort()) add(join(path, e))
    else if (!path.endsWith('.map')) {
      // oclif manifest writes the commands in the order their files finished loading: hashed in a fixed order
      const data = path.endsWith('oclif.manifest.json') ? canonical(readFileSync(path, 'utf8')) : readFileSync(path)
      hash
        .update(`${relative(root, path)}\0`)
        .update(data)
        .update('\0')
    }
  }
  const inputs = ['dist/cli', 'dist/src', 'bin', 'oclif.manifest.json', 'package.json', 'npm-shrinkwrap.json']
  for (const p of [...inputs, 'schemas', 'examples', 'deploy', 'scripts/package.mjs', 'scripts/package'])
    add(join(root, p))
  for (const p of ['LICENSE', 'CHANGELOG.md', 'README.md']) add(join(root, p))
  const node = statSync(process.execPath)
  const {out: dir, only, compression} = values
  hash.update(JSON.stringify([process.execPath, node.size, node.mtimeMs, dir, only, compression, version]))
  return hash.digest('hex')
}
const inputs = inputsHash()
const stamp = join(out, '.inputs')
const [built, ...made] = existsSync(stamp) ? readFileSync(stamp, 'utf8').split('\n').filter(Boolean) : []
if (values.reuse && built === inputs && made.every((f) => existsSync(f))) {
  for (const f of made) console.log(f)
  process.exit(0)
}
rmSync(stamp, {force: true})
const printed = []
const print = (file) => {
  printed.push(file)
  console.log(file)
}

const work = mkdtempSync(join(tmpdir(), 'wd-package-'))
try {
  if (values.only.includes('deb')) {
    await stagePrefix(root, join(work, 'usr'), {version, prefix: '/usr'})
    print(buildDeb(root, join(work, 'usr'), join(work, 'deb'), out, {version, compression: values.compression}))
  }
  if (values.only.includes('tarball')) {
    // the tarball's copyright names paths in its own directory
    await stagePrefix(root, join(work, 'prefix'), {version, prefix: `wd-${version}-linux-${process.arch}`})
    print(buildTarball(root, join(work, 'prefix'), join(work, 'tar'), out, {version}))
  }
  if (values.only.includes('npm')) {
    // dist is built: the npm package as npm pack makes it, without its prepack's second build
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], {
        cwd: root,
        encoding: 'utf8',
      }),
    )
    print(join(out, packed[0].filename))
  }
  writeFileSync(stamp, [inputs, ...printed, ''].join('\n'))
} finally {
  rmSync(work, {recursive: true, force: true})
}
