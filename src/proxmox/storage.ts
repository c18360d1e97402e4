/**
 * Where a Proxmox storage keeps snippets (/etc/pve/storage.cfg): a storage with a `path` (dir, nfs, cifs, cephfs,
 * btrfs…) whose `content` has `snippets` keeps them in PATH/snippets — `local` in /var/lib/vz/snippets. Without a
 * storage.cfg Proxmox has only `local`, whose default content has no snippets.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {WdError} from '../errors.js'
import {MAX_CONFIG_FILE_BYTES} from '../limits.js'
import {parseSections} from './section-config.js'

/** Storage types that every node of the cluster reaches (as pve-storage has them: shared by type). */
const SHARED_TYPES = new Set(['nfs', 'cifs', 'cephfs', 'glusterfs'])

export interface SnippetStorage {
  id: string
  /** PATH/snippets */
  dir: string
  /** every node sees the same files (a shared type, or `shared 1`) */
  shared: boolean
}

/** The snippets directory of a storage, or the reason there is none (WD_NOT_FOUND, WD_CONFLICT). */
export async function snippetStorage(root: string, id: string): Promise<SnippetStorage> {
  const file = join(root, 'storage.cfg')
  let text: string
  try {
    text = (await readFile(file)).subarray(0, MAX_CONFIG_FILE_BYTES).toString('utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new WdError('WD_FILE_UNREADABLE', `${file}: ${(e as Error).message}`)
    // Proxmox's built-in default
    text = 'dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup\n'
  }
  const s = parseSections(text).find((x) => x.id === id)
  if (!s) throw new WdError('WD_NOT_FOUND', `no storage '${id}' in ${file}`, {hint: 'pvesm status lists the storages'})
  const content = (s.props.content ?? '').split(/[,\s]+/)
  if (s.props.path === undefined || !content.includes('snippets')) {
    throw new WdError('WD_CONFLICT', `storage '${id}' keeps no snippets (its content: ${s.props.content ?? 'none'})`, {
      hint:
        s.props.path === undefined
          ? 'choose a storage with a path (dir, nfs, cephfs…) and the snippets content type'
          : `enable them: pvesm set ${id} --content ${[...content.filter(Boolean), 'snippets'].join(',')}`,
    })
  }
  return {id, dir: join(s.props.path, 'snippets'), shared: SHARED_TYPES.has(s.type) || s.props.shared === '1'}
}
