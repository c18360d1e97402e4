/**
 * Completion of flavor and image names with a cloud: `wd __complete` lists the real cloud's names once and keeps
 * them in the user's cache directory (one file per cloud and kind, names only, mode 0600), as the openstack CLI's
 * completion would; within the cache's age a TAB does not ask the cloud again.
 */
import {afterAll, beforeAll, expect} from '@jest/globals'
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Connection} from '../../src/openstack/connection.js'
import {wd} from '../helpers/cli.js'
import {live, tempDir} from '../helpers/gates.js'
import {
  connectAs,
  createFlavor,
  createImage,
  deleteFlavor,
  deleteImage,
  openstackSkipped,
  osEnv,
  unique,
} from '../helpers/openstack.js'

let admin: Connection
const made: string[] = []
const images: string[] = []
const first = unique('tab-first')
const later = unique('tab-later')

beforeAll(async () => {
  if (openstackSkipped) return
  admin = connectAs('admin')
  made.push(await createFlavor(admin, first, {}))
})

afterAll(async () => {
  if (openstackSkipped) return
  for (const id of made) await deleteFlavor(admin, id)
  for (const id of images) await deleteImage(admin, id)
})

live("offers the cloud's flavor names, from a cache the next TAB reads", async () => {
  const cache = tempDir('wd-cache-')
  const env = {...osEnv('admin'), XDG_CACHE_HOME: cache}
  const tab = (...words: string[]) =>
    wd(['__complete', '--', ...words], undefined, env)
      .stdout.trim()
      .split('\n')
  expect(tab('flavor', 'show', first.slice(0, -2))).toEqual([first])
  const [file] = readdirSync(join(cache, 'wd'))
  expect(file).toMatch(/^flavors-[0-9a-f]{16}$/)
  const path = join(cache, 'wd', file!)
  expect(statSync(path).mode & 0o777).toBe(0o600)
  // names only: no password, token or URL
  const text = readFileSync(path, 'utf8')
  expect(text).toContain(`${first}\n`)
  expect(text).not.toContain(osEnv('admin').OS_PASSWORD!)
  expect(text).not.toContain('http')
  // a flavor made now is not offered while the cache is young: the cloud was not asked again
  made.push(await createFlavor(admin, later, {}))
  expect(tab('flavor', 'set', later)).toEqual([''])
  // another cache directory asks the cloud
  const fresh = (...words: string[]) =>
    wd(['__complete', '--', ...words], undefined, {...env, XDG_CACHE_HOME: tempDir('wd-cache-')}).stdout.trim()
  expect(fresh('flavor', 'unset', later)).toBe(later)
  // what the cache file holds is checked as what the cloud says is: a name with an escape sequence written into it
  // (by anyone with the user's rights) is not offered
  writeFileSync(path, `${first}\n${first}-\u001b[31mred\n`)
  expect(tab('flavor', 'show', first.slice(0, -2))).toEqual([first])
  // no cloud: nothing, never a file name
  expect(wd(['__complete', '--', 'image', 'show', ''], undefined, {XDG_CACHE_HOME: cache}).stdout.trim()).toBe('')
})

live('never offers a name that would put control characters on the terminal', async () => {
  const plain = unique('tab-image')
  images.push(await createImage(admin, plain, {}), await createImage(admin, `${plain}-\u001b[31mred`, {}))
  const env = {...osEnv('admin'), XDG_CACHE_HOME: tempDir('wd-cache-')}
  const offered = wd(['__complete', '--', 'image', 'show', plain], undefined, env).stdout.trim().split('\n')
  expect(offered).toEqual([plain])
})
