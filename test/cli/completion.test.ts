/** Shell completion: flags after arguments, values of flags and arguments, through the real bash script. */
import {describe, expect, it} from '@jest/globals'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {root, wd} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'

const complete = (...words: string[]) =>
  wd(['__complete', '--', ...words])
    .stdout.trim()
    .split('\n')

describe('wd __complete', () => {
  it('completes commands, flags after an argument, and values', () => {
    expect(complete('fla')).toEqual(['flavor'])
    expect(complete('flavor', '')).toEqual(['list', 'set', 'show', 'unset'])
    expect(complete('flavor', 'set', 'm1.small', '--ac')).toEqual(['--action'])
    expect(complete('flavor', 'set', 'm1.small', '--action', '')).toEqual([
      'none',
      'pause',
      'poweroff',
      'reset',
      'disabled',
    ])
    expect(complete('flavor', 'list', '-f', '')).toEqual(['table', 'json', 'yaml', 'value', 'csv'])
    expect(complete('schema', 'export', 'ca')).toEqual(['catalog', 'catalog-report', 'catalog-plan', 'catalog-apply'])
    expect(complete('proxmox', 'set', '101', '--action', 'p')).toEqual(['poweroff', 'pause'])
    expect(complete('catalog', 'validate', '--policy', '')).toEqual([':file'])
    // zsh and fish pass --flag=value as one word: the candidates keep the flag
    expect(complete('resolve', '--format=j')).toEqual(['--format=json'])
  })
})

/** A directory with a `wd` on PATH that runs this checkout's build, as an installed wd would. */
function wdOnPath(): string {
  const bin = tempDir('wd-bin-')
  writeFileSync(join(bin, 'wd'), `#!/bin/sh\nexec "${process.execPath}" "${root}bin/run.js" "$@"\n`)
  chmodSync(join(bin, 'wd'), 0o755)
  return bin
}

const shellEnv = (bin: string) => ({...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_OPTIONS: ''})

describe('wd completion bash', () => {
  it('the script, sourced in a real bash, fills COMPREPLY from wd', () => {
    const bin = wdOnPath()
    const script = wd(['completion', 'bash']).stdout
    /**
     * What bash hands a completion function for a line typed up to the cursor: COMP_LINE and COMP_POINT, and
     * COMP_WORDS split at blanks and at each of COMP_WORDBREAKS' '=' and ':', which stand as words of their own.
     */
    const run = (line: string) => {
      const words = line.split(/\s+/).flatMap((w) => w.split(/([=:])/).filter((p) => p !== ''))
      if (/\s$/.test(line)) words.push('')
      const quoted = (w: string) => `'${w}'`
      const program =
        `${script}\nCOMP_LINE=${quoted(line)}; COMP_POINT=${line.length}\n` +
        `COMP_WORDS=(${words.map(quoted).join(' ')}); COMP_CWORD=${words.length - 1}\n` +
        `_wd; printf '%s\\n' "\${COMPREPLY[@]}"`
      const r = spawnSync('bash', ['-c', program], {encoding: 'utf8', env: shellEnv(bin)})
      return r.stdout.trim().split('\n')
    }
    expect(run('wd flavor set m1.small --ac')).toEqual(['--action'])
    expect(run('wd flavor set m1.small --action po')).toEqual(['poweroff'])
    expect(run('wd resolve -f li')).toEqual(['libvirt'])
    // the value after '=' is completed, never a file name; bash inserts it after the '='
    expect(run('wd resolve --format=j')).toEqual(['json'])
    expect(run('wd flavor set m1.small --action=po')).toEqual(['poweroff'])
    expect(run('wd flavor set m1.small --action=')).toEqual(['none', 'pause', 'poweroff', 'reset', 'disabled'])
    // the keys Nova reads, with their values; bash replaces only the piece after the last ':' or '='
    expect(run('wd resolve --flavor-spec hw:watchdog_action=re')).toEqual(['reset'])
    expect(run('wd resolve --flavor-spec hw:')).toEqual([
      'watchdog_action=none',
      'watchdog_action=pause',
      'watchdog_action=poweroff',
      'watchdog_action=reset',
      'watchdog_action=disabled',
    ])
    expect(run('wd resolve --image-prop hw_w')).toEqual([
      'hw_watchdog_action=none',
      'hw_watchdog_action=pause',
      'hw_watchdog_action=poweroff',
      'hw_watchdog_action=reset',
      'hw_watchdog_action=disabled',
    ])
    // a flavor's or an image's name is no file: nothing is offered without a cloud
    expect(run('wd flavor set ')).toEqual([''])
    expect(run('wd image show j')).toEqual([''])
  })
})

describe('wd completion zsh and fish', () => {
  it("fish's own completion engine (complete -C) asks wd through the script", () => {
    const bin = wdOnPath()
    const dir = tempDir('wd-fish-')
    writeFileSync(join(dir, 'wd.fish'), wd(['completion', 'fish']).stdout)
    const run = (line: string) => {
      const r = spawnSync('fish', ['--no-config', '-c', `source ${join(dir, 'wd.fish')}; complete -C '${line}'`], {
        encoding: 'utf8',
        env: shellEnv(bin),
      })
      return r.stdout.trim().split('\n')
    }
    expect(run('wd flavor set m1.small --action po')).toEqual(['poweroff'])
    expect(run('wd resolve --format=j')).toEqual(['--format=json'])
    expect(run('wd resolve --flavor-spec hw:watchdog_action=p')).toEqual([
      'hw:watchdog_action=pause',
      'hw:watchdog_action=poweroff',
    ])
  })

  it('the zsh script hands compadd what wd offers for the words zsh gives it', () => {
    const bin = wdOnPath()
    const script = wd(['completion', 'zsh']).stdout
    // compadd and _files are zsh's completion builtins: here they print what they are given (compdef is a no-op)
    const run = (...words: string[]) => {
      const program =
        `compdef() { :; }; compadd() { shift; print -l -- "$@"; }; _files() { print :files; }\n${script}\n` +
        `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _wd`
      const r = spawnSync('zsh', ['-f', '-c', program], {encoding: 'utf8', env: shellEnv(bin)})
      return r.stdout.trim().split('\n')
    }
    expect(run('wd', 'resolve', '--format=j')).toEqual(['--format=json'])
    expect(run('wd', 'resolve', '--image-prop', 'hw_watchdog_action=d')).toEqual(['hw_watchdog_action=disabled'])
    expect(run('wd', 'catalog', 'validate', '--policy', '')).toEqual([':files'])
  })
})

describe('wd __complete with a cloud that does not answer', () => {
  it('gives up within its patience (a request left open would keep the shell waiting for the cloud timeout, 30 s)', async () => {
    const net = await import('node:net')
    const silent = net.createServer(() => undefined) // takes the connection, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const env = {
      OS_AUTH_URL: `http://127.0.0.1:${(silent.address() as import('node:net').AddressInfo).port}/v3`,
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_PROJECT_NAME: 'p',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      XDG_CACHE_HOME: tempDir('wd-cache-'),
    }
    try {
      const started = Date.now()
      const r = await new Promise<{stdout: string; status: number | null}>((done) => {
        const child = spawn(process.execPath, [`${root}bin/run.js`, '__complete', '--', 'flavor', 'show', ''], {
          env: {...process.env, ...env, NODE_OPTIONS: ''},
        })
        let stdout = ''
        child.stdout.on('data', (d: Buffer) => (stdout += String(d)))
        child.on('close', (status) => done({stdout, status}))
      })
      expect([r.status, r.stdout.trim()]).toEqual([0, ''])
      expect(Date.now() - started).toBeLessThan(20_000)
    } finally {
      silent.close()
    }
  }, 40_000)
})
