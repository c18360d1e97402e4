/** Resolving a flavor (and image) taken from a catalog file, with findings placed at their file:line:col. */
import {WdError} from '../errors.js'
import type {Finding} from '../engine/findings.js'
import {resolve, type Resolution} from '../engine/resolve.js'
import {withPolicy} from '../policy/evaluate.js'
import type {Policy} from '../policy/policy.js'
import type {Path} from '../data-path.js'
import {clip} from '../text/clip.js'
import {findFlavor, findImage, type Catalog} from './load.js'
import type {CatalogFlavor, CatalogImage} from './model.js'

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]))
const under = (p: Path, prefix: Path) => p.length >= prefix.length && prefix.every((x, i) => String(x) === String(p[i]))

export function resolveFromCatalog(
  catalog: Catalog,
  flavorRef?: string,
  imageRef?: string,
  policy?: Policy,
): Resolution {
  const problem = catalog.source.problems[0]
  if (problem) throw new WdError('WD_SYNTAX', problem.message, {location: problem.position})
  const flavor = flavorRef === undefined ? undefined : findFlavor(catalog, flavorRef)
  const image = imageRef === undefined ? undefined : findImage(catalog, imageRef)
  const r = withPolicy(
    resolve({flavor: flavor?.extraSpecs, image: image?.properties}),
    policy,
    flavor && {name: flavor.name, props: flavor.extraSpecs},
    image && {name: image.name, props: image.properties},
  )
  // every finding placed in one walk of the file
  const entryOf = (f: Finding): CatalogFlavor | CatalogImage => (f.subject === 'flavor' ? flavor! : image!)
  const all = [...r.errors, ...r.warnings]
  const said = all.map((f) => [...entryOf(f).origin.propsPath, f.key])
  const positions = catalog.source.place(all.map((f, i) => ({doc: entryOf(f).origin.doc, path: said[i]!, on: f.on})))
  const placed = all.map((f, i) => ({...f, position: positions[i]!}))
  const result = {...r, errors: placed.slice(0, r.errors.length), warnings: placed.slice(r.errors.length)}

  // A schema problem inside the chosen entries stops the resolution, unless the engine already says it better.
  for (const entry of [flavor, image]) {
    if (!entry) continue
    const p = catalog.schemaProblems.find(
      (s) => s.doc === entry.origin.doc && under(s.path, entry.origin.path) && !said.some((k) => samePath(k, s.path)),
    )
    if (p) {
      const location = catalog.source.locate(p.doc, p.path, p.on)
      throw new WdError('WD_SCHEMA', `${clip(entry.name)}: ${p.message}`, {location})
    }
  }
  return result
}
