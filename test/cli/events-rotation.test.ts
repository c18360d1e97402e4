/**
 * The bark journal is kept for years, so it is rotated: SIGHUP makes `wd events watch` reopen it, `wd events list`
 * reads the current and the rotated files (gzip too) and shows each bark once, and a watcher started again after a
 * rotation records no bark twice. deploy/logrotate/wd is run by the real logrotate, with a state file of the test's
 * own and its postrotate's `systemctl reload` answered by a stand-in that sends the watcher SIGHUP, as systemd
 * does for the unit's ExecReload.
 */
import {describe, expect, it, jest} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import type net from 'node:net'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import type {Bark} from '../../src/events/bark.js'
import {journalOf, startWatcher, stopWatcher, until, type Watcher} from '../helpers/barks.js'
import {root, wd} from '../helpers/cli.js'
import {fakeQmp, watchdogLine} from '../helpers/fake-qmp.js'
import {owned, tempDir, withRabbit} from '../helpers/gates.js'
import {brokerDir, osloListener, rabbitmq} from '../helpers/rabbitmq.js'

jest.setTimeout(90_000)

const record = (n: number) =>
  JSON.stringify({
    id: `qmp:/q.sock|vm1|${n}.0|reset`,
    time: new Date(n * 1000).toISOString(),
    vm: 'vm1',
    action: 'reset',
    source: 'qmp:/q.sock',
  })

/** A watcher on a QMP socket of the test's own, which barks when told to. */
async function watching(dir: string, journal: string) {
  let conn: net.Socket | undefined
  const qmp = await fakeQmp(join(dir, 'vm1.sock'), (c) => (conn = c))
  const w = owned(startWatcher(['--qmp', join(dir, 'vm1.sock')], journal))
  await until(() => conn !== undefined, 20, 'the watcher connected')
  return {w, qmp, bark: (seconds: number) => conn!.write(watchdogLine(seconds))}
}

const said = (w: Watcher, text: string) => until(() => w.said().includes(text), 20, `'${text}'`)
const times = (barks: {Time: string}[]) => barks.map((b) => b.Time)

