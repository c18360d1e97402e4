import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import type {Bark} from '../../src/events/bark.js'
import {readJournal} from '../../src/events/journal.js'
import {WdCommand} from '../_shared/base.js'
import {outputFlags, printList} from '../_shared/openstack.js'

const UNITS: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86400}

/** `2026-11-01T00:00:00Z`, or a duration back from now: `90m`, `2h`, `7d`. */
function since(value: string): number {
  const m = /^(\d+)([smhd])$/.exec(value)
  if (m) return Date.now() - Number(m[1]) * UNITS[m[2]!]! * 1000
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new WdError('WD_USAGE', `--since '${value}' is neither a time nor a duration like 2h`)
  return t
}

export default class EventsList extends WdCommand<typeof EventsList> {
  static override summary = 'List the recorded watchdog barks.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --journal /var/lib/wd/barks.jsonl --since 24h',
    '<%= config.bin %> <%= command.id %> --journal barks.jsonl --vm 101 -f json',
  ]

  static override flags = {
    journal: Flags.string({description: 'The bark journal.', required: true, helpValue: 'FILE'}),
    since: Flags.string({description: 'Only barks from then on: a time, or a duration back (90m, 2h, 7d).'}),
    vm: Flags.string({description: 'Only this VM.'}),
    ...outputFlags,
  }

  public async run(): Promise<Bark[]> {
    const from = this.flags.since === undefined ? undefined : since(this.flags.since)
    const barks = readJournal(this.flags.journal).filter(
      (b) =>
        (from === undefined || Date.parse(b.time) >= from) && (this.flags.vm === undefined || b.vm === this.flags.vm),
    )
    const rows = barks.map((b) => ({
      Time: b.time,
      VM: b.vm,
      Action: b.action,
      Source: b.source,
      Instance: b.instance ?? '',
    }))
    await printList((s) => this.log(s), rows, ['Time', 'VM', 'Action', 'Source', 'Instance'], this.flags)
    return barks
  }
}
