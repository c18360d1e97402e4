/** A plain object (a YAML or JSON mapping): not null, not an array. Untrusted data is checked with this first. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
