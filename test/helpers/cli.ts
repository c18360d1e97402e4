/** Runs the built `wd` as a user would: a child process, its stdout, stderr and exit status. */
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs `wd`; `env` replaces every OS_* variable of the test process (so a developer's own cloud never leaks in). */
export function wd(args: string[], input?: string, env?: Record<string, string>, cwd = root): Run {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !env || !k.startsWith('OS_')))
  const r = spawnSync(process.execPath, [`${root}bin/run.js`, ...args], {
    cwd,
    encoding: 'utf8',
    input,
    maxBuffer: 512 * 1024 * 1024,
    env: {...base, ...env, NODE_OPTIONS: ''},
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

export const fixture = (name: string) => `${root}test/fixtures/${name}`
