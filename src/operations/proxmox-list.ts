/**
 * Every guest of a Proxmox VE cluster, as any node sees them: pmxcfs replicates each node's guest configs to all
 * (`/etc/pve/nodes/NODE/qemu-server/VMID.conf`) and HA's resources (`/etc/pve/ha/resources.cfg`), so one read of
 * /etc/pve says which of the cluster's guests are protected. Reads only: writes happen on each guest's own node.
 *
 * Every file is untrusted: a config is read up to pmxcfs's 1 MiB, one that cannot be read or is no Proxmox config
 * is said and skipped, and the rest are listed. The configs are read one after the other, synchronously: for files
 * this small that is several times faster than the thread pool (bench/proxmox-list.mjs: 10,000 configs).
 */
import {readdir} from 'node:fs/promises'
import {readSmallFileSync} from '../fs/read-small-file.js'
import {join} from 'node:path'
import {isWdError} from '../errors.js'
import {PMXCFS_MAX_FILE_BYTES, PVE_ROOT} from '../proxmox/cluster.js'
import {decodeConfig} from '../proxmox/config-file.js'
import {guestRecord, type ProxmoxGuest} from '../proxmox/guest-record.js'
import {haManaged, haResources, type HaResource} from '../proxmox/ha.js'
import {isWdVendor} from '../proxmox/cicustom.js'

export interface ProxmoxListReport {
  root: string
  nodes: string[]
  guests: ProxmoxGuest[]
  summary: {
    guests: number
    /** guests whose watchdog acts on expiry (any action but none), by that action */
    byAction: Record<string, number>
    /** guests without a watchdog device */
    without: number
    pending: number
    ha: number
    /** guests with wd's QMP monitor */
    recorded: number
    /** guests with wd's guest half (its vendor snippet) */
    guestHalf: number
    findings: {error: number; warning: number; info: number}
  }
  /** files that could not be read as guest configs, said and skipped */
  skipped: string[]
}

function readGuest(root: string, node: string, name: string, ha: Map<string, HaResource>): ProxmoxGuest | string {
  const path = join(root, 'nodes', node, 'qemu-server', name)
  const vmid = name.slice(0, -'.conf'.length)
  try {
    const bytes = readSmallFileSync(path, PMXCFS_MAX_FILE_BYTES)
    return guestRecord(node, vmid, decodeConfig(bytes, path), ha.get(vmid))
  } catch (e) {
    if (!isWdError(e)) throw e
    return `${e.reason}; skipped`
  }
}

export async function listProxmoxGuests(
  root = PVE_ROOT,
  onProblem: (message: string) => void = () => undefined,
): Promise<ProxmoxListReport> {
  const nodes = (await readdir(join(root, 'nodes')).catch(() => [] as string[])).sort()
  const ha = await haResources(root, onProblem)
  const names: {node: string; name: string}[] = []
  for (const node of nodes) {
    const files = await readdir(join(root, 'nodes', node, 'qemu-server')).catch(() => [] as string[])
    for (const name of files) if (/^\d+\.conf$/.test(name)) names.push({node, name})
  }
  const guests: ProxmoxGuest[] = []
  const skipped: string[] = []
  for (const n of names) {
    const g = readGuest(root, n.node, n.name, ha)
    if (typeof g === 'string') {
      skipped.push(g)
      onProblem(g)
    } else guests.push(g)
  }
  guests.sort((a, b) => Number(a.vmid) - Number(b.vmid) || a.node.localeCompare(b.node))
  return {root, nodes, guests, summary: summarize(guests), skipped}
}

function summarize(guests: readonly ProxmoxGuest[]): ProxmoxListReport['summary'] {
  const byAction: Record<string, number> = {}
  const findings = {error: 0, warning: 0, info: 0}
  let without = 0
  for (const g of guests) {
    if (g.action === null) without++
    else if (g.action !== 'none') byAction[g.action] = (byAction[g.action] ?? 0) + 1
    for (const f of g.findings) findings[f.severity]++
  }
  return {
    guests: guests.length,
    byAction,
    without,
    pending: guests.filter((g) => g.findings.some((f) => f.rule === 'proxmox/change-pending')).length,
    ha: guests.filter((g) => haManaged(g.ha ?? undefined)).length,
    recorded: guests.filter((g) => g.monitor !== null).length,
    guestHalf: guests.filter((g) => isWdVendor(g.vendor ?? undefined)).length,
    findings,
  }
}

/** Whether the list has a finding of error level (exit status 1). */
export const listFailed = (r: ProxmoxListReport) => r.summary.findings.error > 0
