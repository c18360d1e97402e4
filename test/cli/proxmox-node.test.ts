/**
 * `wd proxmox set|unset` by the rules qemu-server follows when it changes the same file: its lock (a flock taken as
 * qemu-server takes it, by Perl), the `lock:` of a guest in a backup, [PENDING] for a running guest (a real QEMU
 * started as qemu-server starts it: -pidfile in its run directory), and the cluster file system (a directory laid
 * out as pmxcfs lays out /etc/pve: another node's guest, no quorum, 1 MiB). Every edit is checked on qemu-server's
 * own configs, each of which comes back byte for byte after set then unset.
 */
import {describe, expect, it, jest} from '@jest/globals'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {changeWatchdog} from '../../src/operations/target.js'
import {proxmoxGuestTarget} from '../../src/operations/targets/proxmox-guest.js'
import {root, wd, wdAsync, wdJson} from '../helpers/cli.js'
import {e2e, owned, tempDir} from '../helpers/gates.js'
import {pmxcfs, qemuServerConfig, qemuServerConfigs, qemuServerLock, runningGuest} from '../helpers/proxmox.js'

jest.setTimeout(60_000)

/** A guest config dir with `files` (VMID → bytes), a lock directory and a run directory of the test's own. */
function node(files: Record<string, Buffer | string>) {
  const base = tempDir('wd-pve-node-')
  const dir = join(base, 'qemu-server')
  const lockDir = join(base, 'lock')
  const runDir = join(base, 'run')
  for (const d of [dir, lockDir, runDir]) mkdirSync(d)
  for (const [vmid, bytes] of Object.entries(files)) writeFileSync(join(dir, `${vmid}.conf`), bytes)
  const at = ['--dir', dir, '--lock-dir', lockDir, '--run-dir', runDir]
  return {dir, lockDir, runDir, at, file: (vmid: string) => join(dir, `${vmid}.conf`)}
}

const SIMPLE = qemuServerConfig('cfg2cmd/simple1.conf')
const LOCKED = qemuServerConfig('parse-config-input/locked.conf')

