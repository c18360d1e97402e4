/**
 * The file editors (`wd proxmox set|unset`, `wd xml patch --in-place`) on files as they really are: odd line ends,
 * bytes that are not UTF-8, symlinks, modes and owners, read-only places, and files that are not what they claim.
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import net from 'node:net'
import {join} from 'node:path'
import {replaceFile} from '../../src/fs/replace-file.js'
import {fixture, root, wd, wdJson} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const tmp = () => tempDir('wd-editors-')
const conf = (bytes: Buffer | string, name = '101.conf') => {
  const dir = tmp()
  writeFileSync(join(dir, name), bytes)
  return {dir, path: join(dir, name)}
}
const FIXTURE = readFileSync(fixture('proxmox-101.conf'))
// write_vm_config sorts the main section's keys: the watchdog line goes after vmgenid
const WITH_RESET = FIXTURE.toString('latin1').replace(/^(vmgenid: .*\n)/m, '$1watchdog: model=i6300esb,action=reset\n')

describe('wd proxmox set|unset: every byte outside the watchdog line is kept', () => {
  it('refuses lone-CR line ends and binary files with exit 2, the file untouched', () => {
    for (const bytes of [
      Buffer.from('cores: 2\rmemory: 4096\rname: web-01\r'),
      Buffer.from(Array.from({length: 2000}, (_, i) => (i * 7919) % 256)),
    ]) {
      const {path} = conf(bytes)
      const r = wd(['proxmox', 'set', path, '--action', 'reset'])
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/^wd: .*101\.conf:1:\d+: not a Proxmox VE config: .*; the file is left untouched\n$/)
      expect(readFileSync(path).equals(bytes)).toBe(true)
    }
  })

  it('keeps bytes that are not UTF-8 (\\xe9, \\xff\\xfe in the description) exactly', () => {
    const original = Buffer.concat([
      Buffer.from('#Caf'),
      Buffer.from([0xe9, 0x20, 0xff, 0xfe]),
      Buffer.from('\n'),
      FIXTURE,
    ])
    const {path} = conf(original)
    expect(wd(['proxmox', 'set', path, '--action', 'reset']).status).toBe(0)
    const expected = Buffer.concat([
      Buffer.from('#Caf'),
      Buffer.from([0xe9, 0x20, 0xff, 0xfe]),
      Buffer.from('\n'),
      Buffer.from(WITH_RESET, 'latin1'),
    ])
    expect(readFileSync(path).equals(expected)).toBe(true)
    expect(wd(['proxmox', 'unset', path]).status).toBe(0)
    expect(readFileSync(path).equals(original)).toBe(true)
  })

  it('follows a symlink: the target is edited and the link stays a link', () => {
    const dir = tmp()
    mkdirSync(join(dir, 'real'))
    copyFileSync(fixture('proxmox-101.conf'), join(dir, 'real', '101.conf'))
    symlinkSync(join(dir, 'real', '101.conf'), join(dir, '101.conf'))
    expect(wd(['proxmox', 'set', '101', '--dir', dir, '--action', 'reset']).status).toBe(0)
    expect(lstatSync(join(dir, '101.conf')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dir, 'real', '101.conf'), 'latin1')).toBe(WITH_RESET)
  })

  it('keeps mode (664, 666) and owner', () => {
    for (const mode of [0o664, 0o666]) {
      const {path} = conf(FIXTURE)
      chmodSync(path, mode)
      chownSync(path, 1234, 2345)
      expect(wd(['proxmox', 'set', path, '--action', 'pause']).status).toBe(0)
      const after = statSync(path)
      expect([after.mode & 0o7777, after.uid, after.gid]).toEqual([mode, 1234, 2345])
    }
  })

  it('an empty watchdog value is invalid, at its place; a BOM hides no watchdog line; no final newline stays so', () => {
    const empty = conf('cores: 2\nwatchdog: \n')
    const show = wd(['proxmox', 'show', empty.path])
    expect(show.status).toBe(1)
    expect(show.stderr).toBe(`wd: ${empty.path}:2:11: the watchdog line has no value; Proxmox refuses it\n`)

    const bom = conf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('watchdog: model=ib700\ncores: 2\n')]))
    expect(wdJson(['proxmox', 'show', bom.path])).toMatchObject({device: {model: 'ib700'}})
    expect(wd(['proxmox', 'set', bom.path, '--action', 'reset']).status).toBe(0)
    expect(readFileSync(bom.path).toString('latin1')).toBe(
      '\u00ef\u00bb\u00bfwatchdog: model=i6300esb,action=reset\ncores: 2\n',
    )

    const last = conf('cores: 2\nmemory: 4096')
    expect(wd(['proxmox', 'set', last.path, '--action', 'reset']).status).toBe(0)
    expect(readFileSync(last.path, 'utf8')).toBe('cores: 2\nmemory: 4096\nwatchdog: model=i6300esb,action=reset')
    expect(wd(['proxmox', 'unset', last.path]).status).toBe(0)
    expect(readFileSync(last.path, 'utf8')).toBe('cores: 2\nmemory: 4096')
  })

  it('a directory wd may not write to: one wd: line, exit 2, the file untouched', () => {
    const {dir, path} = conf(FIXTURE)
    chmodSync(path, 0o644)
    chmodSync(dir, 0o555)
    // root writes anywhere: run as nobody, as an operator without rights would
    const r = spawnSync(process.execPath, [`${root}bin/run.js`, 'proxmox', 'set', path, '--action', 'reset'], {
      encoding: 'utf8',
      uid: 65534,
      gid: 65534,
      env: {...process.env, NODE_OPTIONS: '', HOME: '/tmp'},
    })
    expect(r.stderr).toBe(
      `wd: cannot write ${path}: permission denied\nhint: wd writes a temp file beside it and renames it: the directory must be writable too\n`,
    )
    expect(r.status).toBe(2)
    expect(readFileSync(path).equals(FIXTURE)).toBe(true)
  })

  it('show names the file and line of a bad action and suggests the right one; --dry-run writes nothing', () => {
    const {path} = conf('cores: 2\nwatchdog: model=i6300esb,action=Reset\n')
    const show = wd(['proxmox', 'show', path])
    expect(show.status).toBe(1)
    expect(show.stderr).toBe(
      `wd: ${path}:2:11: Proxmox watchdog action 'Reset' is not one of: reset, shutdown, poweroff, pause, debug, none; did you mean 'reset'?\n` +
        'hint: write action=reset (Proxmox is case-sensitive)\n',
    )
    const dry = wd(['proxmox', 'set', path, '--action', 'reset', '--dry-run'])
    expect([dry.status, dry.stdout]).toEqual([0, `${path}: would write watchdog: model=i6300esb,action=reset\n`])
    expect(readFileSync(path, 'utf8')).toBe('cores: 2\nwatchdog: model=i6300esb,action=Reset\n')
  })
})

describe('wd xml patch: bytes, line ends and refusals', () => {
  const domain = (eol: string, extra = '') =>
    `<domain type='kvm'>${eol}  <name>x${extra}</name>${eol}  <devices>${eol}    <serial type='pty'/>${eol}  </devices>${eol}</domain>${eol}`

  it("inserts the watchdog with the file's own line end: CRLF and lone CR", () => {
    for (const eol of ['\r\n', '\r']) {
      const dir = tmp()
      writeFileSync(join(dir, 'd.xml'), domain(eol))
      const r = wd(['xml', 'patch', join(dir, 'd.xml'), '--action', 'reset', '-i'])
      expect(r.status).toBe(0)
      expect(readFileSync(join(dir, 'd.xml'), 'utf8')).toBe(
        domain(eol).replace(`  </devices>`, `    <watchdog model='i6300esb' action='reset'/>${eol}  </devices>`),
      )
    }
  })

  it('keeps ISO-8859-1 bytes as they are', () => {
    const dir = tmp()
    const latin = Buffer.from(`<?xml version='1.0' encoding='ISO-8859-1'?>\n${domain('\n', '\u00e9')}`, 'latin1')
    writeFileSync(join(dir, 'd.xml'), latin)
    expect(wd(['xml', 'patch', join(dir, 'd.xml'), '--action', 'pause', '-i']).status).toBe(0)
    const after = readFileSync(join(dir, 'd.xml'))
    expect(after.includes(Buffer.from([0x78, 0xe9, 0x3c]))).toBe(true) // x, é as one byte, <
    expect(after.toString('latin1')).toContain("<watchdog model='i6300esb' action='pause'/>")
  })

  it('says what UTF-16 input is, and names the file, line and column of XML that is not well-formed', () => {
    const dir = tmp()
    writeFileSync(
      join(dir, 'u16.xml'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(domain('\n'), 'utf16le')]),
    )
    const u16 = wd(['xml', 'patch', join(dir, 'u16.xml'), '--action', 'reset'])
    expect(u16.status).toBe(2)
    expect(u16.stderr).toMatch(
      /^wd: .*u16\.xml is UTF-16; wd edits domain XML in UTF-8.*\nhint: convert it first: iconv/,
    )
    writeFileSync(join(dir, 'bad.xml'), "<domain type='kvm'>\n  <devices>\n</domain>\n")
    const bad = wd(['xml', 'patch', join(dir, 'bad.xml'), '--action', 'reset'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(new RegExp(`^wd: ${dir}/bad\\.xml:3:\\d+: the domain XML is not well-formed: `))
  })

  it('refuses to replace a file that changed while wd worked on it (WD_FILE_CHANGED)', async () => {
    const dir = tmp()
    const path = join(dir, 'd.xml')
    writeFileSync(path, domain('\n'))
    const read = readFileSync(path)
    writeFileSync(path, domain('\n', ' changed by someone else'))
    await expect(replaceFile(path, read, Buffer.from('mine'))).rejects.toMatchObject({code: 'WD_FILE_CHANGED'})
    expect(readFileSync(path, 'utf8')).toBe(domain('\n', ' changed by someone else'))
  })
})

describe('every editor refuses what is not a regular file, and leaves it as it was', () => {
  /** A character device (the numbers of /dev/null), a FIFO, a socket and a directory, each named like a config. */
  async function specials(
    dir: string,
    name: string,
  ): Promise<{path: string; kind: string; is: (p: string) => boolean}[]> {
    const at = (what: string) => join(dir, what, name)
    for (const what of ['char', 'fifo', 'socket', 'dir']) mkdirSync(join(dir, what))
    expect(spawnSync('mknod', [at('char'), 'c', '1', '3']).status).toBe(0)
    expect(spawnSync('mkfifo', [at('fifo')]).status).toBe(0)
    const server = net.createServer()
    await new Promise<void>((r) => server.listen(at('socket'), r))
    server.unref()
    mkdirSync(at('dir'))
    return [
      {path: at('char'), kind: 'a character device', is: (p) => lstatSync(p).isCharacterDevice()},
      {path: at('fifo'), kind: 'a FIFO', is: (p) => lstatSync(p).isFIFO()},
      {path: at('socket'), kind: 'a socket', is: (p) => lstatSync(p).isSocket()},
      {path: at('dir'), kind: 'a directory', is: (p) => lstatSync(p).isDirectory()},
    ]
  }
  // a FIFO nobody writes to would block a reader for ever: each run has a deadline, so a hang fails the test
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [`${root}bin/run.js`, ...args], {
      encoding: 'utf8',
      timeout: 15_000,
      env: {...process.env, NODE_OPTIONS: ''},
    })
    return {status: r.status, stderr: r.stderr}
  }

  it('proxmox set and unset, xml patch --in-place: exit 2, WD_FILE_REFUSED, the node untouched', async () => {
    const dir = tmp()
    for (const s of await specials(dir, '101.conf')) {
      for (const args of [
        ['proxmox', 'set', s.path, '--action', 'reset'],
        ['proxmox', 'unset', s.path],
        ['xml', 'patch', s.path, '--action', 'reset', '--in-place'],
      ]) {
        const r = run(args)
        expect([args.join(' '), r.status, r.stderr]).toEqual([
          args.join(' '),
          2,
          `wd: ${s.path} is ${s.kind}, not a regular file: wd edits only regular files; it is left untouched\n`,
        ])
        expect([s.path, s.is(s.path)]).toEqual([s.path, true])
      }
    }
    // a symlink is followed: to a device it is refused the same way, and both stay as they were
    const link = join(dir, '102.conf')
    symlinkSync(join(dir, 'char', '101.conf'), link)
    expect(run(['proxmox', 'set', link, '--action', 'reset']).status).toBe(2)
    expect([lstatSync(link).isSymbolicLink(), statSync(link).isCharacterDevice()]).toEqual([true, true])
  })

  it('a device read without --in-place is read up to the limit, never for ever (a copy of /dev/zero)', () => {
    const zero = join(tmp(), 'zero')
    expect(spawnSync('mknod', [zero, 'c', '1', '5']).status).toBe(0)
    const r = run(['xml', 'patch', zero, '--action', 'reset'])
    expect([r.status, r.stderr]).toEqual([2, `wd: ${zero} is larger than 16777216 bytes\n`])
  })

  it('the one writer refuses too, whoever calls it', async () => {
    const dir = tmp()
    for (const s of (await specials(dir, 'x')).filter((x) => x.kind !== 'a FIFO')) {
      await expect(replaceFile(s.path, Buffer.alloc(0), Buffer.from('x'))).rejects.toMatchObject({
        code: 'WD_FILE_REFUSED',
      })
      expect(s.is(s.path)).toBe(true)
    }
  })
})
