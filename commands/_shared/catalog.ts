/** What `wd catalog plan` and `wd catalog apply` share: their flags, and catalogs read (and refused) as one. */
import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import type {Catalog} from '../../src/catalog/load.js'
import type {PlanOptions} from '../../src/catalog/diff.js'
import type {PlanGuards} from '../../src/operations/catalog-plan.js'
import type {Policy} from '../../src/policy/policy.js'

export const planFlags = {
  flavors: Flags.string({
    description: "Manage only the cloud's flavors whose name matches this glob (for unmanaged and --prune).",
    helpValue: 'GLOB',
  }),
  prune: Flags.boolean({
    description: 'Delete the flavors no catalog lists (never one servers use, without --allow-replace).',
  }),
  'prune-all': Flags.boolean({
    description: 'With --prune and catalogs that list no flavor: delete every flavor in scope (refused otherwise).',
    dependsOn: ['prune'],
  }),
  'keep-unlisted-specs': Flags.boolean({description: 'Leave extra specs the catalog does not list (merge only).'}),
  'migrate-legacy': Flags.boolean({
    description: "Remove images' ignored watchdog spellings (the blueprint's 'watchdog', hw:watchdog_action).",
  }),
}

/** The catalogs, validated as `wd catalog validate` does; a catalog with errors stops here, its report on stderr. */
export async function validCatalogs(
  paths: readonly string[],
  policy: Policy | undefined,
  say: (text: string) => void,
): Promise<Catalog[]> {
  const [{readCatalogs}, {textReport}] = await Promise.all([
    import('../../src/operations/catalog-files.js'),
    import('../../src/report/catalog/text.js'),
  ])
  const {catalogs, results, valid} = await readCatalogs(paths, policy)
  if (!valid) {
    say(textReport(results))
    throw new WdError('WD_CATALOG_INVALID', 'the catalog has errors (above): nothing was planned', {
      hint: 'fix them, or see them again with wd catalog validate',
    })
  }
  return catalogs
}

/** The plan flags as the plan's options: one place, so plan and apply cannot read them differently. */
export function planOptionsOf(f: {
  flavors?: string
  prune: boolean
  'prune-all': boolean
  'keep-unlisted-specs': boolean
  'migrate-legacy': boolean
}): PlanOptions & PlanGuards {
  return {
    ...(f.flavors !== undefined && {scope: f.flavors}),
    prune: f.prune,
    pruneAll: f['prune-all'],
    keepUnlistedSpecs: f['keep-unlisted-specs'],
    migrateLegacy: f['migrate-legacy'],
  }
}
