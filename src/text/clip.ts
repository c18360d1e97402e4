/**
 * Bounded renderings of untrusted values for messages: nothing a file or a request holds may make a report grow
 * without limit (a 20 MB flavor name, an alias-expanded tree, a QMP line).
 */

/** Messages show at most this many characters of a value or a source line. */
export const CLIP = 80

/** The text itself when short, else its first `max` characters and `…`. */
export function clip(text: string, max = CLIP): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…'
}

/**
 * A value as a message quotes it: strings in quotes, numbers as YAML writes them (.nan, .inf, which JSON cannot),
 * and containers stringified only as far as the bound (a shared subtree is never walked twice over).
 */
export function preview(value: unknown, max = CLIP): string {
  let out = ''
  const seen = new Set<object>()
  const put = (s: string) => {
    out += s
    return out.length <= max
  }
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return put(JSON.stringify(v.length > max ? v.slice(0, max) : v))
    if (typeof v === 'number')
      return put(Number.isNaN(v) ? '.nan' : v === Infinity ? '.inf' : v === -Infinity ? '-.inf' : String(v))
    if (v === null || typeof v !== 'object') return put(String(v))
    if (seen.has(v)) return put('…')
    seen.add(v)
    if (Array.isArray(v)) {
      if (!put('[')) return false
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !walk(v[i])) return false
      return put(']')
    }
    if (!put('{')) return false
    let first = true
    for (const k of Object.keys(v)) {
      if ((!first && !put(',')) || !put(JSON.stringify(k.length > max ? k.slice(0, max) : k) + ':')) return false
      first = false
      if (!walk((v as Record<string, unknown>)[k])) return false
    }
    return put('}')
  }
  walk(value)
  return clip(out, max)
}

/**
 * Text for one line of a log or a terminal: control characters (a newline in a file name, an escape sequence) are
 * written as JSON escapes, so a name cannot start a line of its own or move the cursor.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is escaped
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))
}
