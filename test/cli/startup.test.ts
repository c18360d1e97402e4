/**
 * Start-up (P5, bench/startup.mjs): what the built `wd` loads for the commands people run most, so that a module a
 * command does not use cannot come back into its start-up unnoticed (the figures themselves are the benchmark's).
 */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {root, wd} from '../helpers/cli.js'

// a loader hook that lists each file the process loads, as it loads it
const listFiles =
  'import {appendFileSync} from "node:fs";' +
  'export async function load(url, context, next) {' +
  '  if (url.startsWith("file:")) appendFileSync(process.env.WD_TEST_FILES, url + "\\n");' +
  '  return next(url, context)' +
  '}'

/**
 * Runs the built wd with `args`; its status, stdout, the names of Node's own modules it loaded (process.moduleLoadList,
 * written at exit) and the files of the bundle (dist/cli/) it loaded (the hook, written to a file: a data: URL inside
 * the data: URL that registers it would be decoded with it).
 */
function startOf(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): {status: number | null; stdout: string; builtins: string[]; files: string[]} {
  const dir = mkdtempSync(join(tmpdir(), 'wd-startup-'))
  try {
    const hooks = join(dir, 'hooks.mjs')
    writeFileSync(hooks, listFiles)
    const modules = join(dir, 'modules.json')
    const files = join(dir, 'files')
    const preload =
      'data:text/javascript,import {register} from "node:module";import {writeFileSync} from "node:fs";' +
      `register(${JSON.stringify(pathToFileURL(hooks).href)});` +
      'process.on("exit", () => writeFileSync(process.env.WD_TEST_MODULES, JSON.stringify(process.moduleLoadList)))'
    const r = spawnSync(process.execPath, ['--import', preload, `${root}bin/run.js`, ...args], {
      cwd: root,
      encoding: 'utf8',
      env: {...process.env, ...env, NODE_OPTIONS: '', WD_TEST_MODULES: modules, WD_TEST_FILES: files},
    })
    const loaded = JSON.parse(readFileSync(modules, 'utf8')) as string[]
    const bundle = pathToFileURL(`${root}dist/cli/`).href
    return {
      status: r.status,
      stdout: r.stdout,
      builtins: loaded.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
      files: readFileSync(files, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith(bundle))
        .map((url) => url.slice(bundle.length)),
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

// what an HTTP client brings (axios, and Node's fetch through axios's fetch adapter): ~50 ms of a ~220 ms start
const HTTP = ['http', 'https', 'tls', 'http2', 'zlib', 'internal/deps/undici/undici']

describe('start-up', () => {
  it('wd resolve of inline values loads no HTTP client, and prints what it always printed', () => {
    const args = ['resolve', '--flavor-spec', 'hw:watchdog_action=reset', '-f', 'cloud-init']
    const r = startOf(args)
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(wd(args).stdout)
    expect(r.builtins.filter((m) => HTTP.includes(m))).toEqual([])
  })

  // axios reads Request and FormData as it loads, which makes Node load its fetch, undici (~5 ms): the bundle edits
  // those reads out (scripts/bundle.mjs), and wd's requests go through axios's http adapter
  it("a command that talks to a cloud loads no undici, Node's fetch", () => {
    const r = startOf(['flavor', 'set', 'm1.small', '--action', 'reset'], {
      // a closed port: the command loads all it needs for the request, then stops at the refused connection
      OS_AUTH_URL: 'http://127.0.0.1:9/v3',
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_PROJECT_NAME: 'p',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_CLOUD: '',
    })
    expect(r.status).toBe(2)
    expect(r.builtins).toContain('http')
    expect(r.builtins.filter((m) => m.includes('undici'))).toEqual([])
  })

  // Node pays ~0.5 ms for each file it loads: esbuild's split had wd resolve read 30 (scripts/bundle.mjs regroups)
  const start = ['bin/entry.js', 'chunks/core.js']
  it.each([
    [
      'wd resolve of inline values',
      ['resolve', '--flavor-spec', 'hw:watchdog_action=reset', '-f', 'json'],
      [...start, 'chunks/resolve.js', 'commands/resolve.js'],
    ],
    ['wd --help', ['--help'], [...start, 'commands/_shared/help.js']],
    ['wd resolve --help', ['resolve', '--help'], [...start, 'commands/_shared/help.js']],
  ])('%s reads its start and its command from a few files of the bundle', (_, args, files) => {
    const r = startOf(args)
    expect(r.status).toBe(0)
    expect([...r.files].sort()).toEqual(files)
  })

  // the bundle no longer sorts the commands at every start (scripts/bundle.mjs): the manifest holds oclif's order
  it('oclif.manifest.json lists the commands in the order oclif sorted them into at start', () => {
    const ids = Object.keys(
      (JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8')) as {commands: object}).commands,
    )
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)))
  })

  // the platform in it is oclif's WSL check, which the bundle makes without the rest of wsl-utils
  it('wd --version names the platform as oclif does', () => {
    const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {version: string}
    const r = wd(['--version'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      0,
      `wd/${version} linux-${process.arch} node-${process.version}\n`,
      '',
    ])
  })
})
