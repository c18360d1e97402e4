/** Turns the shared resolution flags into a Resolution: inline KEY=VALUE pairs or entries of a catalog file. */
import {WdError} from '../../src/errors.js'
import {resolve, type Resolution} from '../../src/engine/resolve.js'
import {withPolicy} from '../../src/policy/evaluate.js'
import type {Policy} from '../../src/policy/policy.js'
import {keyValues} from './flags.js'
import {connectFromFlags, type OpenstackFlagValues} from './openstack.js'

export interface ResolutionFlagValues extends OpenstackFlagValues {
  'flavor-spec'?: string[]
  'image-prop'?: string[]
  catalog?: string
  flavor?: string
  image?: string
}

export async function resolveFromFlags(flags: ResolutionFlagValues, policy?: Policy): Promise<Resolution> {
  if (flags.catalog === undefined) {
    if (flags.flavor !== undefined || flags.image !== undefined) return resolveLive(flags, policy)
    const flavor = keyValues('flavor-spec', flags['flavor-spec'])
    const image = keyValues('image-prop', flags['image-prop'])
    // Inline values have no flavor name, so the policy's require rules (which match names) cannot apply.
    return withPolicy(resolve({flavor, image}), policy, {name: '', props: flavor}, {name: '', props: image})
  }
  if (flags.flavor === undefined && flags.image === undefined) {
    throw new WdError('WD_USAGE', '--catalog needs --flavor NAME, --image NAME or both')
  }
  // Loaded on demand: the YAML parser and ajv are the slowest imports, and inline resolution needs neither.
  const [{readInput}, {loadCatalog, MAX_CATALOG_BYTES}, {resolveFromCatalog}] = await Promise.all([
    import('../../src/source/read.js'),
    import('../../src/catalog/load.js'),
    import('../../src/catalog/resolve-entry.js'),
  ])
  const input = await readInput(flags.catalog, MAX_CATALOG_BYTES)
  return resolveFromCatalog(loadCatalog(input.text, input.name), flags.flavor, flags.image, policy)
}

/** --flavor and --image without --catalog: the flavor's extra specs from Nova, the image's properties from Glance. */
async function resolveLive(flags: ResolutionFlagValues, policy?: Policy): Promise<Resolution> {
  if (flags['flavor-spec'] || flags['image-prop']) {
    throw new WdError(
      'WD_USAGE',
      'give the flavor and image either by name (live or --catalog) or as KEY=VALUE, not both',
    )
  }
  const conn = await connectFromFlags(flags)
  const [{findFlavor}, {findImage, imageProperties}] = await Promise.all([
    import('../../src/openstack/nova.js'),
    import('../../src/openstack/glance.js'),
  ])
  const [flavor, image] = await Promise.all([
    flags.flavor === undefined ? undefined : findFlavor(conn, flags.flavor),
    flags.image === undefined ? undefined : findImage(conn, flags.image),
  ])
  const specs = flavor?.extra_specs
  const props = image && imageProperties(image)
  return withPolicy(
    resolve({flavor: specs, image: props}),
    policy,
    flavor && {name: flavor.name, props: specs ?? {}},
    image && {name: image.name ?? image.id, props: props ?? {}},
  )
}
