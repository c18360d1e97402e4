/**
 * The error registry as HTTP: every refusal is `{"error": {code, message, hint}}` with the code's status, whether it
 * is a WdError from the library, a request the route schemas refuse, an unknown route, or a request Node's HTTP
 * parser refuses before any route sees it. Nothing internal (a stack, a cause) reaches a caller.
 */
import type {FastifyInstance} from 'fastify'
import fp from 'fastify-plugin'
import type {Socket} from 'node:net'
import {WdError, isWdError} from '../../errors.js'
import {clip} from '../../text/clip.js'

/** An answer in wd's envelope, for the places Fastify answers before any route (written to the raw socket). */
const envelope = (code: string, message: string) => JSON.stringify({error: {code, message}})

/** Fastify's clientErrorHandler: what Node's HTTP parser refuses (headers too large, not HTTP) in wd's envelope. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
  const body = tooLarge
    ? envelope('WD_USAGE', 'the request headers are larger than the server accepts')
    : envelope('WD_USAGE', 'the request is not valid HTTP')
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

type FastifyError = Error & {statusCode?: number; validation?: unknown; code?: string}

async function errors(app: FastifyInstance): Promise<void> {
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({error: {code: 'WD_NOT_FOUND', message: `no route ${req.method} ${clip(req.url)}`}}),
  )
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (isWdError(err)) return reply.code(err.httpStatus).send({error: err.toJSON()})
    if (err.validation) {
      // the one `not` in the route schemas: an id that is a path segment
      const dots = (err.validation as {keyword?: string}[])[0]?.keyword === 'not'
      const message = dots
        ? "'.' and '..' are no flavor or image ids (they are path segments)"
        : `request ${err.message}`
      return reply.code(400).send({error: {code: 'WD_USAGE', message}})
    }
    if (err.statusCode === 413) return reply.code(413).send({error: {code: 'WD_FILE_TOO_LARGE', message: err.message}})
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({error: {code: 'WD_USAGE', message: err.message}})
    }
    req.log.error({err}, 'internal error')
    return reply.code(500).send({error: new WdError('WD_INTERNAL', 'internal error').toJSON()})
  })
}

export const errorsPlugin = fp(errors, {name: 'wd-errors'})
