/**
 * YAML (and JSON, which YAML 1.2 reads) with positions for findings. js-yaml parses the text once into its event
 * stream, whose events carry source offsets, and constructs the data from it (what its loadAll does); the events
 * are kept, and only when something must be placed at file:line:col are they walked. A valid 50,000-flavor catalog
 * thus costs one parse and no position bookkeeping, and one with a finding no second parse.
 */
import {
  CORE_SCHEMA,
  EVENT_ID,
  SCALAR_STYLE,
  YAMLException,
  constructFromEvents,
  getScalarValue,
  parseEvents,
  type Event,
} from 'js-yaml'
import type {Path} from '../data-path.js'
import type {SourcePosition} from '../errors.js'
import {MAX_ALIAS_EXPANSION} from '../limits.js'
import {lineAt, lineStarts} from '../text/line-starts.js'

interface SyntaxProblem {
  /** `duplicate-key`, `syntax` or `alias-expansion` (the rule is `yaml/<code>`) */
  code: string
  message: string
  position: SourcePosition
}

interface Place {
  doc: number
  path: Path
  on?: 'key' | 'value'
}

export interface SourceFile {
  name: string
  /** the plain data of each document; undefined for one that did not parse */
  data: unknown[]
  problems: SyntaxProblem[]
  /** where each requested key or value is; a path that does not exist lands on its deepest existing ancestor */
  place(requests: readonly Place[]): SourcePosition[]
  locate(doc: number, path: Path, on?: 'key' | 'value'): SourcePosition
}

interface Span {
  start: number
  end: number
}

interface Trie {
  children: Map<string, Trie>
  value?: Span
  key?: Span
}

const trie = (): Trie => ({children: new Map()})

function spanOf(e: Event): Span {
  if (e.type === EVENT_ID.SCALAR) {
    // a quoted scalar's value starts inside its quotes; the place a user looks for includes them
    const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED
    return quoted ? {start: e.valueStart - 1, end: e.valueEnd + 1} : {start: e.valueStart, end: e.valueEnd}
  }
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return {start: e.start, end: e.start}
  if (e.type === EVENT_ID.ALIAS) return {start: Math.max(0, e.anchorStart - 1), end: e.anchorEnd}
  return {start: 0, end: 0}
}

/** Walks one node of the event stream, recording spans for the trie's paths; returns the index after the node. */
function walk(events: Event[], source: string, i: number, t: Trie | undefined): number {
  const e = events[i]!
  const span = spanOf(e)
  // an empty value (`key:` with nothing after it) has no text of its own: it is placed at its key
  if (t && span.start >= 0) t.value = span
  if (e.type === EVENT_ID.MAPPING) {
    i++
    while (events[i]!.type !== EVENT_ID.POP) {
      const k = events[i]!
      const child = t && k.type === EVENT_ID.SCALAR ? t.children.get(getScalarValue(source, k)) : undefined
      if (child) child.key = spanOf(k)
      i = walk(events, source, walk(events, source, i, undefined), child)
    }
    return i + 1
  }
  if (e.type === EVENT_ID.SEQUENCE) {
    i++
    for (let n = 0; events[i]!.type !== EVENT_ID.POP; n++) i = walk(events, source, i, t?.children.get(String(n)))
    return i + 1
  }
  return i + 1
}

/** The first alias (per document) at which the aliases' expansion passes the bound, as the offset of its `*`. */
function aliasBombs(events: readonly Event[], source: string): Map<number, number> {
  const bombs = new Map<number, number>()
  const sizes = new Map<string, number>()
  // each open collection: its size so far, and its anchor name
  const open: {size: number; anchor: string}[] = []
  let doc = -1
  let expanded = 0
  const add = (n: number) => {
    const top = open.at(-1)
    if (top) top.size += n
  }
  const anchorOf = (e: {anchorStart: number; anchorEnd: number}) =>
    e.anchorEnd > e.anchorStart ? source.slice(e.anchorStart, e.anchorEnd) : ''
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) {
      doc++
      expanded = 0
      open.length = 0
      continue
    }
    if (bombs.has(doc)) continue
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) open.push({size: 1, anchor: anchorOf(e)})
    else if (e.type === EVENT_ID.SCALAR) {
      add(1)
      const name = anchorOf(e)
      if (name) sizes.set(name, 1)
    } else if (e.type === EVENT_ID.ALIAS) {
      const n = sizes.get(source.slice(e.anchorStart, e.anchorEnd)) ?? 1
      expanded += n
      if (expanded > MAX_ALIAS_EXPANSION) bombs.set(doc, Math.max(0, e.anchorStart - 1))
      add(n)
    } else if (e.type === EVENT_ID.POP) {
      const done = open.pop()
      if (!done) continue
      if (done.anchor) sizes.set(done.anchor, done.size)
      add(done.size)
    }
  }
  return bombs
}

/**
 * The innermost flow collection ([ or {) still open at `offset`, or undefined. A bracket opens one only where YAML
 * starts a node (after `: `, `- `, `,`, another bracket, or at a line's start); quoted text and comments are skipped.
 */
