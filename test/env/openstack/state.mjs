// The test cloud's state files (written by up.sh and oidc/fed-up.sh): KEY=VALUE lines, read by the tests and the
// benchmarks alike. WD_OS_STATE points at another state directory.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const stateDir = process.env.WD_OS_STATE ?? fileURLToPath(new URL('../../../.work/openstack', import.meta.url))

export function readStateEnv(file) {
  const path = join(stateDir, file)
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: start the test cloud (bash test/env/openstack/up.sh and oidc/fed-up.sh) or set WD_SKIP_OPENSTACK=1`,
    )
  }
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  )
}
