/** What an audit of a cloud finds, as data: its servers, flavors, images, findings and counts (words are in report/). */
import type {Flavor, Server} from '../api/nova.js'
import type {Image} from '../api/glance.js'
import type {RuleId} from '../engine/rules.js'
import type {GuestReport} from '../guest/status.js'
import type {NovaAction} from '../vocab/nova.js'
import type {AuditRuleId, AuditSeverity} from './rules.js'

export interface AuditSubject {
  kind: 'server' | 'flavor' | 'image'
  id: string
  name: string | null
  /** the project that owns it (a server's project, an image's owner) */
  project?: string | null
}

export interface AuditFinding {
  /** an audit/* rule of AUDIT_RULES, or the engine's nova/* and policy/* rule ids for a flavor's or image's own values */
  rule: AuditRuleId | RuleId
  severity: AuditSeverity
  subject: AuditSubject
  /** what is wrong; the object is the subject's to name (every format names it from there) */
  message: string
  fix?: string
  /** the extra spec or property the finding is about */
  key?: string
}

/**
 * Why a server is (not) protected: decided by the flavor or the image; or no watchdog at all, the image's
 * `disabled` over the flavor's, the action `none`, a value Nova refuses; or unknown: booted from a volume, its image
 * gone or hidden, its embedded flavor's extra specs hidden from the caller.
 */
export type ServerWhy =
  | 'flavor'
  | 'image'
  | 'no-watchdog'
  | 'image-disabled'
  | 'action-none'
  | 'invalid'
  | 'volume-backed'
  | 'image-unavailable'
  | 'extra-specs-hidden'

/**
 * Whether the guest armed the device the hypervisor gave it, in its own words (its console's last `wd-guest:` line,
 * src/guest/status.ts), or why wd cannot tell: the console was not read (`not-checked`), the server is not running,
 * Nova gave no console (`no-console`, with Nova's words), it holds no wd-guest line, or only one from an earlier boot.
 */
export interface GuestObservation {
  state: 'armed' | 'not-armed' | 'unknown'
  report?: GuestReport
  unknown?: 'not-checked' | 'not-running' | 'no-console' | 'no-line' | 'stale'
  /** no-console: what Nova said */
  said?: string
}

export interface AuditServer {
  id: string
  name: string | null
  project: string | null
  projectName: string | null
  status: string | null
  /** Nova's power state by name: running, paused, shutdown, crashed, suspended, nostate */
  powerState: string | null
  /** the embedded flavor's name, and the id of the flavor that has that name now (null: none, or several) */
  flavor: {name: string | null; id: string | null}
  /** null: booted from a volume */
  image: {id: string; name: string | null} | null
  /** the device Nova gave it; null for none (or unknown) */
  device: {model: string; action: NovaAction} | null
  /**
   * whether the hypervisor acts when the guest hangs: its device acts on expiry and its guest armed it; null when wd
   * cannot know (the device, or what the guest did)
   */
  protected: boolean | null
  /** why the device is there or not (the hypervisor's side; the guest's is `guest`) */
  why: ServerWhy
  /** for a server whose device acts (reset, poweroff, pause): whether its guest armed it; null otherwise */
  guest: GuestObservation | null
}

export interface AuditFlavor {
  id: string
  name: string
  isPublic: boolean
  /** the stored hw:watchdog_action, null when absent */
  setting: string | null
  valid: boolean
  /** servers that booted with a flavor of this name */
  servers: number
}

export interface AuditImage {
  id: string
  name: string | null
  owner: string | null
  ownerName: string | null
  visibility: string | null
  /** the stored hw_watchdog_action, null when absent */
  setting: string | null
  machineType: string | null
  architecture: string | null
  servers: number
}

export interface Counts {
  total: number
  protected: number
  unprotected: number
  unknown: number
}

export interface AuditSummary {
  /** byAction: servers by their device's action; guests: servers whose device acts, by whether the guest armed it */
  servers: Counts & {byAction: Record<NovaAction, number>; guests: Record<GuestObservation['state'], number>}
  byProject: (Counts & {project: string | null; name: string | null})[]
  byFlavor: (Counts & {flavor: string | null})[]
  findings: Record<AuditSeverity, number>
}

export interface CloudState {
  flavors: readonly Flavor[]
  images: readonly Image[]
  servers: readonly Server[]
  /** project names by id (empty when the caller may not list projects) */
  projects: ReadonlyMap<string, string>
  /** what each server's guest said (by server id) of those guestToCheck chose; undefined: consoles were not read */
  guests?: ReadonlyMap<string, GuestObservation>
}

export interface Judgement {
  summary: AuditSummary
  servers: AuditServer[]
  flavors: AuditFlavor[]
  images: AuditImage[]
  findings: AuditFinding[]
}
