/**
 * The names of a cloud's flavors or images for shell completion, kept as a completion cache is: one file per cloud
 * and kind in the user's cache directory, used while it is younger than `maxAgeSeconds`, else listed anew and
 * written back. The file is named by a digest of what tells clouds apart (auth URL, user or application credential
 * id, project, their domains, region), never by a secret, and holds names only.
 */
import {createHash} from 'node:crypto'
import {mkdir, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {listImages} from '../openstack/glance.js'
import {listFlavors} from '../openstack/nova.js'
import type {CloudConfig} from '../openstack/cloud-config.js'
import type {Connection} from '../openstack/connection.js'
import {readSmallFileSync} from '../fs/read-small-file.js'
import {writeFileAtomically} from '../fs/replace-file.js'

export type NamedKind = 'flavor' | 'image'

export interface NameCacheOptions {
  /** the cache directory (`$XDG_CACHE_HOME/wd`) */
  dir: string
  /** how long a list is used before the cloud is asked again (the openstack CLI's completion: a few minutes) */
  maxAgeSeconds?: number
}

/** C0 and C1 control characters, DEL: what a name must not carry to a terminal. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Whether a name can be offered: a name with a line break cannot be one completion word, and one with control
 * characters (an escape sequence) would reach the terminal as they are. Checked on what the cloud says and on what
 * the cache file holds (a file anyone with the user's rights may have written).
 */
const offerable = (n: unknown): n is string => typeof n === 'string' && n !== '' && !CONTROL.test(n)

/** A cache file holds at most this much: 100,000 names of a few dozen bytes. */
const MAX_CACHE_BYTES = 8 * 1024 * 1024

const cloudKey = (c: CloudConfig) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        c.auth.auth_url,
        c.auth.username ?? c.auth.user_id ?? c.auth.application_credential_id ?? c.auth.application_credential_name,
        c.auth.user_domain_name ?? c.auth.user_domain_id,
        c.auth.project_name ?? c.auth.project_id,
        c.auth.project_domain_name ?? c.auth.project_domain_id,
        c.regionName,
      ]),
    )
    .digest('hex')
    .slice(0, 16)

/** The cached names, if the file is there and young enough. */
async function fresh(path: string, maxAgeSeconds: number): Promise<string[] | undefined> {
  try {
    const s = await stat(path)
    if (!s.isFile() || Date.now() - s.mtimeMs > maxAgeSeconds * 1000) return undefined
    return readSmallFileSync(path, MAX_CACHE_BYTES).toString('utf8').split('\n').filter(offerable)
  } catch {
    return undefined
  }
}

export async function cloudNames(
  kind: NamedKind,
  config: CloudConfig,
  connect: () => Promise<Connection>,
  o: NameCacheOptions,
): Promise<string[]> {
  const path = join(o.dir, `${kind}s-${cloudKey(config)}`)
  const cached = await fresh(path, o.maxAgeSeconds ?? 300)
  if (cached) return cached
  const conn = await connect()
  const items = kind === 'flavor' ? await listFlavors(conn) : await listImages(conn)
  const names = [...new Set(items.map((i) => i.name).filter(offerable))].sort()
  await mkdir(o.dir, {recursive: true, mode: 0o700})
  await writeFileAtomically(path, Buffer.from(names.join('\n') + '\n'), 0o600)
  return names
}
