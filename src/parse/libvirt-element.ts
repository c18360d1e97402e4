/** Reads a libvirt `<watchdog>` element back (for round trips and for domain XML written by others). */
import {SaxesParser} from 'saxes'
import {WdError} from '../errors.js'
import {LIBVIRT_DEFAULT_ACTION} from '../vocab/libvirt.js'
import type {Device} from '../vocab/systems.js'
import {assertDevice} from '../vocab/translate.js'

/** Reads a `<watchdog>` element back; a missing action is libvirt's default, `reset`. */
export function parseLibvirtElement(xml: string): Device<'libvirt'> {
  const parser = new SaxesParser({position: true, xmlns: false})
  let attrs: Record<string, string> | undefined
  parser.on('opentag', (tag) => {
    if (attrs === undefined) {
      if (tag.name !== 'watchdog') {
        throw new WdError('WD_SYNTAX', `expected a <watchdog> element, found <${tag.name}>`)
      }
      attrs = tag.attributes
    }
  })
  try {
    parser.write(xml).close()
  } catch (e) {
    if (e instanceof WdError) throw e
    throw new WdError('WD_SYNTAX', `not well-formed XML: ${(e as Error).message}`, {cause: e})
  }
  if (attrs === undefined) throw new WdError('WD_SYNTAX', 'no <watchdog> element')
  if (attrs.model === undefined) throw new WdError('WD_INVALID_VALUE', 'the <watchdog> element has no model')
  return assertDevice('libvirt', {model: attrs.model, action: attrs.action ?? LIBVIRT_DEFAULT_ACTION})
}
