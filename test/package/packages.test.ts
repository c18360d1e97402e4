/**
 * wd as operators install it (npm run package), each artifact tried by its real consumer:
 * - the .deb by apt-get and dpkg in a clean Debian 12 root made from Debian's packages with no Node.js
 *   (test/env/package-root/build.sh): installed, run, its units read by systemd-analyze, upgraded to a rebuilt higher
 *   version with an operator's edit and enabled unit, purged with nothing left outside the conffiles' policy; and by
 *   lintian (no error; the warnings kept are listed below, each with its reason);
 * - the tarball unpacked in the same root and run from there and through a link on the PATH;
 * - the npm package installed by npm -g into a prefix of its own, offline from the npm cache, in a clean HOME.
 * Runs as root (chroot). Opt out only explicitly, with WD_SKIP_PACKAGES=1.
 */
import {beforeAll, describe, expect} from '@jest/globals'
import {execFile, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {root, wd} from '../helpers/cli.js'
import {optedOut, tempDir, withPackages} from '../helpers/gates.js'

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string; files: string[]}
const [major, minor, patch] = pkg.version.split(/[.-]/).map(Number) as [number, number, number]
const higher = `${major}.${minor}.${patch + 1}`
const rootTar = join(root, '.work/package-root/bookworm.tar')
const node = `node-v${process.versions.node}`

/**
 * lintian's warnings on the .deb that stay, each for its reason:
 * - hardening-no-pie: the runtime is Node.js as upstream builds it (not position-independent, for V8's speed);
 * - non-standard-file-perm 0600 (twice): /etc/default/wd-events-watch and -consume hold the bus's password;
 * - old-fsf-address-in-copyright-file: a licence text of a bundled module, quoted as its package ships it.
 * (Its one error, embedded-library zlib in the runtime, is overridden by deploy/debian/lintian-overrides, which says
 * why.)
 */
const KEPT_WARNINGS = [
  'W: wd: hardening-no-pie [usr/lib/wd/node]',
  'W: wd: non-standard-file-perm 0600 != 0644 [etc/default/wd-events-consume]',
  'W: wd: non-standard-file-perm 0600 != 0644 [etc/default/wd-events-watch]',
  'W: wd: old-fsf-address-in-copyright-file',
]

const UNITS = ['wd-events-watch.service', 'wd-events-consume.service', 'wd-serve.service']

