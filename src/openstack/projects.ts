/** Project names from Keystone, for reports that would otherwise show only ids. */
import {json, type Connection} from './connection.js'

/**
 * Every project's name by id; empty when the caller may not list projects (Keystone answers 403 to a non-admin),
 * since names only make a report easier to read.
 */
export async function projectNames(conn: Connection): Promise<Map<string, string>> {
  const res = await conn.call('identity', 'GET', '/projects', {accept: [403]})
  if (res.status === 403) return new Map()
  return new Map(json<{projects: {id: string; name: string}[]}>(res).projects.map((p) => [p.id, p.name]))
}
