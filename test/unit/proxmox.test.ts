import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseConfig, pendingWatchdog, readWatchdog, withWatchdog} from '../../src/proxmox/config-file.js'
import {monitorArgs, recordedSocket, withMonitor} from '../../src/proxmox/record-monitor.js'
import {pendingOption, setOption} from '../../src/proxmox/qm-set.js'
import {replaceFile} from '../../src/fs/replace-file.js'
import {tempDir} from '../helpers/gates.js'

const fixture = readFileSync(new URL('../fixtures/proxmox-101.conf', import.meta.url), 'utf8')
const lines = (t: string) => t.split('\n')

describe('Proxmox config editing', () => {
  it('inserts the watchdog line where Proxmox sorts it, in the main section only', () => {
    const out = withWatchdog(fixture, {model: 'i6300esb', action: 'reset'})
    const before = lines(fixture)
    const after = lines(out)
    const at = before.indexOf('vmgenid: 0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b')
    expect(after).toEqual([
      ...before.slice(0, at + 1),
      'watchdog: model=i6300esb,action=reset',
      ...before.slice(at + 1),
    ])
    expect(readWatchdog(parseConfig(out))).toEqual({model: 'i6300esb', action: 'reset'})
  })

  it("replaces an existing line and removes it, leaving snapshots' watchdog lines alone", () => {
    const set = withWatchdog(fixture, {model: 'ib700', action: 'poweroff'})
    const replaced = withWatchdog(set, {model: 'i6300esb', action: 'pause'})
    expect(lines(replaced).filter((l) => l.startsWith('watchdog:'))).toEqual([
      'watchdog: model=i6300esb,action=pause',
      'watchdog: model=i6300esb,action=pause', // the [before-upgrade] snapshot's own line, as it was
    ])
    expect(withWatchdog(replaced, undefined)).toBe(fixture)
    expect(withWatchdog(fixture, undefined)).toBe(fixture)
  })

  it('keeps CRLF line ends and a last line without a newline', () => {
    const crlf = 'boot: order=scsi0\r\ncores: 1\r\n'
    expect(withWatchdog(crlf, {model: 'i6300esb', action: 'none'})).toBe(
      'boot: order=scsi0\r\ncores: 1\r\nwatchdog: model=i6300esb,action=none\r\n',
    )
    // a file without a final newline keeps that style, so unset gives it back byte for byte
    expect(withWatchdog('cores: 1', {model: 'i6300esb'})).toBe('cores: 1\nwatchdog: model=i6300esb')
    expect(withWatchdog('#just a description\n\n[PENDING]\ncores: 2\n', {model: 'i6300esb', action: 'reset'})).toBe(
      '#just a description\nwatchdog: model=i6300esb,action=reset\n\n[PENDING]\ncores: 2\n',
    )
  })

  it('reads what is pending, and refuses a main section with two watchdog lines', () => {
    expect(pendingWatchdog(parseConfig(fixture))).toBeUndefined()
    expect(pendingWatchdog(parseConfig('[PENDING]\ndelete: cores;!watchdog\n'))).toBe('deleted')
    expect(pendingWatchdog(parseConfig('[PENDING]\nwatchdog: ib700\n'))).toBe("set to 'ib700'")
    expect(() => parseConfig('watchdog: i6300esb\nwatchdog: ib700\n')).toThrow(/two 'watchdog:' lines/)
  })

  it('after set or unset, every line but the watchdog line is byte-identical (property, random configs)', () => {
    const key = fc.constantFrom(
      'agent',
      'boot',
      'cores',
      'memory',
      'name',
      'net0',
      'scsi0',
      'vga',
      'args',
      'tags',
      'zz9',
    )
    const value = fc.string({minLength: 1, maxLength: 20, unit: fc.constantFrom(...'abc=,;: 0123%-_/'.split(''))})
    const keyLine = fc.tuple(key, value).map(([k, v]) => `${k}: ${v}`)
    const comment = value.map((v) => `#${v}`)
    const mainLines = fc.array(fc.oneof(keyLine, comment, fc.constant('')), {maxLength: 12})
    const section = fc.tuple(
      fc.constantFrom('[PENDING]', '[special:cloudinit]', '[snap1]', '[pending]'),
      fc.array(fc.oneof(keyLine, fc.constant('delete: watchdog,!cores'), fc.constant('watchdog: ib700')), {
        maxLength: 5,
      }),
    )
    const file = fc
      .tuple(mainLines, fc.array(section, {maxLength: 3}), fc.constantFrom('\n', '\r\n'), fc.boolean())
      .map(([main, sections, eol, trailing]) => {
        const all = [...main.filter((l) => !l.startsWith('watchdog')), ...sections.flatMap(([h, ls]) => ['', h, ...ls])]
        return all.join(eol) + (trailing && all.length ? eol : '')
      })
    const watchdog = fc.option(
      fc.record({
        model: fc.constantFrom('i6300esb' as const, 'ib700' as const),
        action: fc.constantFrom('reset' as const, 'debug' as const),
      }),
      {nil: undefined},
    )
    fc.assert(
      fc.property(file, watchdog, (text, w) => {
        const out = withWatchdog(text, w)
        const others = (t: string) =>
          parseConfig(t)
            .lines.filter((l) => !(l.section === undefined && l.key === 'watchdog'))
            .map((l) => l.text + l.eol)
        // the same lines apart from the watchdog line, except that a last line may have gained its newline
        const a = others(text)
        const b = others(out)
        expect(b.length).toBe(a.length)
        b.forEach((l, i) => expect(l === a[i] || l === a[i] + '\n' || l === a[i] + '\r\n').toBe(true))
        expect(readWatchdog(parseConfig(out))).toEqual(w)
        expect(withWatchdog(out, w)).toBe(out)
      }),
      {numRuns: 500},
    )
  })
})

