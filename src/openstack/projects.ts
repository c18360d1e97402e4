/** Project names from Keystone, for reports that would otherwise show only ids. */
import {bad, json, type Connection} from './connection.js'
import {isObject} from '../untrusted.js'

/**
 * Every project's name by id; empty when the caller may not list projects (Keystone answers 403 to a non-admin),
 * since names only make a report easier to read.
 */
export async function projectNames(conn: Connection): Promise<Map<string, string>> {
  const res = await conn.call('identity', 'GET', '/projects', {accept: [403]})
  if (res.status === 403) return new Map()
  const body = json<unknown>(res)
  const projects = isObject(body) ? body.projects : undefined
  if (!Array.isArray(projects)) throw bad(res, 'without a list of projects')
  const names = new Map<string, string>()
  for (const [i, p] of projects.entries()) {
    if (!isObject(p) || typeof p.id !== 'string' || typeof p.name !== 'string')
      throw bad(res, `project ${i} of the list: not an object with an id and a name`)
    names.set(p.id, p.name)
  }
  return names
}
