/**
 * The guest half on Proxmox VE: Proxmox's cloud-init drive takes a vendor snippet (`cicustom: vendor=STORAGE:
 * snippets/FILE`) and carries it to the guest as its vendor-data, which cloud-init runs as a vendor script — the
 * same script Nova's vendordata target answers (src/render/guest-half.ts). wd writes it as a snippet of its own
 * (`wd-guest-VMID.sh`) into a storage that keeps snippets and sets the vendor part of `cicustom:`, keeping the
 * guest's own user=, network= and meta= parts. Refused, with the reason: a guest without a cloud-init drive (Proxmox
 * would never carry the snippet), or without a watchdog device to arm, a vendor snippet that is not wd's, and an
 * HA-managed guest with the snippet on one node's storage (HA could start it where the snippet is not, and
 * qemu-server would not start it there).
 *
 * `cicustom` is no device: qemu-server applies it at once, running guest or not, and builds the drive from it at
 * the guest's next start.
 */
import {mkdir, readFile, unlink} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {WdError} from '../../errors.js'
import {writeFileAtomically} from '../../fs/replace-file.js'
import {MiB} from '../../limits.js'
import {PVE_ROOT, nodesOf, type ClusterPlace} from '../../proxmox/cluster.js'
import {hasCloudInitDrive, isWdVendor, snippetName, vendorPart, withVendor} from '../../proxmox/cicustom.js'
import {mainValue, parseConfig, withKey} from '../../proxmox/config-file.js'
import {pendingOption} from '../../proxmox/qm-set.js'
import {haManaged, haResources} from '../../proxmox/ha.js'
import {snippetStorage, type SnippetStorage} from '../../proxmox/storage.js'
import {GUEST_SCRIPT_MARK, guestScript, type GuestHalfOptions} from '../../render/guest-half.js'
import {parseProxmoxValue} from '../../render/proxmox.js'
import {PROXMOX_KEY} from '../../vocab/proxmox.js'

const CICUSTOM = 'cicustom'

/** What adding or removing wd's guest half needs from beyond the config, read before planning. */
export interface GuestHalfContext {
  storage?: SnippetStorage
  /** the snippet file as it is now (undefined: there is none) */
  existing?: Buffer
  haManaged: boolean
  nodes: number
}

/** A snippet to write (content) or remove (none), with the config change. */
export interface SnippetChange {
  path: string
  content?: Buffer
}

const isWdScript = (bytes: Buffer | undefined) =>
  bytes !== undefined && bytes.subarray(0, 200).toString('utf8').startsWith(`#!/bin/sh\n${GUEST_SCRIPT_MARK}`)

