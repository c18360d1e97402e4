import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import type {Bark} from '../../src/events/bark.js'
import {readRotatedJournal} from '../../src/events/journal.js'
import {durationSeconds} from '../../src/text/duration.js'
import {WdCommand} from '../_shared/base.js'
import {listFlags, printList} from '../_shared/openstack.js'

/** `2026-11-01T00:00:00Z`, or a duration back from now: `90m`, `2h`, `7d`. */
function since(value: string): number {
  const back = durationSeconds(value)
  if (back !== undefined) return Date.now() - back * 1000
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new WdError('WD_USAGE', `--since '${value}' is neither a time nor a duration like 2h`)
  return t
}

export default class EventsList extends WdCommand<typeof EventsList> {
  static override resultSchema = 'bark'

  static override summary = 'List the recorded watchdog barks.'

  static override description = `The journal is read with its rotated files (NAME.N, NAME-DATE, gzipped or not; \
deploy/logrotate/wd), oldest first, each bark once. It is read as a stream: memory holds the barks that match, not the \
journal. Lines that are not bark records are skipped with a warning on stderr. A journal that does not exist is \
an error (exit 2), not an empty list.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --journal /var/lib/wd/barks.jsonl --since 24h',
    '<%= config.bin %> <%= command.id %> --journal barks.jsonl --vm 101 -f json',
    '<%= config.bin %> <%= command.id %> --journal barks.jsonl --loops --since 7d',
    '<%= config.bin %> <%= command.id %> --journal fleet.jsonl --host compute-7   # the journal of wd events consume',
  ]

  static override flags = {
    journal: Flags.string({description: 'The bark journal.', required: true, helpValue: 'FILE'}),
    since: Flags.string({description: 'Only barks from then on: a time, or a duration back (90m, 2h, 7d).'}),
    vm: Flags.string({description: 'Only this VM.'}),
    host: Flags.string({description: 'Only barks seen on this host (a fleet journal of wd events consume).'}),
    loops: Flags.boolean({description: 'Only barks that are part of a reset loop (marked by wd events watch).'}),
    ...listFlags,
  }

  public async run(): Promise<Bark[]> {
    const from = this.flags.since === undefined ? undefined : since(this.flags.since)
    const {vm, host} = this.flags
    const barks: Bark[] = []
    // each bark once, though a copy may sit in two files around a rotation: the ids of the barks shown are kept
    const shown = new Set<string>()
    for await (const b of readRotatedJournal(this.flags.journal, (m) => this.warning(m))) {
      if (from !== undefined && Date.parse(b.time) < from) continue
      if (vm !== undefined && b.vm !== vm) continue
      if (host !== undefined && b.host !== host) continue
      if (this.flags.loops && !b.loop) continue
      if (shown.has(b.id)) continue
      shown.add(b.id)
      barks.push(b)
    }
    const rows = barks.map((b) => ({
      Time: b.time,
      Host: b.host ?? '',
      VM: b.vm,
      Action: b.action,
      Source: b.source,
      Instance: b.instance ?? '',
      Loop: b.loop ? `${b.loop.barks} since ${b.loop.since}` : '',
    }))
    await printList(
      (s) => this.log(s),
      rows,
      ['Time', 'Host', 'VM', 'Action', 'Source', 'Instance', 'Loop'],
      this.flags,
    )
    return barks
  }
}
