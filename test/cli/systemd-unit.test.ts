/**
 * The systemd unit in deploy/systemd: systemd's own checker reads it without a word (a bad option is a warning
 * there, so the test wants no output at all), and the command it starts is one wd has, with flags wd takes.
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {root, wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const unit = readFileSync(join(root, 'deploy/systemd/wd-events-watch.service'), 'utf8')

describe('deploy/systemd/wd-events-watch.service', () => {
  it('passes systemd-analyze verify without a warning (wd installed where ExecStart says)', () => {
    const dir = tempDir('wd-unit-')
    // verify checks that ExecStart's program exists: the built wd of this tree stands in for /usr/local/bin/wd
    const file = join(dir, 'wd-events-watch.service')
    writeFileSync(file, unit.replaceAll('/usr/local/bin/wd', join(root, 'bin/run.js')))
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], {encoding: 'utf8'})
    expect(r.error).toBeUndefined()
    expect([r.status, r.stdout + r.stderr]).toEqual([0, ''])
  })

  it('starts wd events watch with flags it takes; the set-ups its comments show use flags it takes', () => {
    const lines = [
      /^ExecStart=.*$/m.exec(unit)![0],
      ...[...unit.matchAll(/WD_WATCH_ARGS="([^"]*)"/g)].map((m) => m[1]!),
    ]
    const flags = lines.flatMap((l) => [...l.matchAll(/--[a-z-]+/g)].map((m) => m[0]))
    expect(flags).toEqual(expect.arrayContaining(['--journal', '--qmp-dir', '--libvirt', '--textfile']))
    const help = wd(['events', 'watch', '--help']).stdout
    for (const f of flags) expect([f, help]).toEqual([f, expect.stringContaining(`${f}=`)])
    // QEMU will not start a guest whose monitor directory is gone: it must outlive a restart of the service
    expect(unit).toMatch(/^RuntimeDirectory=wd\/qmp$/m)
    expect(unit).toMatch(/^RuntimeDirectoryPreserve=yes$/m)
  })
})
