/**
 * The systemd units in deploy/systemd: systemd's own checker reads each without a word (a bad option is a warning
 * there, so the test wants no output at all), and the command each starts is one wd has, with flags wd takes.
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {root, wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const unitOf = (name: string) => readFileSync(join(root, 'deploy/systemd', name), 'utf8')
const unit = unitOf('wd-events-watch.service')
// the set-ups an operator picks from: the environment file beside each unit (/etc/default/wd-*, a conffile of the .deb)
const defaultsOf = (name: string) => readFileSync(join(root, 'deploy/default', name), 'utf8')

describe.each(['wd-events-watch.service', 'wd-events-consume.service', 'wd-serve.service'])(
  'deploy/systemd/%s',
  (name) => {
    it('passes systemd-analyze verify without a warning (wd installed where ExecStart says)', () => {
      const dir = tempDir('wd-unit-')
      // verify checks that ExecStart's program exists: the built wd of this tree stands in for /usr/bin/wd
      // (the installed units are verified where the package put them by test/package/packages.test.ts)
      const file = join(dir, name)
      writeFileSync(file, unitOf(name).replaceAll('/usr/bin/wd', join(root, 'bin/run.js')))
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], {encoding: 'utf8'})
      expect(r.error).toBeUndefined()
      expect([r.status, r.stdout + r.stderr]).toEqual([0, ''])
    })
  },
)

describe('deploy/systemd/wd-events-consume.service', () => {
  it('starts wd events consume with flags it takes (and those of its environment file), which gives the bus', () => {
    const consume = unitOf('wd-events-consume.service')
    const defaults = defaultsOf('wd-events-consume')
    const lines = [
      /^ExecStart=.*$/m.exec(consume)![0],
      ...[...defaults.matchAll(/WD_CONSUME_ARGS="([^"]*)"/g)].map((m) => m[1]!),
    ]
    const flags = lines.flatMap((l) => [...l.matchAll(/--[a-z-]+/g)].map((m) => m[0]))
    expect(flags).toEqual(expect.arrayContaining(['--journal', '--textfile', '--webhook']))
    const help = wd(['events', 'consume', '--help']).stdout
    for (const f of flags) expect([f, help]).toEqual([f, expect.stringContaining(`${f}=`)])
    // the password stays out of the command line: --amqp reads this variable
    expect(consume).toMatch(/^EnvironmentFile=\/etc\/default\/wd-events-consume$/m)
    expect(defaults).toMatch(/^#WD_TRANSPORT_URL=rabbit:/m)
    expect(help).toContain('WD_TRANSPORT_URL')
  })
})

describe('deploy/systemd/wd-events-watch.service', () => {
  it('starts wd events watch with flags it takes; the set-ups its comments show use flags it takes', () => {
    const lines = [
      /^ExecStart=.*$/m.exec(unit)![0],
      ...[...defaultsOf('wd-events-watch').matchAll(/WD_WATCH_ARGS="([^"]*)"/g)].map((m) => m[1]!),
    ]
    const flags = lines.flatMap((l) => [...l.matchAll(/--[a-z-]+/g)].map((m) => m[0]))
    expect(flags).toEqual(expect.arrayContaining(['--journal', '--qmp-dir', '--libvirt', '--textfile']))
    const help = wd(['events', 'watch', '--help']).stdout
    for (const f of flags) expect([f, help]).toEqual([f, expect.stringContaining(`${f}=`)])
    // nothing a guest needs at its start is the unit's to make: QEMU makes wd's sockets in qemu-server's directory
    expect(unit).not.toMatch(/^RuntimeDirectory/m)
    expect(defaultsOf('wd-events-watch')).toMatch(
      /^# A Proxmox VE node[^\n]*\n(#[^\n]*\n)*#WD_WATCH_ARGS="--qmp-dir \/var\/run\/qemu-server /m,
    )
    // reload reopens the journal (logrotate's postrotate asks for it)
    expect(unit).toMatch(/^ExecReload=\/bin\/sh -c 'kill -HUP \$\$MAINPID'$/m)
  })
})

describe('deploy/tmpfiles.d/wd.conf', () => {
  it("systemd-tmpfiles makes an earlier wd's socket directory at boot, as root's and no one else's", () => {
    const boot = tempDir('wd-tmpfiles-')
    mkdirSync(join(boot, 'etc', 'tmpfiles.d'), {recursive: true})
    copyFileSync(join(root, 'deploy/tmpfiles.d/wd.conf'), join(boot, 'etc', 'tmpfiles.d', 'wd.conf'))
    const r = spawnSync('systemd-tmpfiles', ['--create', `--root=${boot}`, 'wd.conf'], {encoding: 'utf8'})
    expect([r.status, r.stdout + r.stderr]).toEqual([0, ''])
    const made = statSync(join(boot, 'run', 'wd', 'qmp'))
    expect([made.isDirectory(), made.mode & 0o7777, made.uid, made.gid]).toEqual([true, 0o750, 0, 0])
  })
})
