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
 * Text for one line of a log or a terminal, the one escaping every human-format writer uses: control characters
 * (a newline in a file name, ESC, and the C1 controls such as U+009B that some terminals take for ESC [), the line
 * and paragraph separators, and the bidirectional overrides (which reorder what follows them on screen) are written
 * as `\n` / `\uXXXX` escapes, so a name from a cloud, a bus or a file cannot start a line of its own, move the
 * cursor or hide text.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : unicodeEscape(c)))
}

// eslint-disable-next-line no-control-regex -- control characters are what is escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
/** One UTF-16 unit as the `\uXXXX` escape that JSON and JavaScript write for it. */
export const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
