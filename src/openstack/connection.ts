/**
 * A connection to one cloud for one command: authenticates on first use, reuses the token, finds endpoints in the
 * catalog, and asks for a new token once when a service answers 401 (the token expired or was revoked meanwhile).
 */
import type {AxiosResponse} from 'axios'
import type {CloudConfig} from './cloud-config.js'
import {answerOf, apiError, httpClient, type HttpClient, type Request} from './http.js'
import {WdError} from '../errors.js'
import {clip, oneLine} from '../text/clip.js'
import {authenticate, endpoint, identityBase, type Token} from './keystone.js'
import {Backoff} from '../backoff.js'

export interface CallOptions {
  body?: unknown
  headers?: Record<string, string>
  /** statuses that are answers, not errors (e.g. 404 when looking something up) */
  accept?: number[]
  /** said with the error when the cloud refuses */
  hint?: (status: number, said: string) => string | undefined
  /** the largest answer taken (default: limits.ts's MAX_ANSWER_BYTES) */
  maxBytes?: number
}

export interface Connection {
  config: CloudConfig
  token(): Promise<Token>
  call(service: Service, method: string, path: string, options?: CallOptions): Promise<AxiosResponse>
  /** what the library has to tell the user without failing (the CLI prints it as a warning) */
  warn(message: string): void
}

type Service = 'compute' | 'image' | 'identity'
const NAMES = {compute: 'nova', image: 'glance', identity: 'keystone'} as const

/** After a failed login, the next one is tried no sooner than this (doubling from the first, up to the last). */
const LOGIN_BACKOFF_MS = {first: 500, max: 30000}

/**
 * Tokens come from the cloud's credentials, or are `given`: a caller's own, already validated token (the policy
 * service acts with it). A given token is never renewed, so a 401 then stays a 401. A failed login is not kept: the
 * next call logs in again once the backoff since the last failure has passed (before that it fails at once with the
 * same error), so a long-running `wd serve` recovers by itself when Keystone comes back.
 */
export function connect(
  config: CloudConfig,
  http: HttpClient = httpClient(config),
  given?: Token,
  warn: (message: string) => void = () => undefined,
): Connection {
  let token: Promise<Token> | undefined = given && Promise.resolve(given)
  const renewable = !given && !config.authType.endsWith('token')
  const backoff = new Backoff(LOGIN_BACKOFF_MS.first, LOGIN_BACKOFF_MS.max)
  // after a failed login: until when the same error is given again without asking Keystone
  let quietUntil = 0
  let lastFailure: Error | undefined
  const fresh = (): Promise<Token> => {
    if (lastFailure && Date.now() < quietUntil) return Promise.reject(lastFailure)
    const attempt = authenticate(config, http)
    token = attempt
    attempt.then(
      () => {
        backoff.reset()
        lastFailure = undefined
      },
      (e: Error) => {
        if (token === attempt) token = undefined
        quietUntil = Date.now() + backoff.next()
        lastFailure = e
      },
    )
    return attempt
  }
  return {
    config,
    warn,
    token: () => token ?? fresh(),
    async call(service, method, path, options = {}) {
      for (let attempt = 1; ; attempt++) {
        const t = await (token ?? fresh())
        const override = service === 'identity' ? undefined : config.endpointOverride?.[service]
        const base = override?.replace(/\/+$/, '') ?? endpoint(t, service, config)
        const req: Request = {
          method,
          url: `${service === 'image' ? base.replace(/\/v2$/, '') + '/v2' : service === 'identity' ? identityBase(base) : base}${path}`,
          service: NAMES[service],
          headers: {
            'X-Auth-Token': t.value,
            Accept: 'application/json',
            ...(options.body !== undefined && {'Content-Type': 'application/json'}),
            ...options.headers,
          },
          body: options.body,
          ...(options.maxBytes !== undefined && {maxBytes: options.maxBytes}),
        }
        const res = await http.send(req)
        // a token that stopped working since it was issued: one new token, one more try
        if (res.status === 401 && attempt === 1 && renewable) {
          token = undefined
          continue
        }
        if (res.status >= 400 && !options.accept?.includes(res.status)) throw apiError(req, res, options.hint)
        return res
      }
    },
  }
}

/**
 * The JSON body of an answer. One that is not JSON (truncated, an HTML page with a 200) is the cloud's fault, said
 * with the request it answered (WD_BAD_ANSWER), never a parse error of wd's. The type is what the API documents:
 * callers check the shapes they rely on (see `bad` below).
 */
export function json<T>(res: AxiosResponse): T {
  try {
    return JSON.parse(res.data as string) as T
  } catch (e) {
    throw bad(res, `not JSON (${(e as Error).message})`)
  }
}

/** The error for an answer that is not what its API documents: which answer, and what was wrong with it. */
export function bad(res: AxiosResponse, what: string): WdError {
  return new WdError('WD_BAD_ANSWER', `${answerOf(res)}: the answer is ${oneLine(clip(what, 300))}`, {
    hint: "the cloud's API (or something in front of it) answered what its API does not document: tell its operator",
  })
}
