/**
 * The README says what wd does; this keeps it true. Every `$ wd …` line of a ```console block is run on the bundled
 * example data and its output compared with the lines under it; the error table lists every code of the registry
 * with its exit status; the commands table names every command wd has.
 */
import {describe, expect, it} from '@jest/globals'
import {readFileSync} from 'node:fs'
import {AUDIT_RULES} from '../../src/audit/rules.js'
import {PROXMOX_RULES} from '../../src/proxmox/rules.js'
import {ERROR_CODES} from '../../src/errors.js'
import {root, wd} from '../helpers/cli.js'

const readme = readFileSync(`${root}README.md`, 'utf8')

/** Words as a POSIX shell splits them (single and double quotes; no expansions: the examples use none). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)
}

interface Example {
  args: string[]
  expected: string
}

function examples(): Example[] {
  const out: Example[] = []
  for (const block of readme.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    let current: Example | undefined
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) {
        current = {args: words(line.slice(2)).slice(1), expected: ''}
        out.push(current)
      } else if (current) current.expected += line + '\n'
    }
  }
  return out
}

describe('README', () => {
  const all = examples()

  it('has offline examples', () => {
    expect(all.length).toBeGreaterThan(5)
  })

  it.each(all.map((e) => [e.args.join(' '), e] as const))('$ wd %s', (_, e) => {
    const r = wd(e.args)
    expect((r.stdout + r.stderr).trim()).toBe(e.expected.trim())
  })

  it('lists every error code with its exit status and HTTP status', () => {
    const rows = [...readme.matchAll(/^\| `(WD_[A-Z_]+)` +\| (\d) +\| (\d{3}) +\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
      Number(m[3]),
    ])
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, d]) => [code, d.exit, d.http]))
  })

  it('lists every audit rule with its severity, in the order of the rule table', () => {
    const rows = [...readme.matchAll(/^\| `(audit\/[a-z0-9-]+)` +\| ([a-z]+) +\|/gm)].map((m) => [m[1], m[2]])
    expect(rows).toEqual(Object.entries(AUDIT_RULES).map(([id, r]) => [id, r.level]))
  })

  it('lists every rule of wd proxmox list with its severity, in the order of the rule table', () => {
    const rows = [...readme.matchAll(/^\| `(proxmox\/[a-z0-9-]+)` +\| ([a-z]+) +\|/gm)].map((m) => [m[1], m[2]])
    expect(rows).toEqual(Object.entries(PROXMOX_RULES).map(([id, r]) => [id, r.level]))
  })

  it('names every command in the Commands table', () => {
    const manifest = JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8')) as {
      commands: Record<string, {hidden?: boolean}>
    }
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('### Exit status'))
    for (const [id, c] of Object.entries(manifest.commands)) {
      if (c.hidden) continue
      const [topic, verb] = id.split(':')
      expect([table, id]).toEqual([expect.stringMatching(new RegExp(`\`wd ${topic}[ |\`]`)), id])
      if (verb) expect([table, id]).toEqual([expect.stringMatching(new RegExp(`\`wd ${topic} [^\`]*${verb}`)), id])
    }
  })
})
