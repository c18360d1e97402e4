// wd-VERSION-linux-ARCH.tar.gz, for every Linux without dpkg (RHEL-family compute nodes, containers): the prefix tree
// in one directory, to unpack anywhere and run as DIR/bin/wd (or link bin/wd into the PATH), with the units and
// files of deploy/ to install by hand, and wd's licence.
import {execFileSync} from 'node:child_process'
import {cpSync} from 'node:fs'
import {join} from 'node:path'

/** Builds the tarball of `root` from the staged prefix tree `prefixDir` in the scratch directory `work`, into `outDir`. */
export function buildTarball(root, prefixDir, work, outDir, {version}) {
  const name = `wd-${version}-linux-${process.arch}`
  const top = join(work, name)
  cpSync(prefixDir, top, {recursive: true, verbatimSymlinks: true})
  cpSync(join(root, 'deploy'), join(top, 'deploy'), {recursive: true, filter: (f) => !f.includes('/deploy/debian')})
  for (const file of ['LICENSE', 'CHANGELOG.md']) cpSync(join(root, file), join(top, file))
  const out = join(outDir, `${name}.tar.gz`)
  // the same bytes from the same tree: names sorted, owners root, times clamped to SOURCE_DATE_EPOCH when set
  const epoch = process.env.SOURCE_DATE_EPOCH
  execFileSync('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    ...(epoch ? [`--mtime=@${epoch}`, '--clamp-mtime'] : []),
    '-I',
    'gzip -9n',
    '-cf',
    out,
    '-C',
    work,
    name,
  ])
  return out
}
