/**
 * `wd events consume`: the fleet's barks off the OpenStack message bus into one journal (and the watcher's sinks),
 * each once, until the signal aborts. The library touches no process signal: the face owns them.
 */
import type {Bark} from '../events/bark.js'
import type {BusOptions} from '../events/bus-address.js'
import type {ConsumeResult} from '../events/consume.js'
import type {ProblemSink} from '../events/journal.js'
import {openRecorder} from '../events/recorder.js'
import type {RecordSettings} from './bark-watch.js'

export interface ConsumeFleetOptions {
  bus: BusOptions
  /** wd's queue on the exchange */
  queue: string
  /** where barks are recorded (journal, textfile, webhook, syslog, loop rule) */
  recorder: RecordSettings
}

export interface ConsumeHooks {
  /** aborted: stop reading, record what is in flight, close */
  signal: AbortSignal
  onProblem: ProblemSink
  /** a bark that went into the journal */
  onRecorded: (bark: Bark) => void
}

export type ConsumeFleetResult = {recorded: number} & ConsumeResult

export async function consumeFleet(o: ConsumeFleetOptions, on: ConsumeHooks): Promise<ConsumeFleetResult> {
  let recorded = 0
  const recorder = await openRecorder({
    fleet: true,
    ...o.recorder,
    onProblem: on.onProblem,
    onRecorded: (bark) => {
      recorded++
      on.onRecorded(bark)
    },
  })
  // amqplib is loaded only for a consumer
  const {consumeBarks} = await import('../events/consume.js')
  const read = await consumeBarks({
    bus: o.bus,
    queue: o.queue,
    signal: on.signal,
    onBark: (b) => recorder.record(b),
    onProblem: on.onProblem,
  })
  await recorder.close()
  return {recorded, ...read}
}
