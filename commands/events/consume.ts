import {Flags} from '@oclif/core'
import {consumeFleet, type ConsumeFleetResult} from '../../src/operations/bark-consume.js'
import {barkLine} from '../../src/report/bark-line.js'
import {WdCommand} from '../_shared/base.js'
import {busFlags, busOptions} from '../_shared/bus.js'
import {stopSignal} from '../_shared/signals.js'
import {recorderOptions, sinkFlags} from '../_shared/sinks.js'

export default class EventsConsume extends WdCommand<typeof EventsConsume> {
  static override resultSchema = 'cli-results#/$defs/consume'

  static override summary = "Record the whole fleet's barks from the OpenStack message bus into one journal."

  static override description = `Reads the wd.watchdog.bark notifications that 'wd events watch --notify' publishes on \
every host, from a queue of its own on the notifications exchange (other consumers keep their copies), into one \
journal: each bark once, by its message id (a bark published twice is one record), with the host that saw it. The \
textfile, webhook and syslog sinks and the reset-loop rule are the watcher's. A message is acknowledged only once it \
is in the journal, so nothing is lost if the consumer stops; the broker may go away and come back. Messages that are \
not barks are passed, malformed ones said on stderr. It runs until SIGTERM or SIGINT. The bus URL may also come \
from WD_TRANSPORT_URL, which keeps its password out of the process list.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --amqp rabbit://wd:secret@controller:5672/ --journal /var/lib/wd/fleet.jsonl',
    'WD_TRANSPORT_URL=rabbit://wd:secret@rmq1:5672,wd:secret@rmq2:5672/ <%= config.bin %> <%= command.id %> --journal fleet.jsonl --textfile /var/lib/node_exporter/wd.prom',
    '<%= config.bin %> events list --journal fleet.jsonl --host compute-7 --since 24h',
  ]

  static override flags = {
    amqp: Flags.string({
      description: "The bus: nova.conf's transport_url (rabbit://…) or amqp://.",
      helpValue: 'URL',
      env: 'WD_TRANSPORT_URL',
      required: true,
    }),
    queue: Flags.string({
      description: "wd's queue on the exchange.",
      default: 'wd-barks',
      helpGroup: 'BUS',
      helpValue: 'NAME',
    }),
    ...busFlags,
    ...sinkFlags,
  }

  public async run(): Promise<ConsumeFleetResult> {
    const f = this.flags
    return consumeFleet(
      {bus: busOptions(f.amqp, f), queue: f.queue, recorder: recorderOptions(f)},
      {signal: stopSignal(), onProblem: (m) => this.warning(m), onRecorded: (bark) => this.log(barkLine(bark))},
    )
  }
}
