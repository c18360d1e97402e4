/** The operator policy as wd holds it after loading: plain data plus compiled name matchers. */
import type {NovaAction, NovaSetting} from '../vocab/nova.js'

export type ImageOverride = 'allow' | 'deny' | 'same-or-stricter'

interface Requirement {
  /** the glob as written, for messages */
  flavors: string
  matches: (flavorName: string) => boolean
  actions?: readonly NovaAction[]
}

export interface Access {
  /** roles that may use the service's read endpoints; undefined: any valid token */
  read?: readonly string[]
  /** roles that may ask about any project's instance (vendordata) */
  anyProject: readonly string[]
}

/** Without an access section: any valid token reads, and only admins ask about other projects. */
export const DEFAULT_ACCESS: Access = {anyProject: ['admin']}

export interface Policy {
  name: string
  access: Access
  allowedActions?: readonly NovaAction[]
  imageOverride: ImageOverride
  require: Requirement[]
}

/** Weakest first: by how much the hypervisor does about a hung guest. */
export const STRICTNESS: Record<NovaSetting, number> = {disabled: 0, none: 1, pause: 2, poweroff: 3, reset: 4}
