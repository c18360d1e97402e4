/**
 * The digest a plan carries over what it holds (`sha256:` and hex, over its JSON with keys sorted): `plan -o` writes
 * it, and apply refuses a saved plan whose digest does not match, so a hand-edited plan is refused outright. It is no
 * signature — anyone can compute it again — so apply also re-derives what each item does (saved-plan.ts).
 */
import {createHash} from 'node:crypto'

/** JSON with every object's keys sorted: the same value always gives the same text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v !== null && typeof v === 'object') {
    // as JSON writes it: a key whose value is undefined is not there
    const keys = Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

export function planDigest(plan: {
  version: number
  options: object
  items: object[]
  summary: object
  warnings: string[]
}): string {
  const {version, options, items, summary, warnings} = plan
  return `sha256:${createHash('sha256').update(canonical({version, options, items, summary, warnings})).digest('hex')}`
}
