/** The flags of where recorded barks go (journal, textfile, webhook, syslog, loop rule): watch and consume share them. */
import {Flags} from '@oclif/core'
import {DEFAULT_LOOP_RULE} from '../../src/events/loops.js'
import type {RecordSettings} from '../../src/operations/bark-watch.js'
import {httpClient} from '../../src/openstack/http.js'
import {assertDuration} from '../../src/text/duration.js'

export const sinkFlags = {
  journal: Flags.string({description: 'The bark journal (JSON lines).', required: true, helpValue: 'FILE'}),
  textfile: Flags.string({description: 'A Prometheus textfile to keep up to date.', helpValue: 'FILE'}),
  webhook: Flags.string({description: 'POST each bark as JSON to this URL.', helpValue: 'URL'}),
  syslog: Flags.string({
    description: 'Send each bark as an RFC 5424 record with structured data to this syslog socket (/dev/log).',
    helpValue: 'SOCKET',
  }),
  'loop-barks': Flags.integer({
    description: 'Barks of one VM within --loop-window that mark a reset loop.',
    min: 2,
    default: DEFAULT_LOOP_RULE.barks,
    helpValue: 'N',
  }),
  'loop-window': Flags.string({
    description: 'The window of --loop-barks: 90s, 10m, 2h.',
    default: `${DEFAULT_LOOP_RULE.windowSeconds / 60}m`,
    helpValue: 'DURATION',
  }),
}

interface SinkFlagValues {
  journal: string
  textfile?: string
  webhook?: string
  syslog?: string
  'loop-barks': number
  'loop-window': string
}

/** Where the flags say barks go; --loop-window is checked here, before anything is opened. */
export const recorderOptions = (f: SinkFlagValues): RecordSettings => ({
  journal: f.journal,
  textfile: f.textfile,
  webhook: f.webhook ? {url: f.webhook, http: httpClient({verify: true, timeout: 10})} : undefined,
  syslog: f.syslog,
  loopRule: {barks: f['loop-barks'], windowSeconds: assertDuration(f['loop-window'], '--loop-window')},
})
