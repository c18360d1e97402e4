/** Reading a policy file: YAML or JSON, checked against schemas/policy.schema.json; a broken one is WD_CONFIG. */
import picomatch from 'picomatch'
import {WdError} from '../errors.js'
import {schemaProblems} from '../schema/problems.js'
import {validator} from '../schema/validator.js'
import {parseSource} from '../source/yaml-source.js'
import type {NovaAction} from '../vocab/nova.js'
import {DEFAULT_ACCESS, type ImageOverride, type Policy} from './policy.js'

interface PolicyDocument {
  allowedActions?: NovaAction[]
  imageOverride?: ImageOverride
  require?: {flavors: string; actions?: NovaAction[]}[]
  access?: {read?: string[]; anyProject?: string[]}
}

export function loadPolicy(text: string, name: string): Policy {
  const source = parseSource(text, name)
  const syntax = source.problems[0]
  if (syntax) throw new WdError('WD_CONFIG', `policy: ${syntax.message}`, {location: syntax.position})
  if (source.data.length !== 1) throw new WdError('WD_CONFIG', `policy ${name} must be exactly one YAML document`)
  const doc = source.data[0] ?? {}
  const validate = validator('policy')
  if (!validate(doc)) {
    const [p] = schemaProblems(validate.errors)
    throw new WdError('WD_CONFIG', `policy: ${p!.message}`, {location: source.locate(0, p!.path, p!.on)})
  }
  const d = doc as PolicyDocument
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
