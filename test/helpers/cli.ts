/** Runs the built `wd` as a user would: a child process, its stdout, stderr and exit status. */
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

export function wd(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [`${root}bin/run.js`, ...args], {
    cwd: root,
    encoding: 'utf8',
    input,
    env: {...process.env, NODE_OPTIONS: ''},
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

export const fixture = (name: string) => `${root}test/fixtures/${name}`
