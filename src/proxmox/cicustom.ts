/**
 * A guest's `cicustom:` option (qemu-server's cloud-init custom files): a property string of up to four parts,
 * `meta=`, `network=`, `user=` and `vendor=`, each a volume (`STORAGE:snippets/FILE`) whose content replaces that
 * part of the cloud-init drive Proxmox builds. wd's guest half is a vendor snippet of its own; the guest's other
 * parts are its owner's and stay as written.
 */

/** The name of wd's snippet for a guest (one a guest, so removing it touches no other guest's). */
export const snippetName = (vmid: string) => `wd-guest-${vmid}.sh`
const WD_SNIPPET = /^[^:,=\s]+:snippets\/wd-guest-\d+\.sh$/

/** Whether a vendor volume is wd's own snippet. */
export const isWdVendor = (volume: string | undefined) => volume !== undefined && WD_SNIPPET.test(volume)

/** The parts of a cicustom value in their order; a part without `=` is kept as it is (Proxmox would refuse it). */
const parts = (value: string) => value.split(',').filter((p) => p.trim() !== '')

/** The vendor part's volume, if the value has one. */
export function vendorPart(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const part = parts(value).find((p) => p.trim().startsWith('vendor='))
  return part?.trim().slice('vendor='.length)
}

/**
 * The cicustom value with the vendor part set to `volume` (or, for null, removed); the other parts as written.
 * undefined: nothing is left, and the option goes.
 */
export function withVendor(value: string | undefined, volume: string | null): string | undefined {
  const all = parts(value ?? '')
  const at = all.findIndex((p) => p.trim().startsWith('vendor='))
  const next =
    volume === null
      ? all.filter((_, i) => i !== at)
      : at >= 0
        ? all.map((p, i) => (i === at ? `vendor=${volume}` : p))
        : // vendor sorts last of the four, where Proxmox prints it
          [...all, `vendor=${volume}`]
  return next.length ? next.join(',') : undefined
}

/** A drive's volume is a cloud-init drive as qemu-server's drive_is_cloudinit has it (…:vm-VMID-cloudinit…). */
const CLOUDINIT_VOLUME = /[:/](?:vm-\d+-)?cloudinit(?:\.(?:raw|qcow2|vmdk|subvol))?$/
const DRIVE_KEY = /^(?:ide|sata|scsi|virtio)\d+$/

/** Whether a guest has a cloud-init drive among the drives of `mainLines` (key and value of each main line). */
export function hasCloudInitDrive(mainLines: readonly {key?: string; value?: string}[]): boolean {
  return mainLines.some((l) => {
    if (l.key === undefined || !DRIVE_KEY.test(l.key)) return false
    const parts = (l.value ?? '').split(',')
    const volume =
      parts.find((p) => p.startsWith('file='))?.slice('file='.length) ?? parts.find((p) => !p.includes('='))
    return volume !== undefined && CLOUDINIT_VOLUME.test(volume)
  })
}