let chroot = ''
let deb = ''
let tarball = ''
let npmTgz = ''
let upgrade = ''
let before: string[] = []
let lintian: Promise<{stdout: string; stderr: string}>

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** A shell command in the clean root: its own mount namespace (proc and a pty for apt), a clean environment. */
function inRoot(command: string): Run {
  const r = spawnSync(
    'unshare',
    [
      '--mount',
      '--fork',
      'sh',
      '-c',
      'mount -t proc proc "$0/proc" && mount -t devpts -o newinstance devpts "$0/dev/pts" && exec chroot "$0" ' +
        '/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive ' +
        'sh -c "$1"',
      chroot,
      command,
    ],
    {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024},
  )
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** `inRoot` that must succeed: its stdout. */
function ok(command: string): string {
  const r = inRoot(command)
  if (r.status !== 0) throw new Error(`in the clean root: ${command}: exit ${r.status}\n${r.stdout}${r.stderr}`)
  return r.stdout
}

/** Every path in the root (the mount points are empty outside inRoot's namespace). */
const paths = () =>
  spawnSync('find', ['.', '-xdev'], {cwd: chroot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
    .stdout.split('\n')
    .filter(Boolean)
    .map((p) => p.slice(1))
    .sort()

/** The checkout's wd (the tests' reference) on the same arguments. */
const fromCheckout = (args: string[]) => wd(args).stdout

const resolveArgs = [
  'resolve',
  '--flavor-spec',
  'hw:watchdog_action=reset',
  '--image-prop',
  'hw_watchdog_action=disabled',
]

beforeAll(async () => {
  if (optedOut('WD_SKIP_PACKAGES')) return
  if (process.getuid?.() !== 0)
    throw new Error('the package tests chroot into a clean root: run as root, or set WD_SKIP_PACKAGES=1')
  if (!existsSync(rootTar)) {
    throw new Error(
      'the clean Debian root is missing: run bash test/env/package-root/build.sh, or set WD_SKIP_PACKAGES=1',
    )
  }
  // release/'s packages when they were built from this very tree (CI builds them while the test cloud starts)
  const built = spawnSync(process.execPath, ['scripts/package.mjs', '--reuse'], {cwd: root, encoding: 'utf8'})
  if (built.status !== 0) throw new Error(`npm run package failed:\n${built.stderr}`)
  ;[deb, tarball, npmTgz] = built.stdout.trim().split('\n') as [string, string, string]
  lintian = promisify(execFile)('lintian', ['--fail-on', 'error', deb], {encoding: 'utf8'})
  lintian.catch(() => undefined) // awaited by its test
  // the same tree as a higher version, for the upgrade (uncompressed: only its version counts)
  const up = tempDir('wd-pkg-up-')
  const rebuilt = spawnSync(
    process.execPath,
    ['scripts/package.mjs', '--only', 'deb', '--compression', 'none', '--version', higher, '--out', up],
    {cwd: root, encoding: 'utf8'},
  )
  if (rebuilt.status !== 0) throw new Error(`the upgrade package failed:\n${rebuilt.stderr}`)
  upgrade = rebuilt.stdout.trim()
  chroot = tempDir('wd-pkg-root-')
  const untar = spawnSync('tar', ['-xf', rootTar, '-C', chroot], {encoding: 'utf8'})
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`)
  for (const f of [deb, upgrade, tarball]) copyFileSync(f, join(chroot, 'tmp', f.split('/').pop()!))
  before = paths()
}, 600_000)

const name = (f: string) => f.split('/').pop()!

describe('the .deb in a clean Debian 12 root without Node.js', () => {
  withPackages(
    'installs with apt-get, its dependencies from Debian; wd runs on its own runtime, as from the checkout',
    () => {
      expect(inRoot('command -v node nodejs || dpkg -s nodejs').status).not.toBe(0)
      ok(`apt-get install -y --no-install-recommends ./tmp/${name(deb)}`)
      expect(ok('wd --version')).toBe(`wd/${pkg.version} linux-x64 ${node}\n`)
      // the runtime is private: nothing named node on the PATH
      expect(inRoot('command -v node').status).not.toBe(0)
      expect(ok('readlink -f /usr/bin/wd; ls /usr/lib/wd')).toBe(
        '/usr/bin/wd\ndist\nnode\noclif.manifest.json\npackage.json\nschemas\n',
      )
      expect(ok(`wd ${resolveArgs.join(' ')}`)).toBe(fromCheckout(resolveArgs))
      const validate = inRoot('cd /usr/share/doc/wd/examples && wd catalog validate catalog.yaml')
      const reference = wd(['catalog', 'validate', 'catalog.yaml'], undefined, undefined, join(root, 'examples'))
      expect([validate.status, validate.stdout]).toEqual([reference.status, reference.stdout])
      expect(reference.stdout).toContain('1 warning')
    },
  )

  withPackages(
    'installs its units where systemd reads them, disabled; systemd-analyze verify reads each without a word',
    () => {
      const verify = inRoot(`systemd-analyze verify --man=no ${UNITS.map((u) => `/lib/systemd/system/${u}`).join(' ')}`)
      expect([verify.status, verify.stdout + verify.stderr]).toEqual([0, ''])
      expect(inRoot(`systemctl is-enabled ${UNITS.join(' ')}`).stdout).toBe('disabled\ndisabled\ndisabled\n')
      // the user wd-serve runs as, and the directory tmpfiles.d keeps
      expect(ok('getent passwd wd')).toMatch(/^wd:x:\d+:\d+:wd policy service:\/nonexistent:\/usr\/sbin\/nologin\n$/)
      expect(ok('stat -c "%a %U" /run/wd/qmp')).toBe('750 root\n')
      const conffiles = ok("dpkg-query -W -f='${Conffiles}' wd").trim().split('\n')
      expect(conffiles.map((l) => l.trim().split(' ')[0])).toEqual([
        '/etc/default/wd-events-consume',
        '/etc/default/wd-events-watch',
        '/etc/default/wd-serve',
        '/etc/logrotate.d/wd',
      ])
      // the files with the bus's password are root's alone
      expect(ok('stat -c "%a %n" /etc/default/wd-*')).toBe(
        '600 /etc/default/wd-events-consume\n600 /etc/default/wd-events-watch\n644 /etc/default/wd-serve\n',
      )
    },
  )

  withPackages(
    'carries completions in their standard places, a man page groff reads without a warning, the licences',
    () => {
      expect(ok("bash -c '. /usr/share/bash-completion/completions/wd && complete -p wd'")).toMatch(/ wd\n$/)
      expect(existsSync(join(chroot, 'usr/share/zsh/vendor-completions/_wd'))).toBe(true)
      expect(existsSync(join(chroot, 'usr/share/fish/vendor_completions.d/wd.fish'))).toBe(true)
      const man = spawnSync(
        'sh',
        ['-c', 'zcat "$0" | groff -man -ww -Tutf8 -z', join(chroot, 'usr/share/man/man1/wd.1.gz')],
        {encoding: 'utf8'},
      )
      expect([man.status, man.stderr]).toEqual([0, ''])
      const page = spawnSync(
        'sh',
        ['-c', 'zcat "$0" | groff -man -Tutf8 -P-cbou', join(chroot, 'usr/share/man/man1/wd.1.gz')],
        {
          encoding: 'utf8',
        },
      ).stdout
      for (const s of ['wd resolve', 'wd events watch', '--flavor-spec', 'EXIT STATUS']) expect(page).toContain(s)
      const copyright = readFileSync(join(chroot, 'usr/share/doc/wd/copyright'), 'utf8')
      for (const s of [
        `Node.js ${process.versions.node} (/usr/lib/wd/node)`,
        '\n@oclif/core ',
        '\nfastify ',
        '\najv ',
      ]) {
        expect(copyright).toContain(s)
      }
      expect(existsSync(join(chroot, 'usr/share/doc/wd/changelog.gz'))).toBe(true)
    },
  )

  withPackages(
    'lintian finds no error; its warnings are the ones kept',
    async () => {
      const {stdout} = await lintian
      expect(stdout.trim().split('\n').filter(Boolean).sort()).toEqual(KEPT_WARNINGS)
    },
    120_000,
  )

  withPackages(
    "upgrades to a rebuilt higher version: the operator's edit and enabled unit stay, the others stay off",
    () => {
      ok('systemctl enable wd-serve.service 2>/dev/null')
      ok('echo \'WD_SERVE_ARGS="--port 8788"\' >>/etc/default/wd-serve')
      ok(`apt-get install -y ./tmp/${name(upgrade)}`)
      expect(ok('wd --version')).toBe(`wd/${higher} linux-x64 ${node}\n`)
      expect(ok("dpkg-query -W -f='${Version} ${Status}' wd")).toBe(`${higher} install ok installed`)
      expect(ok('tail -1 /etc/default/wd-serve')).toBe('WD_SERVE_ARGS="--port 8788"\n')
      expect(inRoot(`systemctl is-enabled ${UNITS.join(' ')}`).stdout).toBe('disabled\ndisabled\nenabled\n')
    },
  )

  withPackages('purges with nothing left but what Debian keeps: the system user, apt and dpkg records, /run', () => {
    ok('mkdir -p /var/lib/wd && echo "{}" >/var/lib/wd/barks.jsonl') // the watcher's journal, a log that goes
    ok('apt-get purge -y wd')
    expect(inRoot('dpkg -s wd').status).not.toBe(0)
    const before_ = new Set(before)
    const after = new Set(paths())
    const left = [...after].filter(
      (p) =>
        !before_.has(p) &&
        !/^\/(run\/|var\/cache\/apt\/|var\/lib\/apt\/|var\/log\/(apt\/|dpkg\.log)|(etc\/(passwd|group|shadow|gshadow)-$))/.test(
          p,
        ),
    )
    const gone = before.filter((p) => !after.has(p) && !p.startsWith('/tmp/'))
    expect({left, gone}).toEqual({left: [], gone: []})
    expect(ok('getent passwd wd')).toMatch(/^wd:/)
  })
})

describe('the tarball in the same clean root', () => {
  withPackages('unpacks anywhere and runs there, and through a link on the PATH', () => {
    const dir = `/opt/wd-${pkg.version}-linux-x64`
    ok(`tar -xzf /tmp/${name(tarball)} -C /opt`)
    expect(inRoot('command -v wd').status).not.toBe(0)
    expect(ok(`${dir}/bin/wd --version`)).toBe(`wd/${pkg.version} linux-x64 ${node}\n`)
    ok(`ln -s ${dir}/bin/wd /usr/local/bin/wd`)
    expect(ok(`cd / && wd ${resolveArgs.join(' ')}`)).toBe(fromCheckout(resolveArgs))
    expect(inRoot(`wd catalog validate ${dir}/share/doc/wd/examples/catalog.yaml`).status).toBe(0)
    expect(ok(`cd ${dir} && ls && ls deploy`)).toBe(
      'CHANGELOG.md\nLICENSE\nbin\ndeploy\nlib\nshare\ndefault\nlogrotate\nsystemd\nsysusers.d\ntmpfiles.d\n',
    )
  })
})

describe('the npm package', () => {
  withPackages('carries what a user needs and the tested dependency tree; it is public and builds when packed', () => {
    const list = spawnSync('tar', ['-tzf', npmTgz], {encoding: 'utf8'}).stdout.split('\n')
    for (const f of [
      'package/npm-shrinkwrap.json',
      'package/LICENSE',
      'package/CHANGELOG.md',
      'package/bin/run.js',
      'package/dist/cli/bin/entry.js',
      'package/deploy/systemd/wd-serve.service',
      'package/deploy/default/wd-events-watch',
      'package/schemas/catalog.schema.json',
      'package/examples/catalog.yaml',
    ]) {
      expect(list).toContain(f)
    }
    expect(list.filter((f) => f.endsWith('.map') || f.startsWith('package/deploy/debian/'))).toEqual([])
    const packed = JSON.parse(
      spawnSync('tar', ['-xzOf', npmTgz, 'package/package.json'], {encoding: 'utf8'}).stdout,
    ) as {
      private?: boolean
      scripts: Record<string, string>
    }
    expect([packed.private, packed.scripts.prepack]).toEqual([undefined, 'npm run build'])
  })

  withPackages(
    'npm install -g from the packed file, tarballs from the npm cache, in a clean HOME: no warning, wd runs',
    () => {
      const cache = spawnSync('npm', ['config', 'get', 'cache'], {encoding: 'utf8'}).stdout.trim()
      const home = tempDir('wd-npm-home-')
      const prefix = tempDir('wd-npm-prefix-')
      // a clean HOME (no ~/.npmrc), the machine's npm cache; the rest of the environment (a proxy, its CA) as it is
      const env = {...process.env, HOME: home, npm_config_cache: cache, NODE_OPTIONS: ''}
      const install = spawnSync(
        'npm',
        ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', npmTgz],
        {cwd: home, encoding: 'utf8', env},
      )
      expect([install.status, install.stderr]).toEqual([0, ''])
      const run = spawnSync(join(prefix, 'bin/wd'), ['--version'], {cwd: home, encoding: 'utf8', env})
      expect([run.status, run.stdout, run.stderr]).toEqual([0, `wd/${pkg.version} linux-x64 ${node}\n`, ''])
      const resolved = spawnSync(join(prefix, 'bin/wd'), resolveArgs, {cwd: home, encoding: 'utf8', env})
      expect(resolved.stdout).toBe(fromCheckout(resolveArgs))
      expect(statSync(join(prefix, 'lib/node_modules/wd/deploy/systemd/wd-events-watch.service')).isFile()).toBe(true)
      // the tree it was tested with: no EBADENGINE (cookie 2 wants Node 22), whatever npm resolved afresh
      const cookie = join(prefix, 'lib/node_modules/wd/node_modules/cookie/package.json')
      expect((JSON.parse(readFileSync(cookie, 'utf8')) as {version: string}).version).toMatch(/^1\./)
    },
    120_000,
  )
})