describe("qemu-server's lock", () => {
  it("refuses a guest with lock: (qemu-server's locked.conf, lock: backup) naming the lock; --skiplock is root's", () => {
    const n = node({1422: LOCKED})
    const r = wd(['proxmox', 'set', '1422', ...n.at, '--action', 'reset'])
    expect([r.status, r.stderr]).toEqual([
      2,
      "wd: VM 1422 is locked (backup); nothing was written\nhint: Proxmox refuses changes while 'backup' runs; " +
        'root may override it with --skiplock, as with qm set --skiplock\n',
    ])
    expect(readFileSync(n.file('1422')).equals(LOCKED)).toBe(true)
    const json = wd(['proxmox', 'unset', '1422', ...n.at, '--json'])
    expect([json.status, JSON.parse(json.stdout)]).toEqual([2, {error: expect.objectContaining({code: 'WD_CONFLICT'})}])

    // as in Proxmox, only root may skip it
    chmodSync(n.file('1422'), 0o644)
    const nobody = spawnSync(
      process.execPath,
      [`${root}bin/run.js`, 'proxmox', 'set', n.file('1422'), '--skiplock', '--action', 'reset', '--run-dir', n.runDir],
      {encoding: 'utf8', uid: 65534, gid: 65534, env: {...process.env, NODE_OPTIONS: '', HOME: '/tmp'}},
    )
    expect([nobody.status, nobody.stderr]).toEqual([2, 'wd: only root may use --skiplock (as in Proxmox: root@pam)\n'])
    const skip = wd(['proxmox', 'set', '1422', ...n.at, '--action', 'reset', '--skiplock'])
    expect(skip.status).toBe(0)
    expect(readFileSync(n.file('1422'), 'latin1')).toBe(
      LOCKED.toString('latin1').replace(/^(vmgenid: 0\n)/m, '$1watchdog: model=i6300esb,action=reset\n'),
    )
  })

  it("waits for qemu-server's flock and reads the file under it: a change made meanwhile is kept", async () => {
    const n = node({101: SIMPLE})
    // qemu-server's update: under the lock, read the config, take a while, write it back with memory changed
    const held = await qemuServerLock(
      join(n.lockDir, 'lock-101.conf'),
      `open(my $c, '<', '${n.file('101')}') or die; local $/; my $t = <$c>; close $c; select(undef, undef, undef, 1.5);` +
        `$t =~ s/^memory: 768$/memory: 2048/m; open(my $w, '>', '${n.file('101')}.tmp') or die; print $w $t; close $w;` +
        `rename('${n.file('101')}.tmp', '${n.file('101')}') or die;`,
    )
    const t0 = Date.now()
    const r = await wdAsync(['proxmox', 'set', '101', ...n.at, '--action', 'pause'])
    expect(await held.done).toBe(0)
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(Date.now() - t0).toBeGreaterThan(1000)
    const after = readFileSync(n.file('101'), 'latin1')
    expect(after).toBe(
      SIMPLE.toString('latin1')
        .replace('memory: 768', 'memory: 2048')
        .replace(/^(vmgenid: .*\n)/m, '$1watchdog: model=i6300esb,action=pause\n'),
    )
  })

  it("gives up after qemu-server's 10 s with WD_CONFLICT, the file untouched", async () => {
    const n = node({101: SIMPLE})
    const held = await qemuServerLock(join(n.lockDir, 'lock-101.conf'), 'sleep 14;')
    const t0 = Date.now()
    const r = await wdAsync(['proxmox', 'set', '101', ...n.at, '--action', 'reset'])
    const took = Date.now() - t0
    expect([r.status, r.stderr]).toEqual([
      2,
      `wd: can't lock file '${join(n.lockDir, 'lock-101.conf')}' - got timeout after 10 s\n` +
        'hint: another task (qm, a backup, a migration) holds the guest config lock; try again when it is done\n',
    ])
    expect(took).toBeGreaterThan(9500)
    expect(took).toBeLessThan(13_000)
    expect(readFileSync(n.file('101')).equals(SIMPLE)).toBe(true)
    await held.done
  })
})

