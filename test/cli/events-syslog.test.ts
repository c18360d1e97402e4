/**
 * `wd events watch --syslog`: each bark as one RFC 5424 record with the bark as structured data, read back from a
 * real rsyslog (test/env/syslog/rsyslog.sh, on a socket of its own). rsyslog stopped while barks arrive: the barks
 * are in the journal and a warning says so; started again, the next bark reaches it. WD_SKIP_SYSLOG=1 opts out.
 */
import {describe, expect} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {root} from '../helpers/cli.js'
import {fakeQmp, watchdogLine} from '../helpers/fake-qmp.js'
import {owned, tempDir, withSyslog} from '../helpers/gates.js'

const script = join(root, 'test/env/syslog/rsyslog.sh')
const rsyslog = (cmd: 'start' | 'stop', dir: string) => {
  const r = spawnSync('bash', [script, cmd, dir], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`rsyslog.sh ${cmd}: ${r.stderr}`)
  return r.stdout.trim()
}

const T0 = 1795320000
const iso = (s: number) => new Date((T0 + s) * 1000).toISOString()

describe('events watch --syslog, read back from a real rsyslog', () => {
  withSyslog(
    'one structured record per bark; hostile names escaped; a loop is an error; rsyslog away and back',
    async () => {
      const dir = tempDir('wd-syslog-')
      const daemonDir = join(dir, 'rsyslog')
      const socket = rsyslog('start', daemonDir)
      const messages = join(daemonDir, 'messages')
      // a VM name with what RFC 5424 escapes in a value
      const qmpSocket = join(dir, 'web"]\\1.qmp')
      const journal = join(dir, 'barks.jsonl')
      let send = [0, 60]
      const qmp = await fakeQmp(qmpSocket, (c) => c.write(send.map((s) => watchdogLine(T0 + s)).join('')))
      const args = ['--qmp', qmpSocket, '--syslog', socket, '--loop-barks', '2']
      try {
        let w = owned(startWatcher(args, journal))
        const lines = () => readFileSync(messages, 'utf8').split('\n').filter(Boolean)
        await until(() => lines().length === 2, 20, 'two syslog records')
        const sd = (s: number) =>
          `vm="web\\"\\]\\\\1" action="reset" source="qmp:${qmpSocket.replace(/["\\\]]/g, (c) => `\\${c}`)}" time="${iso(s)}"`
        expect(lines()[0]).toBe(
          `daemon.warning wd [wd@32473 ${sd(0)} id="${(await journalOf(journal))[0]!.id.replace(/["\\\]]/g, (c) => `\\${c}`)}"] watchdog bark: VM web"]\\1 action reset`,
        )
        expect(lines()[1]).toMatch(
          new RegExp(
            `^daemon\\.err wd \\[wd@32473 .*loop="2" loopSince="${iso(0)}"\\] watchdog bark: VM .* action reset \\(reset loop: 2 barks since ${iso(0)}\\)$`,
          ),
        )
        await stopWatcher(w)

        // rsyslog goes away: the bark is journaled and the failure said; back again, the next bark reaches it
        rsyslog('stop', daemonDir)
        send = [7200]
        w = owned(startWatcher(args, journal))
        await until(() => w.said().includes('warning: syslog'), 20, 'a syslog warning')
        expect(w.said()).toMatch(/^warning: syslog .*: logger exited 1: .*\(the bark is in the journal\)$/m)
        expect((await journalOf(journal)).map((b) => b.time)).toEqual([iso(0), iso(60), iso(7200)])
        await stopWatcher(w)
        rsyslog('start', daemonDir)
        send = [9000]
        w = owned(startWatcher(args, journal))
        await until(() => lines().some((l) => l.includes(`time="${iso(9000)}"`)), 20, 'the bark after rsyslog is back')
        await stopWatcher(w)
      } finally {
        // here, not in an afterAll: the temp dirs (and the pid file in them) may be gone by then
        rsyslog('stop', daemonDir)
        await qmp.close()
      }
    },
  )
})
