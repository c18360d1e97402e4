/**
 * One error type for everything a user can get wrong. The code is stable (scripts match on it); each face decides
 * what a code means for it (exit status for the CLI, HTTP status for the service) from this one registry.
 */

export interface SourcePosition {
  file: string
  line: number
  col: number
  endLine?: number
  endCol?: number
}

interface ErrorDef {
  /** CLI exit status: 1 = the input is invalid, 2 = usage or environment problem */
  exit: 1 | 2
  http: number
  summary: string
}

export const ERROR_CODES = {
  WD_USAGE: {exit: 2, http: 400, summary: 'The command line or request is malformed'},
  WD_NOT_FOUND: {exit: 2, http: 404, summary: 'A named flavor, image, file or schema does not exist'},
  WD_FILE_UNREADABLE: {exit: 2, http: 400, summary: 'A file cannot be read'},
  WD_FILE_TOO_LARGE: {exit: 2, http: 413, summary: 'A file is larger than wd reads'},
  WD_FILE_CHANGED: {exit: 2, http: 409, summary: 'A file changed while wd was editing it'},
  WD_FILE_UNWRITABLE: {exit: 2, http: 500, summary: 'A file or its directory cannot be written'},
  WD_FILE_REFUSED: {
    exit: 2,
    http: 415,
    summary:
      'A file is not of the kind wd edits (binary, NUL bytes, UTF-16, lone CR line ends, not a regular file); it is left untouched',
  },
  WD_CONFIG: {exit: 2, http: 500, summary: 'A policy or configuration file is invalid'},
  WD_AUTH: {exit: 2, http: 401, summary: 'Keystone or the identity provider refused the credentials or the token'},
  WD_FORBIDDEN: {exit: 2, http: 403, summary: 'The cloud does not allow this user to do that'},
  WD_CONFLICT: {
    exit: 2,
    http: 409,
    summary:
      "The change conflicts with the resource's state: the cloud refused it, a Proxmox guest is locked or on another node, a lock timed out",
  },
  WD_NO_QUORUM: {
    exit: 2,
    http: 503,
    summary: 'This Proxmox VE node has no quorum: the cluster file system (/etc/pve) is read-only',
  },
  WD_UNREACHABLE: {exit: 2, http: 502, summary: 'A service could not be reached, or kept failing'},
  // apart from WD_UNREACHABLE: trying again later will not help; the cloud's operator has to look at what it sends
  WD_BAD_ANSWER: {
    exit: 2,
    http: 502,
    summary:
      'A service answered what wd cannot use (not JSON, not the shape its API documents, too large, or a list that never ends)',
  },
  WD_PLAN_STALE: {
    exit: 2,
    http: 409,
    summary: 'A saved plan no longer matches the cloud (something changed since): nothing was written; plan again',
  },
  // apart from WD_PLAN_STALE: the file itself is wrong (edited, or not what plan -o wrote), not the cloud
  WD_PLAN_INVALID: {
    exit: 2,
    http: 422,
    summary:
      'A saved plan does not do what it shows, or asks for what plan never writes: nothing was written; plan again',
  },
  WD_API_REFUSED: {exit: 1, http: 422, summary: 'The cloud refused a value (HTTP 400)'},
  WD_INTERNAL: {exit: 2, http: 500, summary: 'A fault in wd itself (the service logs it; please report it)'},
  WD_SYNTAX: {exit: 1, http: 400, summary: 'YAML, JSON or XML that does not parse'},
  WD_SCHEMA: {exit: 1, http: 422, summary: 'A document that does not match its JSON Schema'},
  WD_CATALOG_INVALID: {
    exit: 1,
    http: 422,
    summary: 'A catalog with errors (or two entries for one flavor) cannot be planned or applied',
  },
  WD_INVALID_VALUE: {exit: 1, http: 422, summary: 'A watchdog model or action that the target system refuses'},
  WD_UNTRANSLATABLE: {exit: 1, http: 422, summary: 'A setting that has no equivalent in the target system'},
} as const satisfies Record<string, ErrorDef>

export type WdErrorCode = keyof typeof ERROR_CODES

export class WdError extends Error {
  override readonly name = 'WdError'
  readonly code: WdErrorCode
  readonly hint?: string
  readonly location?: SourcePosition

  constructor(
    code: WdErrorCode,
    message: string,
    options: {hint?: string; location?: SourcePosition; cause?: unknown} = {},
  ) {
    super(message, {cause: options.cause})
    this.code = code
    if (options.hint !== undefined) this.hint = options.hint
    if (options.location !== undefined) this.location = options.location
  }

  get exit(): 1 | 2 {
    return ERROR_CODES[this.code].exit
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http
  }

  /** `file:line:col: message` when the error has a place, else the message */
  get reason(): string {
    const l = this.location
    return l ? `${l.file}:${l.line}:${l.col}: ${this.message}` : this.message
  }

  toJSON(): {code: WdErrorCode; message: string; hint?: string; location?: SourcePosition} {
    return {code: this.code, message: this.message, hint: this.hint, location: this.location}
  }
}

export function isWdError(e: unknown): e is WdError {
  return e instanceof WdError
}
