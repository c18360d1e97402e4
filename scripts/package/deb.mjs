// wd_VERSION_ARCH.deb, made with Debian's own tools as debhelper would make it, without a source package: the prefix
// tree under /usr; the units, tmpfiles.d and sysusers.d files where Debian 12 keeps a package's; /etc/default/wd-*
// and the logrotate file as conffiles; the hand-written maintainer scripts of deploy/debian; md5sums; the control
// file, whose library dependencies dpkg-shlibdeps reads off the runtime; then dpkg-deb.
import {execFileSync} from 'node:child_process'
import {chmodSync, cpSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {dirname, join, relative} from 'node:path'
import {debianChangelog} from './changelog.mjs'
import {gzip} from './stage.mjs'

/** Every file under `dir` (no directories), as paths relative to it. */
function files(dir, under = dir) {
  return readdirSync(under, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? files(dir, join(under, e.name)) : [relative(dir, join(under, e.name))],
  )
}

/** Installed-Size as dpkg-gencontrol counts it: KiB per file, rounded up, and one per directory or link. */
function installedSize(dir) {
  let kib = 0
  const walk = (d) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      const p = join(d, e.name)
      if (e.isDirectory()) {
        kib += 1
        walk(p)
      } else kib += e.isFile() ? Math.ceil(lstatSync(p).size / 1024) : 1
    }
  }
  walk(dir)
  return kib
}

/** The runtime's library dependencies (libc6, libstdc++6, …) as dpkg-shlibdeps derives them from its ELF file. */
function shlibsDepends(pkgDir) {
  // as in a source package: debian/control beside the package's tree debian/wd
  writeFileSync(join(pkgDir, '..', 'control'), 'Source: wd\n\nPackage: wd\nArchitecture: any\n')
  const out = execFileSync('dpkg-shlibdeps', ['-O', '--warnings=0', '-e', 'debian/wd/usr/lib/wd/node'], {
    cwd: join(pkgDir, '../..'),
    encoding: 'utf8',
    // its warning that the binary is not where a debhelper build has it: true of every build without debhelper
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return /^shlibs:Depends=(.*)$/m.exec(out)[1]
}

const DEB_ARCH = {x64: 'amd64', arm64: 'arm64'}

/** Debian's spelling of an npm version: a pre-release sorts before its release (1.0.0-rc.1 → 1.0.0~rc.1). */
const debianVersion = (version) => version.replace('-', '~')

/**
 * Builds the .deb of `root` from the staged prefix tree `prefixDir` (for /usr) in the scratch directory `work`, into
 * `outDir`; returns its path.
 */
export function buildDeb(root, prefixDir, work, outDir, {version, compression = 'xz'}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const deb = join(work, 'debian/wd')
  const put = (from, to, mode = 0o644) => {
    mkdirSync(dirname(join(deb, to)), {recursive: true})
    cpSync(join(root, from), join(deb, to))
    chmodSync(join(deb, to), mode)
  }
  cpSync(prefixDir, join(deb, 'usr'), {recursive: true, verbatimSymlinks: true})
  for (const unit of readdirSync(join(root, 'deploy/systemd')))
    put(`deploy/systemd/${unit}`, `lib/systemd/system/${unit}`)
  put('deploy/tmpfiles.d/wd.conf', 'usr/lib/tmpfiles.d/wd.conf')
  put('deploy/sysusers.d/wd.conf', 'usr/lib/sysusers.d/wd.conf')
  put('deploy/logrotate/wd', 'etc/logrotate.d/wd')
  // the two that hold the bus's password are root's alone
  put('deploy/default/wd-events-watch', 'etc/default/wd-events-watch', 0o600)
  put('deploy/default/wd-events-consume', 'etc/default/wd-events-consume', 0o600)
  put('deploy/default/wd-serve', 'etc/default/wd-serve')
  put('deploy/debian/lintian-overrides', 'usr/share/lintian/overrides/wd')
  const changelog = join(deb, 'usr/share/doc/wd/changelog.gz')
  writeFileSync(changelog, gzip(debianChangelog(root, {version: debianVersion(version), maintainer: pkg.author})))

  const size = installedSize(deb)

  const control = join(deb, 'DEBIAN')
  mkdirSync(control)
  for (const script of ['postinst', 'prerm', 'postrm']) put(`deploy/debian/${script}`, `DEBIAN/${script}`, 0o755)
  const conffiles = files(join(deb, 'etc')).map((f) => `/etc/${f}`)
  writeFileSync(join(control, 'conffiles'), conffiles.join('\n') + '\n')
  const md5sums = files(deb)
    .filter((f) => !f.startsWith('DEBIAN/') && !f.startsWith('etc/'))
    .sort()
    .map(
      (f) =>
        `${createHash('md5')
          .update(readFileSync(join(deb, f)))
          .digest('hex')}  ${f}`,
    )
  writeFileSync(join(control, 'md5sums'), md5sums.join('\n') + '\n')
  const arch = DEB_ARCH[process.arch]
  writeFileSync(
    join(control, 'control'),
    [
      'Package: wd',
      `Version: ${debianVersion(version)}`,
      `Architecture: ${arch}`,
      `Maintainer: ${pkg.author}`,
      `Installed-Size: ${size}`,
      `Depends: ${shlibsDepends(deb)}`,
      // virsh for events watch --libvirt; logrotate reads /etc/logrotate.d/wd
      'Suggests: libvirt-clients, logrotate',
      'Section: admin',
      'Priority: optional',
      `Description: ${pkg.description.replace(/^\w/, (c) => c.toLowerCase())}`,
      " A guest whose kernel hangs still looks healthy from outside: KVM's emulated",
      ' watchdog (i6300esb) resets, powers off or pauses it when its daemon stops',
      " feeding /dev/watchdog. wd predicts exactly what Nova does with a flavor's",
      " hw:watchdog_action and an image's hw_watchdog_action, checks flavor catalogs",
      ' in CI, audits a cloud, edits libvirt domains and Proxmox VE guests, records',
      ' every bark, and serves the same over HTTP.',
      ' .',
      ' This package carries its own Node.js runtime (in /usr/lib/wd, never on the',
      ' PATH) and the systemd units of wd events watch, wd events consume and',
      ' wd serve, installed disabled.',
      '',
    ].join('\n'),
  )
  const out = join(outDir, `wd_${debianVersion(version)}_${arch}.deb`)
  // --root-owner-group: every file root's, whoever builds; SOURCE_DATE_EPOCH (when set) clamps the times. xz: the
  // smallest .deb (a minute for the runtime's 86 MB); none: the tests' upgrade package, where only the version counts
  execFileSync('dpkg-deb', ['--root-owner-group', `-Z${compression}`, '--build', deb, out], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return out
}
