/** What Glance's API answers hold, as wd reads them: shapes and property readers only, no I/O. */
export type Image = {id: string; name: string | null; owner?: string; visibility?: string} & Record<string, unknown>

/** Glance's own fields are not properties; everything else a user set is. */
const CORE_FIELDS = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'checksum',
  'owner',
  'size',
  'min_ram',
  'min_disk',
  'disk_format',
  'container_format',
  'created_at',
  'updated_at',
  'tags',
  'self',
  'file',
  'schema',
  'virtual_size',
  'os_hidden',
  'os_hash_algo',
  'os_hash_value',
  'direct_url',
  'locations',
  'stores',
])

/**
 * Whether a key is one of Glance's own fields or reserved for Glance (`os_glance_*`, which Glance refuses from
 * users), not a property: a JSON patch `add` of `/visibility` or `/owner` changes the image itself.
 */
export const isGlanceField = (key: string): boolean => CORE_FIELDS.has(key) || key.startsWith('os_glance_')

/** An image's properties: what a user set (string values only), never Glance's own fields. */
export function imageProperties(image: Image): Record<string, string> {
  // fromEntries defines own properties: a property named __proto__ stays a property
  return Object.fromEntries(
    Object.entries(image).filter(([k, v]) => !CORE_FIELDS.has(k) && typeof v === 'string') as [string, string][],
  )
}