describe('one option changed as qm set changes it', () => {
  const W = 'model=i6300esb,action=reset'

  it('a running guest: [PENDING] is made after the main section, kept sorted, and goes when it is empty again', () => {
    const plain = 'boot: order=scsi0\ncores: 1\n'
    const set = setOption(plain, 'watchdog', W, true)
    expect(set).toBe(`${plain}\n[PENDING]\nwatchdog: ${W}\n`)
    expect(pendingOption(set, 'watchdog')).toBe(W)
    expect(setOption(set, 'watchdog', undefined, true)).toBe(plain)
    // before the other sections, with their blank line kept theirs
    const sections = `${plain}\n[special:cloudinit]\nipconfig0: ip=dhcp\n\n[snap]\ncores: 1\n`
    const inserted = setOption(sections, 'watchdog', W, true)
    expect(inserted).toBe(sections.replace('\n[special', `\n[PENDING]\nwatchdog: ${W}\n\n[special`))
    expect(setOption(inserted, 'watchdog', undefined, true)).toBe(sections)
    // an existing [pending] (any case) gets the line in its sorted place; the operator's lines stay
    const theirs = `${plain}\n[pending]\nargs: -no-hpet\nmemory: 2048\nzz: 1\n`
    expect(setOption(theirs, 'watchdog', W, true)).toBe(theirs.replace('zz: 1', `watchdog: ${W}\nzz: 1`))
    // CRLF, and a file without a final newline, stay so
    const crlf = 'cores: 1\r\n'
    expect(setOption(crlf, 'watchdog', W, true)).toBe(`cores: 1\r\n\r\n[PENDING]\r\nwatchdog: ${W}\r\n`)
    expect(setOption(setOption('cores: 1', 'watchdog', W, true), 'watchdog', undefined, true)).toBe('cores: 1')
  })

  it('a running guest: deleting a current value is a pending delete; setting it again takes the delete back', () => {
    const running = `cores: 1\nwatchdog: ${W}\n`
    const deleted = setOption(running, 'watchdog', undefined, true)
    expect(deleted).toBe(`${running}\n[PENDING]\ndelete: watchdog\n`)
    expect(pendingOption(deleted, 'watchdog')).toBeNull()
    // into an existing delete: line, sorted; the operator's force marks and order kept
    const others = `${running}\n[PENDING]\ndelete: !cores,tablet\n`
    expect(setOption(others, 'watchdog', undefined, true)).toBe(others.replace('tablet', 'tablet,watchdog'))
    // the same value again: nothing pending (cleanup_pending); a value only pending: just goes
    expect(setOption(deleted, 'watchdog', W, true)).toBe(running)
    expect(setOption('cores: 1\n\n[PENDING]\nwatchdog: ib700\n', 'watchdog', undefined, true)).toBe('cores: 1\n')
    expect(setOption('cores: 1\n', 'watchdog', undefined, true)).toBe('cores: 1\n')
  })

  it('a stopped guest: the main section, and what was pending for that option goes', () => {
    const pending = `cores: 1\n\n[PENDING]\ndelete: watchdog\nmemory: 2048\nwatchdog: ib700\n`
    expect(setOption(pending, 'watchdog', W, false)).toBe(`cores: 1\nwatchdog: ${W}\n\n[PENDING]\nmemory: 2048\n`)
    expect(setOption(`cores: 1\nwatchdog: ${W}\n`, 'watchdog', undefined, false)).toBe('cores: 1\n')
  })

  it('set then delete gives every random config without the option back, running or not (property)', () => {
    const line = fc.constantFrom('cores: 2', 'memory: 512', 'args: -no-hpet', '#a description', '', 'delete: tablet')
    const file = fc
      .tuple(
        fc.array(
          line.filter((l) => !l.startsWith('delete')),
          {maxLength: 6},
        ),
        // a [PENDING] with nothing in it is no file qemu-server writes: wd removes one it has emptied
        fc.option(
          fc.array(line, {minLength: 1, maxLength: 4}).filter((p) => p.some((l) => l !== '')),
          {nil: undefined},
        ),
        fc.boolean(),
        fc.constantFrom('\n', '\r\n'),
      )
      .map(([main, pending, snap, eol]) =>
        [...main, ...(pending ? ['', '[PENDING]', ...pending] : []), ...(snap ? ['', '[snap]', 'cores: 1'] : [])]
          .join(eol)
          .concat(main.length || pending || snap ? eol : ''),
      )
    fc.assert(
      fc.property(file, fc.boolean(), (text, running) => {
        const set = setOption(text, 'watchdog', W, running)
        expect(pendingOption(set, 'watchdog')).toBe(running ? W : undefined)
        expect(setOption(set, 'watchdog', undefined, running)).toBe(text)
      }),
      {numRuns: 500},
    )
  })
})

