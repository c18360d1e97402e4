/** Flags shared by every command that takes a flavor and an image (resolve, xml patch). */
import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import type {ResolveRequest} from '../../src/operations/resolution.js'

export const resolutionFlags = {
  'flavor-spec': Flags.string({
    description: 'A flavor extra spec KEY=VALUE, as stored in Nova (repeatable).',
    multiple: true,
    helpValue: 'KEY=VALUE',
    exclusive: ['flavor'],
  }),
  'image-prop': Flags.string({
    description: 'An image property KEY=VALUE, as stored in Glance (repeatable).',
    multiple: true,
    helpValue: 'KEY=VALUE',
    exclusive: ['image'],
  }),
  catalog: Flags.string({
    description: 'A catalog file (YAML or JSON) to take --flavor and --image from.',
    helpValue: 'FILE',
  }),
  flavor: Flags.string({description: 'Flavor name or id: in the --catalog, else in the cloud.', helpValue: 'NAME'}),
  image: Flags.string({description: 'Image name or id: in the --catalog, else in the cloud.', helpValue: 'NAME'}),
}

/** `KEY=VALUE` pairs into a map; a later key wins, like the openstack CLI's --property. */
export function keyValues(flag: string, pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new WdError('WD_USAGE', `--${flag} '${pair}' is not KEY=VALUE`)
    out[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return out
}

/** --dry-run of every command that writes (to the cloud or to a file). */
export const dryRunFlag = {
  'dry-run': Flags.boolean({description: 'Look everything up and say what would change; write nothing.'}),
}

export interface ResolutionFlagValues {
  'flavor-spec'?: string[]
  'image-prop'?: string[]
  catalog?: string
  flavor?: string
  image?: string
  explain?: boolean
}

/** The resolution flags as the application layer's request. */
export function resolveRequestOf(f: ResolutionFlagValues): ResolveRequest {
  return {
    ...(f['flavor-spec'] && {flavorSpecs: keyValues('flavor-spec', f['flavor-spec'])}),
    ...(f['image-prop'] && {imageProperties: keyValues('image-prop', f['image-prop'])}),
    ...(f.catalog !== undefined && {catalog: f.catalog}),
    ...(f.flavor !== undefined && {flavor: f.flavor}),
    ...(f.image !== undefined && {image: f.image}),
    ...(f.explain && {explain: true}),
  }
}
