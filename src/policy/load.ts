/** A policy file's text loaded: YAML or JSON, checked against schemas/policy.schema.json; a broken one is WD_CONFIG. */
import picomatch from 'picomatch'
import {WdError} from '../errors.js'
import {loadConfigDocument} from '../source/config-document.js'
import type {NovaAction} from '../vocab/nova.js'
import {DEFAULT_ACCESS, type ImageOverride, type Policy} from './policy.js'

interface PolicyDocument {
  allowedActions?: NovaAction[]
  imageOverride?: ImageOverride
  require?: {flavors: string; actions?: NovaAction[]}[]
  access?: {read?: string[]; anyProject?: string[]}
}

export function loadPolicy(text: string, name: string): Policy {
  let d: PolicyDocument
  try {
    d = loadConfigDocument(text, name, 'policy') as PolicyDocument
  } catch (e) {
    if (e instanceof WdError) throw new WdError(e.code, `policy: ${e.message}`, {location: e.location, hint: e.hint})
    throw e
  }
  return {
    name,
    ...(d.allowedActions && {allowedActions: d.allowedActions}),
    imageOverride: d.imageOverride ?? 'allow',
    access: {
      ...(d.access?.read && {read: d.access.read}),
      anyProject: d.access?.anyProject ?? DEFAULT_ACCESS.anyProject,
    },
    require: (d.require ?? []).map((r) => ({
      flavors: r.flavors,
      matches: picomatch(r.flavors),
      ...(r.actions && {actions: r.actions}),
    })),
  }
}
