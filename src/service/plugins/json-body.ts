/**
 * JSON bodies, parsed with the keys that could change object prototypes refused by name (`__proto__`, and a
 * `constructor` holding a `prototype`): the caller learns what is wrong, not only that something is.
 */
import type {FastifyInstance} from 'fastify'
import fp from 'fastify-plugin'
import {WdError} from '../../errors.js'
import {clip} from '../../text/clip.js'

// A reviver is called for every value of every body; the text is searched first instead, and only a body that
// could hold one of the keys takes the reviver's path: one that names them, or has any \u escape (which could spell
// them: "__pro\u0074o__").
const SUSPECT = /"(?:__proto__|constructor)"|\\u/

function refuse(key: string, value: unknown): unknown {
  if (
    key === '__proto__' ||
    (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)
  ) {
    throw new WdError('WD_USAGE', `the body has a key '${key}', which wd refuses (it could change object prototypes)`)
  }
  return value
}

function parseJsonBody(text: string): unknown {
  if (text === '') throw new WdError('WD_USAGE', 'the body is empty; a JSON object is expected')
  try {
    return SUSPECT.test(text) ? JSON.parse(text, refuse) : JSON.parse(text)
  } catch (e) {
    if (e instanceof WdError) throw e
    throw new WdError('WD_USAGE', `the body is not valid JSON: ${clip((e as Error).message)}`)
  }
}

async function jsonBody(app: FastifyInstance): Promise<void> {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', {parseAs: 'string'}, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string))
    } catch (e) {
      done(e as Error, undefined)
    }
  })
}

export const jsonBodyPlugin = fp(jsonBody, {name: 'wd-json-body'})
