/**
 * The built `wd` against hostile files: whatever it is fed, it ends with exit 0, 1 or 2, says what is wrong in
 * `wd:` lines without a stack trace, stays within a 256 MB heap, and leaves a file it refuses untouched.
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {root} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const LAUGHS =
  'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
  [...'bcdefghi'].map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`).join('\n') +
  '\n'

const CORPUS: Record<string, Buffer> = {
  'laughs.yaml': Buffer.from(LAUGHS),
  'binary.bin': Buffer.from(Array.from({length: 4096}, (_, i) => (i * 2654435761) % 256)),
  'utf16.xml': Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from("<domain type='kvm'><devices/></domain>", 'utf16le'),
  ]),
  'lone-cr.conf': Buffer.from('cores: 2\rmemory: 4096\rwatchdog: model=i6300esb\r'),
  'nul.conf': Buffer.from('cores: 2\n\u0000\u0000\nwatchdog: x\n'),
  'deep.yaml': Buffer.from('['.repeat(5000) + ']'.repeat(5000)),
  'long-line.yaml': Buffer.from(`flavors: [{name: "${'n'.repeat(3_000_000)}", vcpus: -1}]\n`),
  'proto.yaml': Buffer.from('__proto__: {polluted: yes}\nflavors: [{name: a, extra_specs: {__proto__: x}}]\n'),
  'two-docs.yaml': Buffer.from('listen: {port: 1}\n---\nlisten: {port: 2}\n'),
  'entities.xml': Buffer.from(
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><domain>&b;</domain>',
  ),
  'latin1.conf': Buffer.from([0x23, 0xe9, 0xff, 0xfe, 0x0a, 0x63, 0x6f, 0x72, 0x65, 0x73, 0x3a, 0x20, 0x31, 0x0a]),
}

const COMMANDS: ((f: string) => string[])[] = [
  (f) => ['catalog', 'validate', f],
  (f) => ['resolve', '--catalog', f, '--flavor', 'a'],
  (f) => ['proxmox', 'set', f, '--action', 'reset'],
  (f) => ['proxmox', 'show', f],
  (f) => ['xml', 'patch', f, '--action', 'reset', '-i'],
  (f) => ['serve', '--config', f, '--port', '0', '--check'],
  (f) => ['events', 'list', '--journal', f],
  (f) => ['catalog', 'validate', '--policy', f, 'examples/'],
]

describe('hostile files through every reader', () => {
  const dir = tempDir('wd-corpus-')
  for (const [name, bytes] of Object.entries(CORPUS)) writeFileSync(join(dir, name), bytes)

  it.each(Object.keys(CORPUS))(
    '%s',
    (name) => {
      const file = join(dir, name)
      for (const args of COMMANDS) {
        const before = readFileSync(file)
        const r = spawnSync(process.execPath, ['--max-old-space-size=256', `${root}bin/run.js`, ...args(file)], {
          cwd: root,
          encoding: 'utf8',
          timeout: 30_000,
          maxBuffer: 64 << 20,
          env: {...process.env, NODE_OPTIONS: ''},
        })
        const what = `wd ${args(name).join(' ')}`
        expect([what, r.signal]).toEqual([what, null])
        expect([what, [0, 1, 2]]).toEqual([what, expect.arrayContaining([r.status])])
        expect([what, r.stderr]).not.toEqual([what, expect.stringMatching(/\n\s+at |TypeError|RangeError|FATAL ERROR/)])
        if (r.status === 2) {
          expect([what, r.stderr]).toEqual([what, expect.stringMatching(/^(warning: .*\n)*wd: /)])
          expect([what, readFileSync(file).equals(before)]).toEqual([what, true])
        }
        expect(r.stdout.length + r.stderr.length).toBeLessThan(1 << 20)
      }
    },
    120_000,
  )
})