function unclosedFlow(text: string, offset: number): number | undefined {
  const stack: number[] = []
  let last = '\n' // the last character that was not a space
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i]!
    if (c === '"' || c === "'") {
      const q = c
      for (i++; i < offset && text[i] !== q; i++) if (q === '"' && text[i] === '\\') i++
      last = q
    } else if (c === '#' && (last === '\n' || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      while (i < offset && text[i + 1] !== '\n') i++
    } else if ((c === '[' || c === '{') && (stack.length > 0 || /[\n:,\-[{]/.test(last))) {
      stack.push(i)
      last = c
    } else if ((c === ']' || c === '}') && stack.length > 0) {
      stack.pop()
      last = c
    } else if (c === '\n') {
      last = '\n'
    } else if (c !== ' ' && c !== '\t' && c !== '\r') last = c
  }
  return stack.at(-1)
}

function problemCode(e: YAMLException): string {
  return e.reason.startsWith('duplicated mapping key') ? 'duplicate-key' : 'syntax'
}

/** What the pieces of a parse share: the text, its name, the event stream (made once, on demand), positions. */
interface Context {
  text: string
  name: string
  events(): Event[]
  at(start: number, end?: number): SourcePosition
}

function context(text: string, name: string): Context {
  let events: Event[] | undefined
  let starts: Uint32Array | undefined
  const lineCol = (offset: number) => {
    starts ??= lineStarts(text)
    const line = lineAt(starts, offset)
    return {line, col: offset - starts[line - 1]! + 1}
  }
  return {
    text,
    name,
    events: () => (events ??= parseEvents(text, {filename: name})),
    at(start, end = start) {
      const a = lineCol(start)
      const b = lineCol(end)
      return {file: name, line: a.line, col: a.col, endLine: b.line, endCol: b.col}
    },
  }
}

function syntaxProblem(cx: Context, e: YAMLException): SyntaxProblem {
  const offset = e.mark?.position ?? 0
  // js-yaml notices an unclosed [ or { only where the next line starts (or at the end): point at the bracket
  const open = offset > 0 ? unclosedFlow(cx.text, offset) : undefined
  if (open !== undefined && cx.at(open).line < cx.at(offset).line) {
    return {code: 'syntax', message: `${e.reason}: this '${cx.text[open]}' is never closed`, position: cx.at(open)}
  }
  return {code: problemCode(e), message: e.reason, position: cx.at(offset)}
}

/** Per document, the offset where its aliases pass the bound; only text that could hold an alias pays for this. */
function findAliasBombs(cx: Context): Map<number, number> {
  if (!cx.text.includes('*') || !cx.text.includes('&')) return new Map()
  try {
    return aliasBombs(cx.events(), cx.text)
  } catch {
    return new Map() // a syntax error: loading reports it
  }
}

/** Every document's data; one that does not construct (a duplicate key) is undefined, its problem reported. */
function loadDocuments(cx: Context, problems: SyntaxProblem[]): unknown[] {
  try {
    // js-yaml's loadAll is exactly this; the events are kept, so a finding is placed without parsing the text again
    return constructFromEvents(cx.events(), {source: cx.text, schema: CORE_SCHEMA, filename: cx.name})
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e
  }
  try {
    // The text parses but a document does not construct: keep the documents that do.
    const docs: Event[][] = []
    for (const ev of cx.events()) {
      if (ev.type === EVENT_ID.DOCUMENT) docs.push([])
      docs.at(-1)!.push(ev)
    }
    return docs.map((doc) => {
      try {
        return constructFromEvents(doc, {source: cx.text, schema: CORE_SCHEMA})[0]
      } catch (err) {
        if (!(err instanceof YAMLException)) throw err
        problems.push(syntaxProblem(cx, err))
        return undefined
      }
    })
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err
    problems.push(syntaxProblem(cx, err))
    return []
  }
}

/** The positions of many places in one walk of the event stream (a trie of the requested paths guides it). */
function placeAll(cx: Context, requests: readonly Place[]): SourcePosition[] {
  if (requests.length === 0) return []
  const roots = new Map<number, Trie>()
  for (const r of requests) {
    let t = roots.get(r.doc) ?? roots.set(r.doc, trie()).get(r.doc)!
    for (const seg of r.path) t = t.children.get(String(seg)) ?? t.children.set(String(seg), trie()).get(String(seg))!
  }
  let ev: Event[] = []
  try {
    ev = cx.events()
  } catch {
    // unparseable text: every place is the start of the file (the syntax problem says where it breaks)
  }
  for (let i = 0, doc = -1; i < ev.length;) {
    if (ev[i]!.type !== EVENT_ID.DOCUMENT) break
    doc++
    i = walk(ev, cx.text, i + 1, roots.get(doc)) + 1 // the node, then the document's POP
  }
  return requests.map((r) => {
    let t = roots.get(r.doc)
    let best = t?.value ?? {start: 0, end: 0}
    let found = true
    for (const seg of r.path) {
      t = t?.children.get(String(seg))
      const here = t?.value ?? t?.key
      if (here) best = here
      else found = false
    }
    const span = found && r.on === 'key' && t?.key ? t.key : best
    return cx.at(span.start, span.end)
  })
}

export function parseSource(text: string, name: string): SourceFile {
  const cx = context(text, name)
  const bombs = findAliasBombs(cx)
  const problems: SyntaxProblem[] = [...bombs.values()].map((offset) => ({
    code: 'alias-expansion',
    message: `aliases expand past ${MAX_ALIAS_EXPANSION.toLocaleString('en')} nodes here; wd refuses the document`,
    position: cx.at(offset),
  }))
  const data = loadDocuments(cx, problems)
  // a refused document is not handed on: whatever walks it would walk every expansion
  for (const doc of bombs.keys()) if (doc < data.length) data[doc] = undefined
  const place = (requests: readonly Place[]) => placeAll(cx, requests)
  return {name, data, problems, place, locate: (doc, path, on = 'value') => place([{doc, path, on}])[0]!}
}