async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return (await readFile(path)).subarray(0, MiB)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`)
  }
}

/** Reads what the change needs: the storage (to add: the one named; to remove: the one wd's vendor part names). */
export async function guestHalfContext(
  text: string,
  vmid: string,
  place: ClusterPlace | undefined,
  storage: string | null,
): Promise<GuestHalfContext> {
  const root = place?.root ?? PVE_ROOT
  const vendor = vendorPart(mainValue(parseConfig(text), CICUSTOM))
  const id = storage ?? (isWdVendor(vendor) ? vendor!.slice(0, vendor!.indexOf(':')) : undefined)
  const found = id === undefined ? undefined : await snippetStorage(root, id)
  const ha = await haResources(root, () => undefined)
  return {
    ...(found && {storage: found, existing: await readIfThere(join(found.dir, snippetName(vmid)))}),
    haManaged: haManaged(ha.get(vmid)),
    nodes: (await nodesOf(root)).length,
  }
}

/** The config with wd's guest half added (its snippet for the guest's watchdog), and the snippet to write. */
export function addGuestHalf(
  text: string,
  vmid: string,
  context: GuestHalfContext,
  options: GuestHalfOptions,
): {text: string; snippet: SnippetChange; warnings: string[]} {
  const config = parseConfig(text)
  const main = config.lines.filter((l) => l.section === undefined)
  if (!hasCloudInitDrive(main)) {
    throw new WdError('WD_CONFLICT', `VM ${vmid} has no cloud-init drive: Proxmox would carry no snippet to it`, {
      hint: `give it one (qm set ${vmid} --ide2 STORAGE:cloudinit), then run this again`,
    })
  }
  // the watchdog it starts with next: [PENDING]'s change on a running guest, else the main section's
  const pending = pendingOption(config, PROXMOX_KEY)
  const line = pending === undefined ? mainValue(config, PROXMOX_KEY) : (pending ?? undefined)
  if (line === undefined) {
    throw new WdError('WD_CONFLICT', `VM ${vmid} has no watchdog device for the guest half to arm`, {
      hint: `give it one in the same command: wd proxmox set ${vmid} --guest --action reset`,
    })
  }
  const storage = context.storage!
  const own = `${storage.id}:snippets/${snippetName(vmid)}`
  const vendor = vendorPart(mainValue(config, CICUSTOM))
  if (vendor !== undefined && !isWdVendor(vendor)) {
    throw new WdError('WD_CONFLICT', `VM ${vmid} has a vendor snippet of its own (${vendor}): cloud-init takes one`, {
      hint: "wd leaves it; put wd's guest half into it yourself (wd resolve -f cloud-init prints it), or drop it first",
    })
  }
  const path = join(storage.dir, snippetName(vmid))
  if (context.existing !== undefined && !isWdScript(context.existing)) {
    throw new WdError('WD_CONFLICT', `${path} exists and is not wd's guest half; it is left as it is`)
  }
  if (context.haManaged && !storage.shared && context.nodes > 1) {
    throw new WdError(
      'WD_CONFLICT',
      `VM ${vmid} is HA-managed and storage '${storage.id}' is this node's own: on another node the snippet would be ` +
        'missing, and qemu-server does not start a guest whose cloud-init snippet is missing',
      {hint: 'use a shared storage that keeps snippets (NFS, CephFS): --guest-storage STORAGE'},
    )
  }
  const w = parseProxmoxValue(line)
  const content = Buffer.from(guestScript({model: w.model, action: w.action ?? 'reset'}, options))
  const warnings =
    !storage.shared && context.nodes > 1
      ? [
          `the snippet is on this node's storage '${storage.id}' only: to start VM ${vmid} on another node (a ` +
            'migration), write it there too (this command, on that node) or use a shared storage',
        ]
      : []
  const cicustom = withVendor(mainValue(config, CICUSTOM), own)!
  return {text: withKey(text, 'main', CICUSTOM, `${CICUSTOM}: ${cicustom}`), snippet: {path, content}, warnings}
}

/** The config without wd's vendor part, and wd's snippet to remove; the guest's own parts stay. */
export function removeGuestHalf(
  text: string,
  vmid: string,
  context: GuestHalfContext,
): {text: string; snippet?: SnippetChange; warnings: string[]} {
  const value = mainValue(parseConfig(text), CICUSTOM)
  if (!isWdVendor(vendorPart(value))) return {text, warnings: []}
  const rest = withVendor(value, null)
  const next = withKey(text, 'main', CICUSTOM, rest === undefined ? undefined : `${CICUSTOM}: ${rest}`)
  const path = context.storage && join(context.storage.dir, snippetName(vmid))
  return {text: next, ...(path && isWdScript(context.existing) && {snippet: {path}}), warnings: []}
}

/** Writes (or removes) the snippet: before the config points to it, and after it no longer does. */
export async function applySnippet(s: SnippetChange): Promise<void> {
  if (s.content) {
    // the storage's snippets directory, as pve-storage makes it when the content type is enabled
    await mkdir(dirname(s.path), {recursive: true, mode: 0o755})
    await writeFileAtomically(s.path, s.content, 0o644)
  } else await unlink(s.path).catch(() => undefined)
}
