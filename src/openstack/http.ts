/**
 * One HTTP client for every OpenStack call (axios): timeouts, TLS as configured, no connection reuse (uwsgi-served
 * APIs close idle sockets without a word), retries with backoff for idempotent requests only, and API errors turned
 * into one-line WdErrors with the server's own message. Request headers and bodies never reach an error message.
 * An optional trace (`--debug`) gets one line per attempt: method, URL as it goes on the wire, headers with every
 * credential redacted, and the outcome; bodies (passwords, secrets) are never shown, only their size.
 *
 * Bounded whatever the server does: each attempt has a deadline for the whole exchange (`api_timeout`: a body
 * trickled a byte at a time ends there, not when the server stops), and an answer larger than its request's cap is
 * cut off and refused (WD_BAD_ANSWER). The path is sent exactly as wd built it: the WHATWG URL parser (axios's)
 * would resolve a `%2E%2E` segment — an id `..`, encoded as data — as "go up", and send the request elsewhere.
 */
import axios, {type AxiosInstance, type AxiosResponse} from 'axios'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import {WdError, type WdErrorCode} from '../errors.js'
import type {CloudConfig} from './cloud-config.js'
import {Backoff, sleep} from '../backoff.js'
import {asString, isObject} from '../untrusted.js'
import {MAX_ANSWER_BYTES, MiB} from '../limits.js'
import {clip, oneLine} from '../text/clip.js'

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
  /** the largest answer taken (default MAX_ANSWER_BYTES) */
  maxBytes?: number
  /**
   * Retries for a request that reads nothing (a webhook's POST): this many attempts, waiting with the one backoff
   * from `backoffMs`, again after any network failure or any answer but 2xx. Without it only idempotent methods are
   * retried, after the failures and statuses a retry can help.
   */
  retry?: {attempts: number; backoffMs: number}
}

/**
 * One path segment of a URL, as data: percent-encoded, and `.` too (`%2E`), so an id `.` or `..` is never a dot
 * segment. Every id or key wd puts in a path goes through this.
 */
export const segment = (s: string): string => encodeURIComponent(s).replaceAll('.', '%2E')

/** What was sent, for each answer: a malformed body is then said with its service, method and path. */
const sentFor = new WeakMap<AxiosResponse, Request>()

/** `nova: GET /v2.1/servers/detail` for an answer's request (or what axios kept of it). */
export function answerOf(res: AxiosResponse): string {
  const req = sentFor.get(res)
  const method = req?.method ?? res.config?.method?.toUpperCase() ?? 'GET'
  const url = req?.url ?? res.config?.url ?? ''
  return `${req?.service ?? 'the cloud'}: ${method} ${clip(oneLine(rawPath(url)), 200)}`
}

/** The path and query of a URL as written (no dot segments resolved, nothing re-encoded). */
function rawPath(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)
  return (m ? m[1] : url) || '/'
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

/** A URL's scheme, host and port: what axios is given, the path going apart (see asWritten). */
function originOf(url: string): string {
  const u = new URL(url)
  return `${u.protocol}//${u.host}`
}

/** A transport for axios that sends `path` as given instead of the one axios parsed (and normalized) from the URL. */
function asWritten(path: string) {
  return {
    request: (options: http.RequestOptions, answer: (res: http.IncomingMessage) => void) =>
      (options.protocol === 'https:' ? https : http).request(
        // through an HTTP proxy (HTTP_PROXY) the request line holds the whole URL: its origin, then the path
        {...options, path: options.path?.startsWith('/') === false ? `${originOf(options.path)}${path}` : path},
        answer,
      ),
  }
}

/** A URL as it may be shown: a `user:password@` in it is redacted. */
function withoutUserinfo(url: string): string {
  const u = new URL(url)
  if (!u.username && !u.password) return url
  // the path as written, not as the URL parser would resolve it
  return `${u.protocol}//redacted@${u.host}${rawPath(url)}`
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
      const attempts = req.retry?.attempts ?? (IDEMPOTENT.has(req.method) ? RETRIES + 1 : 1)
      const backoff = new Backoff(req.retry?.backoffMs ?? backoffMs)
      for (let attempt = 1; ; attempt++) {
        let res: AxiosResponse | undefined
        let failure: NodeJS.ErrnoException | undefined
        const started = Date.now()
        const maxBytes = req.maxBytes ?? MAX_ANSWER_BYTES
        try {
          const answer = await client.request({
            method: req.method,
            url: originOf(req.url),
            transport: asWritten(rawPath(req.url)),
            headers: req.headers,
            data,
            // the deadline of the whole exchange: axios's own timeout only notices a connection that says nothing
            signal: AbortSignal.timeout(config.timeout * 1000),
            maxContentLength: maxBytes,
          })
          sentFor.set(answer, req)
          res = answer
        } catch (e) {
          failure = e as NodeJS.ErrnoException
          if (failure.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(failure.message)) {
            throw new WdError(
              'WD_BAD_ANSWER',
              `${req.service}: the answer to ${req.method} ${clip(oneLine(rawPath(req.url)), 200)} is larger than ${maxBytes / MiB} MiB, the most wd reads of it`,
              {cause: e},
            )
          }
        }
        const retry = req.retry
          ? failure !== undefined || res!.status >= 300
          : failure
            ? NETWORK_RETRY.has(failure.code ?? '')
            : RETRY_STATUS.has(res!.status)
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
          const path = rawPath(req.url).split('?')[0]
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
  const why =
    e.code === 'ECONNABORTED' || e.code === 'ERR_CANCELED' ? 'timed out' : (e.code ?? oneLine(clip(e.message, 200)))
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
  // clipped and escaped in every branch: the words are the server's, of any length, with any characters
  return oneLine(clip(serverWords(body), SAID_MAX))
}

/** The most of a server's words an error message quotes. */
const SAID_MAX = 300

function serverWords(body: unknown): string {
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
  }
  // a bare JSON string is text too, as the HTML page's
  if (!isObject(data)) return (asString(data) ?? '').replace(/\s+/g, ' ').trim()
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
  const path = rawPath(req.url).split('?')[0]
  const said = serverMessage(res.data)
  if (typeof hint === 'function') hint = hint(res.status, said)
  const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'WD_UNREACHABLE' : 'WD_API_REFUSED')
  return new WdError(code, `${req.service}: HTTP ${res.status} on ${req.method} ${path}${said ? `: ${said}` : ''}`, {
    ...(hint && {hint}),
  })
}
