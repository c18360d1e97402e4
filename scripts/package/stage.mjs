// The tree both release artifacts carry, laid out as an installation prefix (/usr for the .deb, the tarball's own
// directory elsewhere): bin/wd, the runtime and the bundle in lib/wd, the man page, the shell completions and the
// documentation in share. Only what runs ships: the bundled CLI without its source maps, the schemas it reads.
import {execFileSync} from 'node:child_process'
import {chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {copyrightFile} from './licenses.mjs'
import {manPage} from './man-page.mjs'

const write = (file, data, mode = 0o644) => {
  mkdirSync(dirname(file), {recursive: true})
  writeFileSync(file, data)
  chmodSync(file, mode)
}

/** A file gzipped as Debian wants documentation (best compression, no name or time inside: the same bytes each build). */
export const gzip = (data) => gzipSync(data, {level: 9})

/**
 * Stages the prefix tree of package `root` (built) into `dir` for `version`; `prefix` is where it will be installed
 * (the copyright file names the runtime's and the bundle's paths there).
 */
export async function stagePrefix(root, dir, {version, prefix}) {
  const lib = join(dir, 'lib/wd')
  mkdirSync(lib, {recursive: true})
  // the runtime: the Node.js that runs this build (and the tests), without its symbol tables and debug information
  execFileSync('strip', ['--strip-unneeded', '-o', join(lib, 'node'), process.execPath])
  chmodSync(join(lib, 'node'), 0o755)
  cpSync(join(root, 'dist/cli'), join(lib, 'dist/cli'), {recursive: true, filter: (f) => !f.endsWith('.map')})
  cpSync(join(root, 'schemas'), join(lib, 'schemas'), {recursive: true})
  // what oclif and Node read of package.json: the version, the command layout, ES modules
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const {name, description, license, type, oclif} = pkg
  write(join(lib, 'package.json'), JSON.stringify({name, version, description, license, type, oclif}, null, 2) + '\n')
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
  write(join(lib, 'oclif.manifest.json'), JSON.stringify({...manifest, version}))
  write(join(dir, 'bin/wd'), readFileSync(join(root, 'scripts/package/launcher.sh')), 0o755)

  // the completion scripts as the staged wd prints them (the build's first run of what ships)
  const wd = (...args) =>
    execFileSync(join(dir, 'bin/wd'), args, {encoding: 'utf8', env: {...process.env, NODE_OPTIONS: ''}})
  write(join(dir, 'share/bash-completion/completions/wd'), wd('completion', 'bash'))
  write(join(dir, 'share/zsh/vendor-completions/_wd'), wd('completion', 'zsh'))
  write(join(dir, 'share/fish/vendor_completions.d/wd.fish'), wd('completion', 'fish'))

  write(join(dir, 'share/man/man1/wd.1.gz'), gzip(await manPage(root)))
  write(
    join(dir, 'share/doc/wd/copyright'),
    copyrightFile(root, {
      node: process.execPath,
      runtimePath: `${prefix}/lib/wd/node`,
      bundlePath: `${prefix}/lib/wd/dist/cli`,
    }),
  )
  cpSync(join(root, 'examples'), join(dir, 'share/doc/wd/examples'), {recursive: true})
}
