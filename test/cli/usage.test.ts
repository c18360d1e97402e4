/** What a new user meets first: usage errors, misspelled commands, -h, version. One line and a hint, exit 2. */
import {describe, expect, it} from '@jest/globals'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempDir} from '../helpers/gates.js'
import {fixture, root, wd, wdJson} from '../helpers/cli.js'

describe('usage errors are one line and a hint, exit 2', () => {
  it.each([
    [['resolve', '--bogus'], 'unknown flag: --bogus', 'see: wd resolve --help'],
    [['flavor', 'set', 'm1.small'], 'missing required flag --action (or --property)', 'see: wd flavor set --help'],
    [
      ['image', 'set', 'img', '--action', 'reset', '--property', 'hw_watchdog_action=reset'],
      '--property and --action cannot be given together',
      'see: wd image set --help',
    ],
    [['flavor', 'set'], 'missing argument: FLAVOR', 'see: wd flavor set --help'],
    [['catalog', 'validate'], 'missing argument: PATH', 'see: wd catalog validate --help'],
    [
      ['resolve', '-f', 'nope'],
      'Expected --format=nope to be one of: text, json, yaml, libvirt, proxmox, qemu, cloud-init',
      'see: wd resolve --help',
    ],
  ])('wd %j', (args, message, hint) => {
    const r = wd(args)
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `wd: ${message}\nhint: ${hint}\n`])
  })

  it('with --json the same error is the short {"error": …} document on stdout', () => {
    for (const args of [
      ['resolve', '--bogus', '--json'],
      ['catalog', 'validate', '--json'],
      ['flavor', 'set', 'x', '--json'],
    ]) {
      const r = wd(args)
      expect(r.status).toBe(2)
      const doc = JSON.parse(r.stdout) as {error: Record<string, string>}
      expect(Object.keys(doc)).toEqual(['error'])
      expect(doc.error).toMatchObject({
        code: 'WD_USAGE',
        hint: expect.stringMatching(/^see: wd .* --help$/) as unknown as string,
      })
      expect(r.stdout.split('\n').length).toBeLessThan(10)
    }
  })
})

describe('nothing passes silently', () => {
  it('a device format with no device says so on stderr', () => {
    const r = wd(['resolve', '--image-prop', 'hw_watchdog_action=disabled', '-f', 'libvirt'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      0,
      '',
      'no watchdog device (from image); nothing to print as libvirt\n',
    ])
  })

  it("the package's library entry point exists and resolves as the CLI does", async () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {exports: string}
    const lib = (await import(`${root}${pkg.exports}`)) as typeof import('../../src/index.js')
    expect(lib.resolve({flavor: {'hw:watchdog_action': 'reset'}}).device).toEqual({model: 'i6300esb', action: 'reset'})
    // the application layer, as the README shows it: the same value as the CLI's --json
    const request = {flavorSpecs: {'hw:watchdog_action': 'reset'}, imageProperties: {hw_watchdog_action: 'poweroff'}}
    const cli = wdJson([
      'resolve',
      '--flavor-spec',
      'hw:watchdog_action=reset',
      '--image-prop',
      'hw_watchdog_action=poweroff',
    ])
    expect(await lib.resolveRequest(request)).toEqual(cli)
    const guest = fixture('proxmox-101.conf')
    const {change} = await lib.changeWatchdog(lib.proxmoxGuestTarget(), guest, {model: 'ib700'}, {dryRun: true})
    expect(change).toMatchObject({changed: true, written: false, after: {device: {model: 'ib700'}}})
  })
})

describe('misspelled commands get the nearest one', () => {
  it.each([
    [
      ['flavour', 'set', 'm1.small', '--action', 'reset'],
      "wd: 'flavour set' is not a wd command; did you mean 'flavor set'?",
    ],
    [['resolv'], "wd: 'resolv' is not a wd command; did you mean 'resolve'?"],
    [['help', 'flavour'], "wd: 'flavour' is not a wd command or topic; did you mean 'flavor'?"],
  ])('wd %j', (args, line) => {
    const r = wd(args)
    expect([r.status, r.stderr]).toEqual([2, `${line}\nhint: see: wd --help\n`])
  })

  it('-h is --help; wd version and -v answer', () => {
    expect(wd(['-h']).stdout).toBe(wd(['--help']).stdout)
    expect(wd(['flavor', 'set', '-h']).stdout).toContain('USAGE\n  $ wd flavor set FLAVOR')
    const v = wd(['version', '--json'])
    expect(JSON.parse(v.stdout)).toMatchObject({version: '0.1.0', node: process.version})
    expect(wd(['-v']).stdout).toMatch(/^wd\/0\.1\.0 /)
  })
})

describe('item 7: help and flags say what is so', () => {
  it("the catalog topic says all it does, not only CI's check", () => {
    const r = wd(['help', 'catalog'])
    expect(r.stdout.split('\n')[0]).toBe('Catalogs of flavors and images: validate (in CI), export, plan and apply')
  })

  it('--os-cloud with a typo gets the cloud meant; where it looked is said once each', () => {
    const dir = tempDir('wd-clouds-')
    writeFileSync(
      join(dir, 'clouds.yaml'),
      'clouds:\n  prod: {auth: {auth_url: "http://x/v3"}}\n  lab: {auth: {auth_url: "http://y/v3"}}\n',
    )
    const home = tempDir('wd-home-')
    const env = {HOME: home, XDG_CONFIG_HOME: join(home, '.config')}
    const typo = wd(['flavor', 'list', '--os-cloud', 'prdo'], undefined, env, dir)
    expect([typo.status, typo.stderr]).toEqual([
      2,
      `wd: no cloud 'prdo' in ${dir}/clouds.yaml\nhint: did you mean 'prod'? clouds: prod, lab\n`,
    ])
    const none = wd(['flavor', 'list'], undefined, env, tempDir('wd-empty-'))
    const looked = /hint: no clouds.yaml in (.*?): use/.exec(none.stderr)![1]!.split(', ')
    expect(looked).toEqual([...new Set(looked)])
    expect(looked).toContain(join(home, '.config', 'openstack'))
  })

  it('--action Reset is told --action reset, as it was given (not the key to write)', () => {
    const r = wd(['flavor', 'set', 'm1.small', '--action', 'Reset'], undefined, {OS_CLOUD: 'nowhere'})
    expect([r.status, r.stderr.split('\n')[1]]).toEqual([1, 'hint: --action reset'])
  })
})
