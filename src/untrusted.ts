/**
 * Readers of untrusted data (API answers, YAML and JSON documents, bus messages): each takes what came in as it came
 * and keeps only what it promises.
 */

/** A plain object (a YAML or JSON mapping): not null, not an array. Untrusted data is checked with this first. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A string, or undefined for any other value (a field of untrusted data read as text or not at all). */
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * A map's own value for a key, never an inherited one: untrusted keys (extra specs, properties) may be `toString`,
 * `constructor` or `__proto__`, which a plain `map[key]` or `key in map` finds on Object.prototype.
 */
export const own = <T>(map: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined
