/** Shell completion: flags after arguments, values of flags and arguments, through the real bash script. */
import {describe, expect, it} from '@jest/globals'
import {spawnSync} from 'node:child_process'
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

describe('wd completion bash', () => {
  it('the script, sourced in a real bash, fills COMPREPLY from wd', () => {
    const bin = tempDir('wd-bin-')
    writeFileSync(join(bin, 'wd'), `#!/bin/sh\nexec "${process.execPath}" "${root}bin/run.js" "$@"\n`)
    chmodSync(join(bin, 'wd'), 0o755)
    const script = wd(['completion', 'bash']).stdout
    const run = (line: string) => {
      const words = line.split(' ')
      const program =
        `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n` +
        `_wd; printf '%s\\n' "\${COMPREPLY[@]}"`
      const r = spawnSync('bash', ['-c', program], {
        encoding: 'utf8',
        env: {...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_OPTIONS: ''},
      })
      return r.stdout.trim().split('\n')
    }
    expect(run('wd flavor set m1.small --ac')).toEqual(['--action'])
    expect(run('wd flavor set m1.small --action po')).toEqual(['poweroff'])
    expect(run('wd resolve -f li')).toEqual(['libvirt'])
    // bash splits --flag=value at '=' (COMP_WORDBREAKS): the value is completed, never a file name
    expect(run('wd resolve --format = j')).toEqual(['json'])
    expect(run('wd flavor set m1.small --action = po')).toEqual(['poweroff'])
    expect(run('wd flavor set m1.small --action =')).toEqual(['none', 'pause', 'poweroff', 'reset', 'disabled'])
  })
})