describe('replaceFile', () => {
  it('replaces atomically, keeping the mode, and refuses a file that changed since it was read', async () => {
    const dir = tempDir('wd-pve-')
    const path = join(dir, '101.conf')
    writeFileSync(path, 'cores: 1\n', {mode: 0o640})
    await replaceFile(path, Buffer.from('cores: 1\n'), Buffer.from('cores: 2\n'))
    expect(readFileSync(path, 'utf8')).toBe('cores: 2\n')
    await expect(replaceFile(path, Buffer.from('cores: 1\n'), Buffer.from('cores: 3\n'))).rejects.toMatchObject({
      code: 'WD_FILE_CHANGED',
    })
    expect(readFileSync(path, 'utf8')).toBe('cores: 2\n')
    const {readdirSync, statSync} = await import('node:fs')
    expect(readdirSync(dir)).toEqual(['101.conf']) // no temp file left behind
    expect(statSync(path).mode & 0o777).toBe(0o640)
  })
})

describe("wd's own QMP monitor in args:", () => {
  const own = (sock: string) =>
    `-chardev socket,id=wd-qmp,path=${sock},server=on,wait=off -mon chardev=wd-qmp,mode=control`

  it("adds it after the operator's arguments, finds it, and takes only it away", () => {
    const mine = '-cpu host,+kvm_pv_unhalt  -device virtio-rng-pci'
    const added = withMonitor(mine, '/run/wd/qmp/101.sock')
    expect(added).toBe(`${mine} ${own('/run/wd/qmp/101.sock')}`)
    expect(recordedSocket(added)).toBe('/run/wd/qmp/101.sock')
    // again: nothing changes, wherever the operator moved it
    expect(withMonitor(added, '/run/wd/qmp/101.sock')).toBe(added)
    const moved = `${own('/run/wd/qmp/101.sock')} ${mine}`
    expect(withMonitor(moved, '/run/wd/qmp/101.sock')).toBe(moved)
    // another directory: the old one goes, the new one comes
    expect(withMonitor(added, '/srv/wd/101.sock')).toBe(`${mine} ${own('/srv/wd/101.sock')}`)
    expect(withMonitor(added, null)).toBe(mine)
    expect(withMonitor(own('/run/wd/qmp/101.sock'), null)).toBeUndefined()
    expect(withMonitor(undefined, '/run/wd/qmp/7.sock')).toBe(own('/run/wd/qmp/7.sock'))
    // the operator's own chardevs and monitors are not wd's
    const theirs = '-chardev socket,id=mon2,path=/tmp/m.sock,server=on,wait=off -mon chardev=mon2,mode=control'
    expect(withMonitor(theirs, null)).toBe(theirs)
  })

  it('refuses a path QEMU or Proxmox would read otherwise, or too long for a unix socket', () => {
    for (const bad of ['run/wd/1.sock', '/run/wd,x/1.sock', '/run/w d/1.sock', "/run/'wd'/1.sock", '/run/wd/../1.sock'])
      expect(() => monitorArgs(bad)).toThrow(/not one QEMU and Proxmox read as it is written/)
    expect(() => monitorArgs(`/${'a'.repeat(110)}.sock`)).toThrow(/107 at most/)
  })
})
