/**
 * The cluster file system as qemu-server sees it (pmxcfs, mounted on /etc/pve): every node holds every guest's
 * config, each under the node that owns the guest (`nodes/NODE/qemu-server/VMID.conf`), and
 * `/etc/pve/qemu-server` is a link to the local node's directory. A guest's lock and its QEMU are on its own node,
 * so wd reads any node's configs and writes only its own node's.
 *
 * Without quorum pmxcfs refuses every write (EACCES) and shows every file 0440 and every directory 0555; a file
 * holds at most 1 MiB (memdb's MEMDB_MAX_FILE_SIZE).
 */
import {readdir, realpath, stat} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {WdError} from '../errors.js'
import {MiB} from '../limits.js'

export const PVE_ROOT = '/etc/pve'
/** pmxcfs refuses a write past this size (EFBIG). */
export const PMXCFS_MAX_FILE_BYTES = MiB

/** Where a config lies in a pmxcfs layout: the root, the node whose directory holds it, and this node. */
export interface ClusterPlace {
  root: string
  node: string
  /** the node `root/qemu-server` links to: this one */
  local: string | undefined
}

const NODE_DIR = /^(.*)\/nodes\/([^/]+)\/qemu-server$/

/** The place of a config file (its real path, links followed), or undefined outside a pmxcfs layout. */
export async function placeOf(path: string): Promise<ClusterPlace | undefined> {
  let real: string
  try {
    real = await realpath(path)
  } catch {
    return undefined
  }
  const m = NODE_DIR.exec(dirname(real))
  if (!m) return undefined
  const root = m[1] || '/'
  return {root, node: m[2]!, local: await localNode(root)}
}

/** The node `root/qemu-server` points to (pmxcfs makes it point to this node's directory). */
async function localNode(root: string): Promise<string | undefined> {
  try {
    const m = NODE_DIR.exec(await realpath(join(root, 'qemu-server')))
    return m?.[2]
  } catch {
    return undefined
  }
}

/** The layout's root when `dir` is a node's qemu-server directory (or the link to one). */
export async function rootOf(dir: string): Promise<string | undefined> {
  try {
    const m = NODE_DIR.exec(await realpath(dir))
    return m ? m[1] || '/' : undefined
  } catch {
    return undefined
  }
}

/** The cluster's node names (`root/nodes/*`), sorted; none when the layout has no nodes directory. */
export async function nodesOf(root: string): Promise<string[]> {
  try {
    return (await readdir(join(root, 'nodes'))).sort()
  } catch {
    return []
  }
}

/** The nodes whose directory holds VMID.conf (one, in a healthy cluster). */
export async function nodesHolding(root: string, vmid: string): Promise<string[]> {
  const found: string[] = []
  for (const node of await nodesOf(root)) {
    try {
      if ((await stat(join(root, 'nodes', node, 'qemu-server', `${vmid}.conf`))).isFile()) found.push(node)
    } catch {
      // not on this node
    }
  }
  return found
}

/** Refuses a write to a config of another node: its lock and its QEMU are there. */
export function assertLocal(place: ClusterPlace | undefined, path: string): void {
  if (!place || place.local === undefined || place.node === place.local) return
  const vmid = basename(path).replace(/\.conf$/, '')
  throw new WdError(
    'WD_CONFLICT',
    `VM ${vmid} belongs to node ${place.node} (${join(place.root, 'nodes', place.node, 'qemu-server', basename(path))}); this is ${place.local}`,
    {hint: `its lock and its QEMU are on ${place.node}: run wd there (reads work from any node, writes on the owner)`},
  )
}

/**
 * Refuses what pmxcfs would refuse, before anything is written: a file that shows no write bit (no quorum: the
 * whole of /etc/pve is read-only), and a file past pmxcfs's size limit.
 */
export async function assertWritable(place: ClusterPlace | undefined, path: string, size: number): Promise<void> {
  if (!place) return
  if (((await stat(path)).mode & 0o222) === 0) {
    throw new WdError(
      'WD_NO_QUORUM',
      `this node has no quorum: ${place.root} is read-only (pmxcfs shows ${path} 0440); nothing was written`,
      {hint: "'pvecm status' shows the quorum; write again once the node is quorate"},
    )
  }
  if (size > PMXCFS_MAX_FILE_BYTES) {
    throw new WdError(
      'WD_FILE_TOO_LARGE',
      `${path} would be ${size} bytes; pmxcfs holds at most ${PMXCFS_MAX_FILE_BYTES} bytes a file; nothing was written`,
    )
  }
}
