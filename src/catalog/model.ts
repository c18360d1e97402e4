/** A catalog as wd sees it, whatever the file's layout: flavors and images, each knowing where it came from. */
import type {Path} from '../data-path.js'

interface Origin {
  doc: number
  /** the flavor's or image's own mapping */
  path: Path
  /** the mapping its extra specs / properties are keys of (the flavor itself in the osism layout) */
  propsPath: Path
}

/** What a catalog says of a flavor beyond its name, id and extra specs: only what it gives is compared. */
export interface FlavorFields {
  vcpus?: number
  ram?: number
  disk?: number
  ephemeral?: number
  swap?: number
  rxtx_factor?: number
  is_public?: boolean
  description?: string
}

export interface CatalogFlavor {
  name: string
  id?: string
  /** extra specs as Nova stores them: strings (a number is stored as its decimal text) */
  extraSpecs: Record<string, string>
  fields: FlavorFields
  /** the projects a private flavor is given to, when the catalog lists them */
  access?: string[]
  origin: Origin
}

export interface CatalogImage {
  name: string
  id?: string
  properties: Record<string, string>
  /** properties the catalog gives as null: they are to be removed */
  remove: string[]
  origin: Origin
}

export type Layout = 'wd' | 'osism'
