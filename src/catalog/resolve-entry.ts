/** Resolving a flavor (and image) taken from a catalog file, with findings placed at their file:line:col. */
import {WdError} from '../errors.js'
import type {Finding} from '../engine/findings.js'
import {resolve, type Resolution} from '../engine/resolve.js'
import {withPolicy} from '../policy/evaluate.js'
import type {Policy} from '../policy/policy.js'
import type {Path} from '../source/yaml-source.js'
import {findFlavor, findImage, type Catalog} from './load.js'
import type {CatalogFlavor, CatalogImage} from './model.js'

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]))
const under = (p: Path, prefix: Path) => p.length >= prefix.length && prefix.every((x, i) => String(x) === String(p[i]))

/** The file position of what a finding is about. */
export function placeFinding(catalog: Catalog, entry: CatalogFlavor | CatalogImage, f: Finding): Finding {
  const {doc, propsPath} = entry.origin
  return {...f, position: catalog.source.locate(doc, [...propsPath, f.key], f.on)}
}

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
  const placed = (f: Finding) => placeFinding(catalog, f.subject === 'flavor' ? flavor! : image!, f)
  const result = {...r, errors: r.errors.map(placed), warnings: r.warnings.map(placed)}

  // A schema problem inside the chosen entries stops the resolution, unless the engine already says it better.
  const said = [...result.errors, ...result.warnings].map((f) => {
    const entry = f.subject === 'flavor' ? flavor! : image!
    return [...entry.origin.propsPath, f.key]
  })
  for (const entry of [flavor, image]) {
    if (!entry) continue
    const p = catalog.schemaProblems.find(
      (s) => s.doc === entry.origin.doc && under(s.path, entry.origin.path) && !said.some((k) => samePath(k, s.path)),
    )
    if (p) {
      const location = catalog.source.locate(p.doc, p.path, p.on)
      throw new WdError('WD_SCHEMA', `${entry.name}: ${p.message}`, {location})
    }
  }
  return result
}
