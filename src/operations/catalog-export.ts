/**
 * The cloud as a catalog: every flavor (private ones too) with every field, its extra specs and, for a private
 * flavor, its access list; and the watchdog properties of the images (the one Nova reads and the spellings it
 * ignores). Ids are included, so a plan against the same cloud matches by id and finds nothing to change.
 */
import picomatch from 'picomatch'
import type {Connection} from '../openstack/connection.js'
import {listImages} from '../openstack/glance.js'
import {imageProperties} from '../api/glance.js'
import {BLUEPRINT_KEY, FLAVOR_KEY, IMAGE_KEY} from '../vocab/nova.js'
import {readFlavors} from './catalog-plan.js'

export interface ExportOptions {
  /** only flavors whose name matches this glob */
  flavors?: string
  /** only images whose name matches this glob; without it, the images that set a watchdog property */
  images?: string
}

export interface CatalogDocument {
  flavors: Record<string, unknown>[]
  images: {name: string; id: string; properties: Record<string, string>}[]
}

/** The image properties a catalog of watchdogs is about. */
const WATCHDOG_PROPERTIES = [IMAGE_KEY, BLUEPRINT_KEY, FLAVOR_KEY]

export async function exportCatalog(conn: Connection, options: ExportOptions = {}): Promise<CatalogDocument> {
  const flavorMatch = picomatch(options.flavors ?? '**')
  const imageMatch = options.images === undefined ? undefined : picomatch(options.images)
  const [flavors, images] = await Promise.all([readFlavors(conn, (f) => flavorMatch(f.name)), listImages(conn)])
  return {
    flavors: flavors
      .filter((f) => flavorMatch(f.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => ({
        name: f.name,
        id: f.id,
        ...f.fields,
        ...(f.fields.description === null && {description: undefined}),
        ...(f.access !== null && {access: f.access}),
        extra_specs: f.extraSpecs,
      }))
      .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined))),
    images: images
      .filter((i) => (imageMatch ? imageMatch(i.name ?? '') : true))
      .map((i) => {
        const props = imageProperties(i)
        const watchdog = Object.fromEntries(WATCHDOG_PROPERTIES.flatMap((k) => (k in props ? [[k, props[k]!]] : [])))
        return {name: i.name ?? i.id, id: i.id, properties: watchdog}
      })
      .filter((i) => imageMatch !== undefined || Object.keys(i.properties).length > 0)
      .sort((a, b) => a.name.localeCompare(b.name)),
  }
}
