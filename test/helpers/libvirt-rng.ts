/**
 * libvirt's own RNG schema, through virt-xml-validate (Debian's libvirt-clients). It must be there: a test run
 * without it fails, unless WD_SKIP_LIBVIRT_RNG=1 says the user knowingly runs without it.
 */
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {optedOut, tempDir} from './gates.js'

export const rngSkipped = optedOut('WD_SKIP_LIBVIRT_RNG')

let dir: string | undefined

export function validateDomain(xml: string): {ok: boolean; output: string} {
  dir ??= tempDir('wd-rng-')
  const file = join(dir, `domain-${process.pid}-${Math.random().toString(36).slice(2)}.xml`)
  writeFileSync(file, xml)
  const r = spawnSync('virt-xml-validate', [file, 'domain'], {encoding: 'utf8'})
  if (r.error) {
    throw new Error(
      `virt-xml-validate cannot run (${r.error.message}): install libvirt-clients, or set WD_SKIP_LIBVIRT_RNG=1`,
    )
  }
  return {ok: r.status === 0, output: `${r.stdout}${r.stderr}`}
}

/** Wraps a device element into a minimal domain, as validate.sh in the libvirt reference does. */
export function domainWith(devices: string, machine = 'pc'): string {
  return `<domain type='kvm'>
  <name>wd-test</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='${machine}'>hvm</type>
  </os>
  <devices>
    ${devices}
  </devices>
</domain>
`
}

/** Passes the XML through the RNG (skipped only on explicit opt-out). */
export function expectValidDomain(xml: string): void {
  if (rngSkipped) return
  const r = validateDomain(xml)
  if (!r.ok) throw new Error(`libvirt RNG rejects the XML:\n${r.output}\n${xml}`)
}
