/** HA's resources (/etc/pve/ha/resources.cfg, pve-ha-manager's section config): which guests HA manages, and how. */
import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {PMXCFS_MAX_FILE_BYTES} from './cluster.js'
import {parseSections} from './section-config.js'

export interface HaResource {
  /** the requested state (started when the file names none, as pve-ha-manager has it) */
  state: string
  group: string | null
}

/** HA's resources of type vm, by VMID; none when the cluster has no HA (a file that cannot be read is said). */
export async function haResources(root: string, onProblem: (m: string) => void): Promise<Map<string, HaResource>> {
  const file = join(root, 'ha', 'resources.cfg')
  let text: string
  try {
    const s = await stat(file)
    if (!s.isFile() || s.size > PMXCFS_MAX_FILE_BYTES) throw new Error('not a regular file of at most 1 MiB')
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') onProblem(`${file}: ${(e as Error).message}; no HA state read`)
    return new Map()
  }
  return new Map(
    parseSections(text)
      .filter((s) => s.type === 'vm')
      .map((s) => [s.id, {state: s.props.state ?? 'started', group: s.props.group ?? null}]),
  )
}

/** Whether HA moves the guest to another node when its own fails (a resource whose state is not ignored). */
export const haManaged = (r: HaResource | undefined) => r !== undefined && r.state !== 'ignored'