describe('the journal rotated', () => {
  it('SIGHUP: the watcher reopens its journal (moved away meanwhile) and records on into a new one', async () => {
    const dir = tempDir('wd-rotate-')
    const journal = join(dir, 'barks.jsonl')
    const {w, qmp, bark} = await watching(dir, journal)
    try {
      bark(1795320001)
      await until(async () => (await journalOf(journal)).length === 1, 20, 'the first bark')
      spawnSync('mv', [journal, `${journal}.1`])
      w.kill('SIGHUP')
      await said(w, `journal ${journal} reopened`)
      bark(1795320002)
      await until(async () => (await journalOf(journal)).length === 1, 20, 'the bark in the new journal')
      expect(w.exitCode).toBeNull()
      expect((await journalOf(`${journal}.1`)).map((b) => b.time)).toEqual([new Date(1795320001000).toISOString()])
      expect((await journalOf(journal)).map((b) => b.time)).toEqual([new Date(1795320002000).toISOString()])
    } finally {
      await stopWatcher(w)
      await qmp.close()
    }
  })

  it('events list reads the current, rotated and gzipped files, oldest first, each bark once', () => {
    const dir = tempDir('wd-rotate-')
    const journal = join(dir, 'barks.jsonl')
    writeFileSync(`${journal}.2.gz`, gzipSync([record(1), record(2), ''].join('\n')))
    // the same bark in two files (written again just before the watcher reopened): listed once
    writeFileSync(`${journal}.1`, [record(2), record(3), ''].join('\n'))
    writeFileSync(journal, [record(4), ''].join('\n'))
    // neither a rotated journal nor the outbox's mark
    writeFileSync(`${journal}.notified`, '{"offset": 0}\n')
    writeFileSync(`${journal}.bak`, [record(9), ''].join('\n'))
    const r = wd(['events', 'list', '--journal', journal, '-f', 'json'])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(times(JSON.parse(r.stdout) as {Time: string}[])).toEqual(
      [1, 2, 3, 4].map((n) => new Date(n * 1000).toISOString()),
    )
    // a damaged gzip file is said and passed; the rest is listed
    writeFileSync(`${journal}.3.gz`, Buffer.from('not gzip at all'))
    const damaged = wd(['events', 'list', '--journal', journal, '-f', 'value', '-c', 'Time'])
    expect(damaged.status).toBe(0)
    expect(damaged.stderr).toMatch(new RegExp(`^warning: ${journal}\\.3\\.gz: .*; the rest of it is skipped\\n$`))
    expect(damaged.stdout.trim().split('\n')).toHaveLength(4)
  })

  it('deploy/logrotate/wd under the real logrotate: rotated twice, every bark kept once, none recorded twice after a restart', async () => {
    const dir = tempDir('wd-logrotate-')
    const lib = join(dir, 'lib')
    mkdirSync(lib)
    const journal = join(lib, 'barks.jsonl')
    // the shipped file, with the journal where this test keeps it
    const shipped = readFileSync(join(root, 'deploy/logrotate/wd'), 'utf8')
    expect(shipped).toContain('/var/lib/wd/barks.jsonl {')
    writeFileSync(join(dir, 'wd.logrotate'), shipped.replace('/var/lib/wd/barks.jsonl', journal))
    // systemctl reload wd-events-watch.service, as systemd carries it out: the unit's ExecReload sends SIGHUP
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    writeFileSync(
      join(bin, 'systemctl'),
      `#!/bin/sh\necho "$*" >> ${join(dir, 'systemctl.log')}\n[ "$*" = "reload wd-events-watch.service" ] && kill -HUP "$(cat ${join(dir, 'watcher.pid')})"\n`,
    )
    chmodSync(join(bin, 'systemctl'), 0o755)
    const logrotate = () => {
      const r = spawnSync('logrotate', ['-f', '-s', join(dir, 'logrotate.state'), join(dir, 'wd.logrotate')], {
        encoding: 'utf8',
        env: {...process.env, PATH: `${bin}:${process.env.PATH}`},
      })
      expect([r.status, r.stderr]).toEqual([0, ''])
    }

    let {w, qmp, bark} = await watching(dir, journal)
    writeFileSync(join(dir, 'watcher.pid'), String(w.pid))
    try {
      bark(1795320001)
      await until(async () => (await journalOf(journal)).length === 1, 20, 'bark 1')
      logrotate()
      await said(w, `journal ${journal} reopened`)
      bark(1795320002)
      await until(async () => (await journalOf(journal)).length === 1, 20, 'bark 2')
      logrotate()
      await until(() => w.said().split(`journal ${journal} reopened`).length === 3, 20, 'the second reopen')
      bark(1795320003)
      await until(async () => (await journalOf(journal)).length === 1, 20, 'bark 3')
      expect(readdirSync(lib).sort()).toEqual(['barks.jsonl', 'barks.jsonl.1', 'barks.jsonl.2.gz'])
      expect(readFileSync(join(dir, 'systemctl.log'), 'utf8')).toBe(
        'reload wd-events-watch.service\nreload wd-events-watch.service\n',
      )
      await stopWatcher(w)
      await qmp.close()

      // started again: the first bark comes once more (the same event), and it is in a gzipped file by now
      ;({w, qmp, bark} = await watching(dir, journal))
      bark(1795320001)
      bark(1795320004)
      await until(async () => (await journalOf(journal)).length === 2, 20, 'bark 4')
      const list = wd(['events', 'list', '--journal', journal, '-f', 'json'])
      expect(times(JSON.parse(list.stdout) as {Time: string}[])).toEqual(
        [1, 2, 3, 4].map((n) => new Date((1795320000 + n) * 1000).toISOString()),
      )
      expect((await journalOf(journal)).map((b: Bark) => b.time)).toEqual([
        new Date(1795320003000).toISOString(),
        new Date(1795320004000).toISOString(),
      ])
      expect(existsSync(`${journal}.2.gz`)).toBe(true)
    } finally {
      await stopWatcher(w)
      await qmp.close()
    }
  })

  withRabbit(
    'events watch --notify: a bark written into the moved journal before the reopen is published, then the new journal',
    async () => {
      const dir = tempDir('wd-rotate-bus-')
      // a port of this test's own: the other bus tests may run beside it
      const url = rabbitmq('start', brokerDir(), 5679)
      const listener = await osloListener(url)
      const journal = join(dir, 'barks.jsonl')
      let conn: net.Socket | undefined
      const qmp = await fakeQmp(join(dir, 'vm1.sock'), (c) => (conn = c))
      const w = owned(startWatcher(['--qmp', join(dir, 'vm1.sock'), '--notify', url], journal))
      const bark = (s: number) => conn!.write(watchdogLine(1795320000 + s))
      const published = () => listener.received().map((n) => n.payload.time)
      try {
        await until(() => conn !== undefined, 20, 'the watcher connected')
        bark(1)
        await until(() => published().length === 1, 30, 'the first notification')
        spawnSync('mv', [journal, `${journal}.1`])
        // logrotate has moved it; the watcher writes on into the moved file until it is told to reopen
        bark(2)
        await until(async () => (await journalOf(`${journal}.1`)).length === 2, 20, 'bark 2 in the moved file')
        w.kill('SIGHUP')
        await said(w, `journal ${journal} reopened`)
        bark(3)
        await until(() => published().length === 3, 30, 'three notifications')
        await new Promise((r) => setTimeout(r, 1000))
        expect(published()).toEqual([1, 2, 3].map((s) => new Date((1795320000 + s) * 1000).toISOString()))
        expect(w.said()).not.toMatch(/replaced or cut|is gone/)
      } finally {
        await stopWatcher(w)
        await qmp.close()
        listener.stop()
      }
    },
  )
})
