/**
 * What every test file shares about its surroundings: the one gate for tests that need a real system (each can be
 * opted out of only explicitly, by its variable, never silently), children that must not outlive the file, and
 * temp dirs that are removed when it ends.
 */
import {afterAll, it} from '@jest/globals'
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

type OptOut =
  | 'WD_SKIP_OPENSTACK'
  | 'WD_SKIP_E2E'
  | 'WD_SKIP_LIBVIRT_RNG'
  | 'WD_SKIP_BROWSER'
  | 'WD_SKIP_SYSLOG'
  | 'WD_SKIP_RABBITMQ'
  | 'WD_SKIP_COMPUTE'
  | 'WD_SKIP_GUESTS'
  | 'WD_SKIP_NODE_EXPORTER'
  | 'WD_SKIP_PACKAGES'

/** Whether the user set `variable=1` to run without that real system. */
export const optedOut = (variable: OptOut) => process.env[variable] === '1'

/** `it`, or `it.skip` when the user opted out of the real system the test needs. */
const gate = (variable: OptOut) => (optedOut(variable) ? it.skip : it)

/** Tests against the test cloud of test/env/openstack. */
export const live = gate('WD_SKIP_OPENSTACK')
/** Tests that boot a real guest. */
export const e2e = gate('WD_SKIP_E2E')
/** Tests against a real syslog daemon (test/env/syslog/rsyslog.sh). */
export const withSyslog = gate('WD_SKIP_SYSLOG')
/** Tests against a real RabbitMQ and oslo.messaging listener (test/env/rabbitmq). */
export const withRabbit = gate('WD_SKIP_RABBITMQ')
/** Tests on the test cloud's compute half (test/env/openstack/compute.sh): instances that boot under Nova. */
export const withCompute = gate('WD_SKIP_COMPUTE')
/** Tests with cloud-init's own code (test/env/cloud-init) and real Debian guests (test/env/guest/build-debian-guests.sh). */
export const withGuests = gate('WD_SKIP_GUESTS')
/** Tests against Debian's prometheus-node-exporter, the reader of the textfiles wd writes. */
export const withNodeExporter = gate('WD_SKIP_NODE_EXPORTER')
/** Tests that boot real Debian guests under the compute half's Nova. */
export const withComputeGuests = optedOut('WD_SKIP_GUESTS') ? it.skip : withCompute
/** Tests of the packages (npm run package) in a clean Debian root (test/env/package-root/build.sh), by dpkg, apt, lintian, npm. */
export const withPackages = gate('WD_SKIP_PACKAGES')
/** Tests of the test cloud that also open a page in Debian's headless Chromium. */
export const liveInBrowser = optedOut('WD_SKIP_BROWSER') ? it.skip : live

const dirs: string[] = []
const children: ChildProcess[] = []
// registered when a test file imports this module (each file has its own copy): hooks cannot be added inside a test
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

/** A new temp dir, removed after the test file (set WD_KEEP_TMP=1 to keep them for a look). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  if (process.env.WD_KEEP_TMP !== '1') dirs.push(dir)
  return dir
}

/** A child process killed after the test file, whatever happened. */
export function owned<C extends ChildProcess>(child: C): C {
  children.push(child)
  return child
}
