/**
 * The one pager for every paged OpenStack list (Nova's flavors and servers, Glance's images): it follows the
 * service's next link until the last page, and trusts none of it. A next link seen before, or a page that brings no
 * item not already listed (a new marker on every page over the same items), is a list that never ends; past a page
 * cap or a total-items cap it stops too: each is WD_BAD_ANSWER, naming the list and what went wrong, so a broken or
 * hostile API costs a bounded number of requests and bounded memory. Every item must be an object with a string id.
 */
import type {AxiosResponse} from 'axios'
import {WdError} from '../errors.js'
import {isObject} from '../untrusted.js'
import {MAX_LIST_ITEMS, MAX_LIST_PAGES, MAX_PAGE_BYTES} from '../limits.js'
import {clip, oneLine} from '../text/clip.js'
import {bad, json} from './connection.js'

export interface PageCaps {
  pages: number
  items: number
}

const PAGE_CAPS: PageCaps = {pages: MAX_LIST_PAGES, items: MAX_LIST_ITEMS}

export interface Pages {
  /** what the list is, for messages: `nova: the servers list` */
  what: string
  /** the first page's path */
  first: string
  /** asks for one page (at most MAX_PAGE_BYTES of it) */
  get: (path: string, maxBytes: number) => Promise<AxiosResponse>
  /** the page's items, and the path of the next page (undefined on the last) */
  read: (page: Record<string, unknown>) => {items: unknown; next: string | undefined}
}

const listError = (message: string) =>
  new WdError('WD_BAD_ANSWER', message, {
    hint: "the cloud's API (or something in front of it) answered what its API does not document: tell its operator",
  })

export async function allPages<T extends {id: string}>(p: Pages, caps: PageCaps = PAGE_CAPS): Promise<T[]> {
  const out: T[] = []
  const ids = new Set<string>()
  const links = new Set<string>()
  let next: string | undefined = p.first
  for (let pages = 0; next !== undefined; pages++) {
    if (links.has(next)) throw listError(`${p.what} links back to a page it gave before (${clip(oneLine(next))})`)
    if (pages >= caps.pages) throw listError(`${p.what} goes on past ${caps.pages} pages; wd stops there`)
    links.add(next)
    const res = await p.get(next, MAX_PAGE_BYTES)
    const page = json<unknown>(res)
    if (!isObject(page)) throw bad(res, 'not an object')
    const {items, next: after} = p.read(page)
    if (!Array.isArray(items)) throw bad(res, `without the list (${p.what})`)
    let added = 0
    for (const [i, item] of items.entries()) {
      if (!isObject(item) || typeof item.id !== 'string')
        throw bad(res, `item ${i} of the list: not an object with an id`)
      if (ids.has(item.id)) continue
      ids.add(item.id)
      added++
      if (out.length >= caps.items) throw listError(`${p.what} holds more than ${caps.items} items; wd stops there`)
      out.push(item as T)
    }
    // an empty page ends the list; a page of items all listed already would repeat it forever
    if (items.length > 0 && added === 0) throw listError(`${p.what} repeats items it gave before, page after page`)
    next = items.length > 0 ? after : undefined
  }
  return out
}
