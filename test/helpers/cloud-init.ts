/**
 * Debian's cloud-init, the real consumer of what wd writes for a guest: its own code (test/env/cloud-init/fetch.sh
 * unpacks the package under .work/cloud-init) run on a vendor_data2.json as Nova serves it, by
 * test/env/cloud-init/consume.py. WD_SKIP_GUESTS=1 opts out (with the real guests).
 */
import {execFileSync} from 'node:child_process'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {root} from './cli.js'
import {tempDir} from './gates.js'

const code = join(root, '.work/cloud-init/root/usr/lib/python3/dist-packages')

export interface CloudInitView {
  /** the parts cloud-init makes of the vendordata: a vendor script is text/x-shellscript */
  vendordata: {type: string; payload: string}[]
  /** what cloud-init raised on it */
  errors: string[]
  /** cloud-init's schema errors on the cloud-config parts (the vendordata's and the user's) */
  schema: string[]
}

/** What cloud-init makes of `vendorData2` (the JSON value of vendor_data2.json), with the user's `userData`. */
export function cloudInitView(vendorData2: unknown, userData?: string): CloudInitView {
  if (!existsSync(join(code, 'cloudinit')))
    throw new Error("cloud-init's code is missing: run bash test/env/cloud-init/fetch.sh, or set WD_SKIP_GUESTS=1")
  const dir = tempDir('wd-cloud-init-')
  writeFileSync(join(dir, 'vendor_data2.json'), JSON.stringify(vendorData2))
  const args = [join(root, 'test/env/cloud-init/consume.py'), join(dir, 'vendor_data2.json')]
  if (userData !== undefined) {
    writeFileSync(join(dir, 'user_data'), userData)
    args.push(join(dir, 'user_data'))
  }
  const out = execFileSync('/usr/bin/python3', args, {encoding: 'utf8', env: {...process.env, PYTHONPATH: code}})
  return JSON.parse(out) as CloudInitView
}
