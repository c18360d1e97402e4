/**
 * Every example of `wd help COMMAND` is shell that works: each is valid POSIX shell (dash -n); each `wd …` in it
 * names a command and only flags that command takes, with values among a flag's options; the examples that need no
 * cloud, Proxmox node or libvirt are run for real (bash, in a directory holding the files they name) and end
 * without a usage or environment error; and an example that tests wd's exit status means what it says.
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {root} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

interface ManifestFlag {
  name: string
  char?: string
  options?: string[]
  type: 'boolean' | 'option'
}
interface ManifestCommand {
  examples?: (string | {command: string})[]
  flags: Record<string, ManifestFlag>
}
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, ManifestCommand>
}

const all = Object.entries(manifest.commands).flatMap(([id, c]) =>
  (c.examples ?? []).map((e) => ({
    id: id.replaceAll(':', ' '),
    line: (typeof e === 'string' ? e : e.command)
      .replaceAll('<%= config.bin %>', 'wd')
      .replaceAll('<%= command.id %>', id.replaceAll(':', ' ')),
  })),
)

/** Words and shell operators, as a POSIX shell splits them (enough for the examples: no expansions inside words). */
function tokens(line: string): string[] {
  return [
    ...line
      .replace(/(^|\s)#.*$/, '')
      .replace(/"\$\(([^)]*)\)"/g, '$( $1 )')
      .matchAll(/'([^']*)'|"([^"]*)"|(\|\||&&|[|;<>(){}]|\$\(|[^\s|;<>(){}]+)/g),
  ].map((m) => m[1] ?? m[2] ?? m[3]!)
}
const OPERATOR = /^(\|\||&&|[|;<>(){}]|\$\()$/

/** Each `wd …` of a line: the command id (the longest run of words naming one) and its arguments. */
function invocations(line: string): {id: string; args: string[]}[] {
  const t = tokens(line)
  const out: {id: string; args: string[]}[] = []
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 'wd') continue
    let end = i + 1
    while (end < t.length && !OPERATOR.test(t[end]!)) end++
    const words = t.slice(i + 1, end)
    const n = [3, 2, 1].find((k) => manifest.commands[words.slice(0, k).join(':')] !== undefined) ?? 0
    out.push({id: words.slice(0, n).join(':'), args: words.slice(n)})
  }
  return out
}

/** What is wrong with the flags of one invocation: unknown ones, values not among a flag's options. */
function flagProblems(id: string, args: string[]): string[] {
  const flags = Object.values(manifest.commands[id]!.flags)
  const problems: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '-' || !a.startsWith('-')) continue
    const [name, inline] = a.startsWith('--') ? a.slice(2).split('=') : [a.slice(1), undefined]
    const flag = flags.find((f) => (a.startsWith('--') ? f.name === name || `no-${f.name}` === name : f.char === name))
    if (!flag) {
      problems.push(`unknown flag ${a}`)
      continue
    }
    if (flag.type !== 'option') continue
    const value = inline ?? args[++i]
    if (flag.options && !flag.options.includes(value!))
      problems.push(`${a} ${value}: not one of ${flag.options.join(', ')}`)
  }
  return problems
}

/** Commands whose examples run here: no cloud, no Proxmox node, no libvirt, no bus. */
const OFFLINE = new Set(['resolve', 'schema export', 'version', 'completion', 'catalog validate', 'xml patch'])
const needsNothingElse = (e: {id: string; line: string}) =>
  OFFLINE.has(e.id) && !/--os-cloud|virsh|\/etc\//.test(e.line)

/** A directory with the files the examples name, and `wd` on PATH. */
function sandbox(): {dir: string; env: Record<string, string>} {
  const dir = tempDir('wd-examples-')
  const bin = join(dir, '.bin')
  mkdirSync(bin)
  writeFileSync(join(bin, 'wd'), `#!/bin/sh\nexec ${process.execPath} ${join(root, 'bin/run.js')} "$@"\n`)
  chmodSync(join(bin, 'wd'), 0o755)
  symlinkSync(join(root, 'examples'), join(dir, 'examples'))
  mkdirSync(join(dir, 'catalogs'))
  for (const f of ['catalog.yaml', 'flavors.yaml', 'catalogs/catalog.yaml'])
    copyFileSync(join(root, 'examples/catalog.yaml'), join(dir, f))
  copyFileSync(join(root, 'test/fixtures/catalogs/policy.yaml'), join(dir, 'policy.yaml'))
  copyFileSync(join(root, 'test/fixtures/domain-pc.xml'), join(dir, 'guest.xml'))
  mkdirSync(join(dir, 'home/.config/fish/completions'), {recursive: true})
  return {dir, env: {PATH: `${bin}:${process.env.PATH}`, HOME: join(dir, 'home')}}
}

describe('help examples', () => {
  it('there are examples, of every command but a few', () => {
    expect(all.length).toBeGreaterThan(60)
  })

  it.each(all.map((e) => [e.line, e] as const))('%s: valid shell, real commands and flags', (_, e) => {
    const syntax = spawnSync('dash', ['-n', '-c', e.line], {encoding: 'utf8'})
    expect(syntax.stderr).toBe('')
    const calls = invocations(e.line)
    expect(calls.length).toBeGreaterThan(0)
    for (const c of calls) {
      expect(c.id).not.toBe('')
      expect([c.id, flagProblems(c.id, c.args)]).toEqual([c.id, []])
    }
  })

  it.each(all.filter(needsNothingElse).map((e) => [e.line, e] as const))(
    '%s: runs without a usage or environment error',
    (_, e) => {
      const {dir, env} = sandbox()
      const r = spawnSync('bash', ['-c', e.line], {cwd: dir, encoding: 'utf8', env})
      // 0, or 1 for findings (the policy's verdicts): never 2, a usage or environment error
      expect([r.status === 0 || r.status === 1, r.stderr]).toEqual([true, expect.not.stringMatching(/^wd: /m)])
    },
  )

  it('an example that tests the exit status is true to it: "changes pending" only when there are changes', () => {
    const tested = all.filter((e) => e.line.includes('$?'))
    expect(tested.length).toBeGreaterThan(0)
    for (const e of tested) {
      for (const [status, says] of [
        [0, ''],
        [1, ''],
        [2, ''],
        [3, 'changes pending\n'],
      ] as const) {
        // wd as a function that exits as wd would
        const r = spawnSync('dash', ['-c', `wd() { return ${status}; }\n${e.line}`], {encoding: 'utf8'})
        expect([status, r.stdout]).toEqual([status, says])
      }
    }
  })
})
