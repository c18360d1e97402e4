/**
 * YAML (and JSON, which YAML 1.2 reads) with source positions kept, so every finding can say file:line:col.
 * Parsing never throws: syntax problems come back as data, positioned.
 */
import {isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node} from 'yaml'
import type {SourcePosition} from '../errors.js'

export type Path = readonly (string | number)[]

export interface SyntaxProblem {
  /** the yaml library's code, e.g. DUPLICATE_KEY, BAD_INDENT */
  code: string
  message: string
  position: SourcePosition
}

export interface SourceFile {
  name: string
  docs: Document.Parsed[]
  /** the plain data of each document (null for an empty one) */
  data: unknown[]
  problems: SyntaxProblem[]
  /** where the key (on: 'key') or the value at `path` of document `doc` starts and ends */
  locate(doc: number, path: Path, on?: 'key' | 'value'): SourcePosition
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

export function parseSource(text: string, name: string): SourceFile {
  const lineCounter = new LineCounter()
  // an empty stream comes back as an (empty) array too
  const list = [...parseAllDocuments(text, {lineCounter, prettyErrors: false})] as Document.Parsed[]
  const at = (offset: number, end?: number): SourcePosition => {
    const a = lineCounter.linePos(offset)
    const b = lineCounter.linePos(end ?? offset)
    return {file: name, line: a.line, col: a.col, endLine: b.line, endCol: b.col}
  }
  const problems: SyntaxProblem[] = []
  for (const d of list) {
    for (const e of d.errors)
      problems.push({code: e.code, message: firstLine(e.message), position: at(e.pos[0], e.pos[1])})
  }
  // Data is read only from documents that parsed cleanly; a broken one must not be half-checked.
  const data = list.map((d) => (d.errors.length === 0 ? (d.toJS({maxAliasCount: 1000}) as unknown) : undefined))

  const nodeAt = (doc: Document.Parsed, path: Path, on: 'key' | 'value'): Node | undefined => {
    if (path.length === 0) return doc.contents ?? undefined
    const parent = doc.getIn(path.slice(0, -1), true)
    const last = path.at(-1)
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last))
      if (pair) return (on === 'key' ? pair.key : (pair.value ?? pair.key)) as Node
    }
    return (doc.getIn(path, true) as Node | undefined) ?? nodeAt(doc, path.slice(0, -1), 'value')
  }

  return {
    name,
    docs: list,
    data,
    problems,
    locate(doc, path, on = 'value') {
      const d = list[doc]
      const node = d ? nodeAt(d, path, on) : undefined
      return node?.range ? at(node.range[0], node.range[1]) : at(0)
    },
  }
}
