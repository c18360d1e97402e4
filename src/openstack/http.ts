/**
 * One HTTP client for every OpenStack call (axios): timeouts, TLS as configured, no connection reuse (uwsgi-served
 * APIs close idle sockets without a word), retries with backoff for idempotent requests only, and API errors turned
 * into one-line WdErrors with the server's own message. Request headers and bodies never reach an error message.
 * An optional trace (`--debug`) gets one line per attempt: method, URL, headers with every credential redacted,
 * and the outcome; bodies (passwords, secrets) are never shown, only their size.
 */
import axios, {type AxiosInstance, type AxiosResponse} from 'axios'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import {WdError, type WdErrorCode} from '../errors.js'
import type {CloudConfig} from './cloud-config.js'
import {Backoff, sleep} from '../backoff.js'
import {asString, isObject} from '../is-object.js'

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
const RETRY_STATUS = new Set([502, 503, 504])
// Not ECONNABORTED (axios's timeout): a server that took the whole timeout to say nothing would likely do it again,
// and a person at a terminal should not wait four timeouts.
const NETWORK_RETRY = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])
const RETRIES = 3

export interface Request {
  method: string
  url: string
  headers?: Record<string, string>
  body?: unknown
  /** the service, for messages: nova, glance, keystone, the IdP */
  service: string
}

export interface HttpClient {
  send(req: Request): Promise<AxiosResponse>
}

export type Trace = (line: string) => void

const CREDENTIAL_HEADER = /token|authorization|secret|password|cookie/i

function traceLine(req: Request, data: string | undefined, outcome: string): string {
  const headers = Object.entries(req.headers ?? {})
    .map(([k, v]) => `${k}: ${CREDENTIAL_HEADER.test(k) ? '<redacted>' : v}`)
    .join(', ')
  const body = data === undefined ? '' : ` body ${data.length} bytes (not shown)`
  return `http: ${req.method} ${withoutUserinfo(req.url)} {${headers}}${body} -> ${outcome}`
}

/** A URL as it may be shown: a `user:password@` in it is redacted. */
function withoutUserinfo(url: string): string {
  const u = new URL(url)
  if (!u.username && !u.password) return url
  u.username = 'redacted'
  u.password = ''
  return u.href
}

export function httpClient(
  config: Pick<CloudConfig, 'verify' | 'cacert' | 'timeout'>,
  backoffMs = 400,
  trace?: Trace,
  /** told of each retry before its wait, e.g. `retrying in 0.4 s (1/3): nova: GET /flavors/detail: HTTP 503` */
  onRetry?: Trace,
): HttpClient {
  let ca: Buffer | undefined
  if (config.cacert) {
    try {
      ca = readFileSync(config.cacert)
    } catch (e) {
      throw new WdError('WD_CONFIG', `cacert ${config.cacert}: ${(e as Error).message}`)
    }
  }
  const client: AxiosInstance = axios.create({
    timeout: config.timeout * 1000,
    httpAgent: new http.Agent({keepAlive: false}),
    httpsAgent: new https.Agent({keepAlive: false, rejectUnauthorized: config.verify, ...(ca && {ca})}),
    validateStatus: () => true,
    maxRedirects: 0,
    // bodies stay text until wd decides how to read them (Glance answers HTML without Accept: application/json)
    transformResponse: [(data: unknown) => data],
    responseType: 'text',
  })
  return {
    async send(req) {
      // the body as sent, made once for every attempt
      const data =
        req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
      const attempts = IDEMPOTENT.has(req.method) ? RETRIES + 1 : 1
      const backoff = new Backoff(backoffMs)
      for (let attempt = 1; ; attempt++) {
        let res: AxiosResponse | undefined
        let failure: NodeJS.ErrnoException | undefined
        const started = Date.now()
        try {
          res = await client.request({
            method: req.method,
            url: req.url,
            headers: req.headers,
            data,
          })
        } catch (e) {
          failure = e as NodeJS.ErrnoException
        }
        const retry = failure ? NETWORK_RETRY.has(failure.code ?? '') : RETRY_STATUS.has(res!.status)
        const wait = retry && attempt < attempts ? backoff.next() : undefined
        if (trace) {
          const took = `${Date.now() - started} ms`
          const what = failure
            ? `${failure.code ?? failure.message} after ${took}`
            : `${res!.status} in ${took}, ${String(res!.data ?? '').length} bytes`
          trace(traceLine(req, data, wait === undefined ? what : `${what}; retrying in ${wait} ms`))
        }
        if (wait !== undefined) {
          const why = failure ? (failure.code ?? failure.message) : `HTTP ${res!.status}`
          const path = new URL(req.url).pathname
          onRetry?.(
            `retrying in ${wait / 1000} s (${attempt}/${attempts - 1}): ${req.service}: ${req.method} ${path}: ${why}`,
          )
          await sleep(wait)
          continue
        }
        if (failure) throw unreachable(req, failure, attempt)
        return res!
      }
    },
  }
}

