/** `wd events list` for people and programs: one row a bark, under the column titles of the list formats. */
import type {Bark} from '../events/bark.js'
import type {Row} from './records.js'

export const BARK_COLUMNS = ['Time', 'Host', 'VM', 'Action', 'Source', 'Instance', 'Loop']

export function barkRow(b: Bark): Row {
  return {
    Time: b.time,
    Host: b.host ?? '',
    VM: b.vm,
    Action: b.action,
    Source: b.source,
    Instance: b.instance ?? '',
    Loop: b.loop ? `${b.loop.barks} since ${b.loop.since}` : '',
  }
}
