/** Turns the shared resolution flags into a Resolution: inline KEY=VALUE pairs or entries of a catalog file. */
import {WdError} from '../../src/errors.js'
import {resolve, type Resolution} from '../../src/engine/resolve.js'
import {withPolicy} from '../../src/policy/evaluate.js'
import type {Policy} from '../../src/policy/policy.js'
import {keyValues} from './flags.js'

export interface ResolutionFlagValues {
  'flavor-spec'?: string[]
  'image-prop'?: string[]
  catalog?: string
  flavor?: string
  image?: string
}

export async function resolveFromFlags(flags: ResolutionFlagValues, policy?: Policy): Promise<Resolution> {
  if (flags.catalog === undefined) {
    if (flags.flavor !== undefined || flags.image !== undefined) {
      throw new WdError('WD_USAGE', '--flavor and --image name entries of a --catalog file', {
        hint: 'add --catalog FILE, or give the values with --flavor-spec / --image-prop',
      })
    }
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
