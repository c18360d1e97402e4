/** A plain object (a YAML or JSON mapping): not null, not an array. Untrusted data is checked with this first. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A string, or undefined for any other value (a field of untrusted data read as text or not at all). */
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