function unreachable(req: Request, e: NodeJS.ErrnoException, attempts: number): WdError {
  const {origin} = new URL(req.url)
  const why = e.code === 'ECONNABORTED' ? 'timed out' : (e.code ?? e.message)
  const tries = attempts > 1 ? ` (${attempts} attempts)` : ''
  return new WdError('WD_UNREACHABLE', `${req.service}: cannot reach ${origin}: ${why}${tries}`, {
    hint:
      e.code?.startsWith('CERT') || e.code?.includes('SELF_SIGNED')
        ? 'set cacert (or verify: false) for this cloud'
        : undefined,
    cause: e,
  })
}

/** The entities Glance's and WebOb's HTML error pages use in the server's words. */
const HTML_ENTITIES: Record<string, string> = {'#x27': "'", '#39': "'", quot: '"', lt: '<', gt: '>', amp: '&'}

/**
 * The server's own message from a Nova, Glance, Keystone or OAuth error body: an object's (or its one nested
 * object's) message, a bare JSON string, an HTML page's text; any other JSON (null, a number, a list) says nothing.
 */
export function serverMessage(body: unknown): string {
  if (typeof body !== 'string' || body === '') return ''
  let data: unknown
  try {
    data = JSON.parse(body)
  } catch {
    // Glance answers HTML unless asked for JSON: keep the text
    return body
      .replace(/<[^>]+>/g, ' ')
      .replace(/&(#x27|#39|quot|lt|gt|amp);/g, (_, e: string) => HTML_ENTITIES[e]!)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 300)
  }
  // a bare JSON string is text too, as the HTML page's
  if (!isObject(data)) return (asString(data) ?? '').replace(/\s+/g, ' ').trim().slice(0, 300)
  const nested = Object.values(data).find((v) => isObject(v) && 'message' in v) as {message?: unknown} | undefined
  const text =
    asString(nested?.message) ??
    asString(data.message) ??
    asString(data.error_description) ??
    asString(data.error) ??
    asString(data.title) ??
    ''
  return text
    .replace(/<br \/>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const STATUS_CODES: Record<number, WdErrorCode> = {
  400: 'WD_API_REFUSED',
  401: 'WD_AUTH',
  403: 'WD_FORBIDDEN',
  404: 'WD_NOT_FOUND',
  409: 'WD_CONFLICT',
}

/**
 * The error for a refused request: the service, status, method, path and the server's own words; the hint is given,
 * or made from the status and those words (a 403 can mean several things, and only the words tell which).
 */
export function apiError(
  req: Request,
  res: AxiosResponse,
  hint?: string | ((status: number, said: string) => string | undefined),
): WdError {
  const path = new URL(req.url).pathname
  const said = serverMessage(res.data)
  if (typeof hint === 'function') hint = hint(res.status, said)
  const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'WD_UNREACHABLE' : 'WD_API_REFUSED')
  return new WdError(code, `${req.service}: HTTP ${res.status} on ${req.method} ${path}${said ? `: ${said}` : ''}`, {
    ...(hint && {hint}),
  })
}