describe('a running guest gets the change in [PENDING], as qm set leaves it', () => {
  e2e('its pid file naming its live QEMU: set, show (current and pending), unset give the file back', async () => {
    const n = node({101: SIMPLE})
    const qemu = await runningGuest(n.runDir, '101')
    const set = wd(['proxmox', 'set', '101', ...n.at, '--action', 'reset'])
    expect(set.status).toBe(0)
    expect(set.stderr).toMatch(/^warning: VM 101 is running: the change waits in \[PENDING\], as qm set leaves it/)
    const pending = SIMPLE.toString('latin1') + '\n[PENDING]\nwatchdog: model=i6300esb,action=reset\n'
    expect(readFileSync(n.file('101'), 'latin1')).toBe(pending)
    expect(wdJson(['proxmox', 'show', '101', '--dir', n.dir, '--run-dir', n.runDir])).toMatchObject({
      stored: null,
      device: null,
      attributes: {pending: "set to 'model=i6300esb,action=reset'", running: true},
    })
    expect(wd(['proxmox', 'show', '101', '--dir', n.dir, '--run-dir', n.runDir]).stdout).toBe(
      'watchdog: no watchdog device\n' +
        "pending: watchdog set to 'model=i6300esb,action=reset' (applied at the next cold start)\n" +
        'state: running on this node\n',
    )
    // wd's monitor too: args: is no more hot-pluggable than the watchdog
    expect(wd(['proxmox', 'set', '101', ...n.at, '--record']).status).toBe(0)
    expect(readFileSync(n.file('101'), 'latin1')).toBe(
      pending.replace(
        '[PENDING]\n',
        '[PENDING]\nargs: -chardev socket,id=wd-qmp,path=/var/run/qemu-server/wd-101.qmp,server=on,wait=off -mon chardev=wd-qmp,mode=control\n',
      ),
    )
    expect(wd(['proxmox', 'unset', '101', ...n.at, '--record']).status).toBe(0)
    expect(wd(['proxmox', 'unset', '101', ...n.at]).status).toBe(0)
    expect(readFileSync(n.file('101')).equals(SIMPLE)).toBe(true)

    // a watchdog it runs with: unset is a pending delete, and set again takes the delete back
    qemu.kill('SIGKILL')
    await new Promise((r) => qemu.once('exit', r))
    expect(wd(['proxmox', 'set', '101', ...n.at, '--action', 'pause']).status).toBe(0)
    const stopped = readFileSync(n.file('101'), 'latin1')
    expect(stopped).toMatch(/^watchdog: model=i6300esb,action=pause$/m)
    await runningGuest(n.runDir, '101')
    expect(wd(['proxmox', 'unset', '101', ...n.at]).status).toBe(0)
    expect(readFileSync(n.file('101'), 'latin1')).toBe(stopped + '\n[PENDING]\ndelete: watchdog\n')
    expect(wdJson(['proxmox', 'show', '101', '--dir', n.dir, '--run-dir', n.runDir])).toMatchObject({
      device: {action: 'pause'},
      attributes: {pending: 'deleted', running: true},
    })
    expect(wd(['proxmox', 'set', '101', ...n.at, '--action', 'pause']).status).toBe(0)
    expect(readFileSync(n.file('101'), 'latin1')).toBe(stopped)
  })

  it('not running: no pid file, a pid file that is no number, a live process that is no QEMU of this pid file', async () => {
    const n = node({101: SIMPLE})
    const running = () =>
      wdJson<{attributes: {running: boolean}}>(['proxmox', 'show', '101', '--dir', n.dir, '--run-dir', n.runDir])
        .attributes.running
    expect(running()).toBe(false)
    writeFileSync(join(n.runDir, '101.pid'), 'not a pid\n')
    expect(running()).toBe(false)
    const sleeper = owned(spawn('sleep', ['60']))
    writeFileSync(join(n.runDir, '101.pid'), `${sleeper.pid}\n`)
    expect(running()).toBe(false)
    // a live process: the same check says running once its command and its -pidfile are a guest's
    writeFileSync(join(n.runDir, '101.pid'), `${process.pid}\n`)
    expect(running()).toBe(false)
    sleeper.kill()
  })
})

describe("every config of qemu-server's own tests comes back byte for byte after set then unset", () => {
  const configs = qemuServerConfigs()

  it('reads them all', () => {
    expect(configs.length).toBeGreaterThan(100)
  })

  e2e(
    'the watchdog and wd’s monitor, on a stopped and on a running guest (in-process, one guest at a time)',
    async () => {
      const n = node({})
      const qemu = await runningGuest(join(n.runDir, 'running'), '100')
      for (const running of [false, true]) {
        const target = (o: {record?: string | null; keepWatchdog?: boolean}) =>
          proxmoxGuestTarget({
            dir: n.dir,
            lockDir: n.lockDir,
            runDir: running ? join(n.runDir, 'running') : n.runDir,
            skiplock: true,
            ...o,
          })
        for (const {name, bytes} of configs) {
          writeFileSync(n.file('100'), bytes)
          const step = async (o: Parameters<typeof target>[0], value: Parameters<typeof changeWatchdog>[2]) => {
            const {change} = await changeWatchdog(target(o), '100', value)
            expect([name, running, change.changed]).toEqual([name, running, true])
          }
          await step({}, {model: 'i6300esb', action: 'reset'})
          await step({record: '/run/qemu-server', keepWatchdog: true}, null)
          await step({record: null, keepWatchdog: true}, null)
          await step({}, null)
          expect([name, running, readFileSync(n.file('100')).equals(bytes)]).toEqual([name, running, true])
        }
      }
      qemu.kill('SIGKILL')
    },
  )
})

