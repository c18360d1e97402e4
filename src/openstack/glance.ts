/**
 * Images and their watchdog property in Glance (v2 JSON patch). `add` creates or replaces, so a set never fails on
 * an existing value; a remove is sent only for a property that is there (Glance answers 409 otherwise). Only the
 * named properties are in the patch, so every other property is left as it was.
 */
import type {Image} from '../api/glance.js'
import {isUuid} from '../api/uuid.js'
import {WdError} from '../errors.js'
import {BLUEPRINT_KEY, IMAGE_KEY} from '../vocab/nova.js'
import {bad, json, type Connection} from './connection.js'
import {segment} from './http.js'
import {isObject} from '../untrusted.js'
import {allPages} from './pager.js'

const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'

const OWNER_HINT = (status: number, said: string) =>
  status === 403 && /is reserved/.test(said)
    ? "Glance's property protections (property_protection_file in glance-api.conf) reserve this property for other " +
      'roles, as wd policy export --glance-property-protections writes them: ask an operator who has one'
    : status === 403
      ? "only the image's owner (or an admin) may change its properties"
      : status === 404
        ? 'the image does not exist or is not visible to this project'
        : undefined

export async function listImages(conn: Connection): Promise<Image[]> {
  return allPages<Image>({
    what: 'glance: the images list',
    first: '/images?limit=200',
    get: (path, maxBytes) => conn.call('image', 'GET', path, {maxBytes}),
    // Glance's next link is a path from /v2 on
    read: (page) => ({
      items: page.images,
      next: typeof page.next === 'string' ? page.next.replace(/^\/v2/, '') : undefined,
    }),
  })
}

/** An image from an answer whose body is one image: an object with a string id, or the answer is bad. */
function oneImage(res: Parameters<typeof json>[0]): Image {
  const image = json<unknown>(res)
  if (!isObject(image) || typeof image.id !== 'string') throw bad(res, 'no image')
  return image as Image
}

export async function findImage(conn: Connection, ref: string): Promise<Image> {
  if (isUuid(ref)) {
    const res = await conn.call('image', 'GET', `/images/${segment(ref)}`, {accept: [404]})
    if (res.status !== 404) return oneImage(res)
  }
  const res = await conn.call('image', 'GET', `/images?name=${encodeURIComponent(ref)}`)
  const body = json<unknown>(res)
  const matches = isObject(body) ? body.images : undefined
  if (!Array.isArray(matches) || !matches.every((i) => isObject(i) && typeof i.id === 'string'))
    throw bad(res, 'no list of images')
  if (matches.length === 1) return matches[0] as Image
  if (matches.length > 1) {
    throw new WdError('WD_USAGE', `more than one image is named '${ref}'`, {
      hint: `use an id: ${(matches as Image[]).map((i) => i.id).join(', ')}`,
    })
  }
  throw new WdError('WD_NOT_FOUND', `no image '${ref}' (by id or name) visible to this project`)
}

async function patch(conn: Connection, image: Image, ops: object[]): Promise<Image> {
  const res = await conn.call('image', 'PATCH', `/images/${segment(image.id)}`, {
    headers: {'Content-Type': PATCH_TYPE},
    body: ops,
    hint: OWNER_HINT,
  })
  return oneImage(res)
}

export async function setImageWatchdog(
  conn: Connection,
  image: Image,
  value: string,
  migrateLegacy: boolean,
): Promise<Image> {
  const ops: object[] = [{op: 'add', path: `/${IMAGE_KEY}`, value}]
  if (migrateLegacy && typeof image[BLUEPRINT_KEY] === 'string') ops.push({op: 'remove', path: `/${BLUEPRINT_KEY}`})
  return patch(conn, image, ops)
}

/** Removes the watchdog property (and, with migrateLegacy, the blueprint key); the image as Glance now holds it. */
export async function unsetImageWatchdog(conn: Connection, image: Image, migrateLegacy: boolean): Promise<Image> {
  const keys = [IMAGE_KEY, ...(migrateLegacy ? [BLUEPRINT_KEY] : [])].filter((k) => typeof image[k] === 'string')
  if (keys.length === 0) return image
  return patch(
    conn,
    image,
    keys.map((k) => ({op: 'remove', path: `/${k}`})),
  )
}

/** Sets and removes properties in one JSON patch; the others stay. Nothing to do sends nothing. */
export async function patchImageProperties(
  conn: Connection,
  image: Image,
  set: Record<string, string>,
  remove: readonly string[],
): Promise<Image> {
  const pointer = (k: string) => `/${k.replaceAll('~', '~0').replaceAll('/', '~1')}` // RFC 6901
  const ops: object[] = Object.entries(set).map(([k, value]) => ({op: 'add', path: pointer(k), value}))
  for (const k of remove) if (typeof image[k] === 'string') ops.push({op: 'remove', path: pointer(k)})
  return ops.length === 0 ? image : patch(conn, image, ops)
}

/** One image by id, or undefined when Glance has none by that id visible to the caller (deleted, or private). */
export async function getImage(conn: Connection, id: string): Promise<Image | undefined> {
  if (!isUuid(id)) return undefined
  const res = await conn.call('image', 'GET', `/images/${segment(id)}`, {accept: [404]})
  return res.status === 404 ? undefined : oneImage(res)
}
