import {Flags} from '@oclif/core'
import type {Bark} from '../../src/events/bark.js'
import {listBarks} from '../../src/operations/bark-list.js'
import {BARK_COLUMNS, barkRow} from '../../src/report/bark-list.js'
import {WdCommand} from '../_shared/base.js'
import {listFlags, printList} from '../_shared/output.js'

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
    const {journal, since, vm, host, loops} = this.flags
    const barks = await listBarks(journal, {since, vm, host, loops}, (m) => this.warning(m))
    await printList((s) => this.log(s), barks.map(barkRow), BARK_COLUMNS, this.flags)
    return barks
  }
}