describe('pmxcfs: the cluster file system of /etc/pve', () => {
  const layout = () =>
    pmxcfs({pve1: {101: SIMPLE}, pve2: {202: LOCKED.toString('latin1').replace('lock: backup\n', '')}})

  it("edits this node's guest through the qemu-server link, keeping 0640 root:www-data and the link", () => {
    const {root: pve, dir} = layout()
    const lockDir = tempDir('wd-lock-')
    const before = statSync(join(pve, 'nodes/pve1/qemu-server/101.conf'))
    expect(wd(['proxmox', 'set', '101', '--dir', dir, '--lock-dir', lockDir, '--action', 'reset']).status).toBe(0)
    const after = statSync(join(pve, 'nodes/pve1/qemu-server/101.conf'))
    expect([after.mode & 0o7777, after.uid, after.gid]).toEqual([0o640, 0, before.gid])
    expect(lstatSync(dir).isSymbolicLink()).toBe(true)
    expect(wdJson(['proxmox', 'show', '101', '--dir', dir])).toMatchObject({
      device: {action: 'reset'},
      attributes: {node: 'pve1'},
    })
  })

  it("refuses another node's guest with that node's name, and reads it", () => {
    const {root: pve, dir} = layout()
    const file = join(pve, 'nodes/pve2/qemu-server/202.conf')
    const original = readFileSync(file)
    for (const ref of ['202', file]) {
      const r = wd(['proxmox', 'set', ref, '--dir', dir, '--lock-dir', tempDir('wd-lock-'), '--action', 'reset'])
      expect([r.status, r.stderr]).toEqual([
        2,
        `wd: VM 202 belongs to node pve2 (${file}); this is pve1\n` +
          'hint: its lock and its QEMU are on pve2: run wd there (reads work from any node, writes on the owner)\n',
      ])
    }
    expect(readFileSync(file).equals(original)).toBe(true)
    expect(wdJson(['proxmox', 'show', '202', '--dir', dir])).toMatchObject({
      target: {id: file, name: '202'},
      attributes: {node: 'pve2', running: false},
    })
  })

  it('without quorum (files 0440, directories 0555): says so, writes nothing, leaves no temp file', () => {
    const {root: pve, dir} = layout()
    const nodeDir = join(pve, 'nodes/pve1/qemu-server')
    chmodSync(join(nodeDir, '101.conf'), 0o440)
    chmodSync(nodeDir, 0o555)
    const r = wd(['proxmox', 'set', '101', '--dir', dir, '--lock-dir', tempDir('wd-lock-'), '--action', 'reset'])
    expect([r.status, r.stderr]).toEqual([
      2,
      `wd: this node has no quorum: ${pve} is read-only (pmxcfs shows ${dir}/101.conf 0440); nothing was written\n` +
        "hint: 'pvecm status' shows the quorum; write again once the node is quorate\n",
    ])
    expect(JSON.parse(wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'pause', '--json']).stdout)).toEqual({
      error: expect.objectContaining({code: 'WD_NO_QUORUM'}),
    })
    expect(readdirSync(nodeDir)).toEqual(['101.conf'])
    expect(readFileSync(join(nodeDir, '101.conf')).equals(SIMPLE)).toBe(true)
  })

  it('a change that would take a config past 1 MiB is refused (pmxcfs holds no more)', () => {
    const padded = Buffer.concat([Buffer.from(`#${'x'.repeat(1024 * 1024 - SIMPLE.length - 20)}\n`), SIMPLE])
    const {root: pve, dir} = pmxcfs({pve1: {101: padded}})
    const file = join(pve, 'nodes/pve1/qemu-server/101.conf')
    const r = wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'reset'])
    expect([r.status, r.stderr]).toEqual([
      2,
      `wd: ${dir}/101.conf would be ${padded.length + 38} bytes; pmxcfs holds at most 1048576 bytes a file; nothing was written\n`,
    ])
    expect(readFileSync(file).equals(padded)).toBe(true)
  })
})
