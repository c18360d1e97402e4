/**
 * The one place a resolution is asked for, by the CLI (`wd resolve`, `wd xml patch`) and the service
 * (`POST /v1/resolve`) alike: each of the flavor and the image given inline (its extra specs or properties), by name
 * in a catalog file, or by name or id in the live cloud; the operator policy applied; the result typed data
 * (schemas/resolution.schema.json) with the libvirt element and the Proxmox line it renders to.
 */
import {WdError} from '../errors.js'
import {MAX_CATALOG_BYTES} from '../limits.js'
import type {Finding} from '../engine/findings.js'
import type {Properties} from '../engine/nova-checks.js'
import {resolve, type Resolution} from '../engine/resolve.js'
import type {Connection} from '../openstack/connection.js'
import {withPolicy, type NamedProps} from '../policy/evaluate.js'
import type {Policy} from '../policy/policy.js'
import {renderLibvirtElement} from '../render/libvirt.js'
import {renderProxmoxLine} from '../render/proxmox.js'
import {translate} from '../vocab/translate.js'
import type {GuestHalfOptions} from '../render/guest-half.js'
import {guestHalfOf} from './guest-half.js'

export interface ResolveRequest {
  flavorSpecs?: Properties
  imageProperties?: Properties
  /** a flavor name or id: in `catalog` when one is given, else in the cloud */
  flavor?: string
  image?: string
  /** a catalog file's path (or '-'): the CLI's --catalog; the service takes no files */
  catalog?: string
  /** include each step of the resolution */
  explain?: boolean
  /** include the guest half (the script that arms the device in the guest), set up so */
  guestHalf?: GuestHalfOptions
}

export interface ResolveContext {
  policy?: Policy
  /** the cloud to look names up in; asked for only when a flavor or image is named without a catalog */
  connection?: () => Promise<Connection> | Connection
}

/** schemas/resolution.schema.json */
export interface ResolutionResult {
  device: Resolution['device']
  decidedBy: Resolution['decidedBy']
  valid: boolean
  warnings: string[]
  errors: string[]
  findings: Finding[]
  trace?: string[]
  /** the libvirt `<watchdog>` element, or null for no device */
  libvirt: string | null
  /** the Proxmox `watchdog:` line, or null for no device */
  proxmox: string | null
  /** when asked for: the guest half (src/render/guest-half.ts), or null for no device */
  guestHalf?: string | null
}

const where = (f: Finding) => (f.position ? `${f.position.file}:${f.position.line}:${f.position.col}: ` : '')

/** A resolution as typed data; `errors` and `warnings` are the findings' messages, placed when they have a place. */
function resolutionResult(r: Resolution, explain = false, guest?: GuestHalfOptions): ResolutionResult {
  const device = r.device
  return {
    device,
    decidedBy: r.decidedBy,
    valid: r.errors.length === 0,
    warnings: r.warnings.map((f) => where(f) + f.message),
    errors: r.errors.map((f) => where(f) + f.message),
    findings: [...r.errors, ...r.warnings],
    ...(explain && {trace: r.trace}),
    libvirt: device ? renderLibvirtElement(translate(device, 'nova', 'libvirt')) : null,
    proxmox: device ? renderProxmoxLine(translate(device, 'nova', 'proxmox')) : null,
    ...(guest && {guestHalf: guestHalfOf(device, guest)}),
  }
}

export async function resolveRequest(req: ResolveRequest, ctx: ResolveContext = {}): Promise<ResolutionResult> {
  return resolutionResult(await resolveEngine(req, ctx), req.explain ?? false, req.guestHalf)
}

/** The engine's Resolution for a request (with the policy's findings), for callers that need its Finding objects. */
export async function resolveEngine(req: ResolveRequest, ctx: ResolveContext = {}): Promise<Resolution> {
  if ((req.flavor !== undefined && req.flavorSpecs) || (req.image !== undefined && req.imageProperties)) {
    throw new WdError('WD_USAGE', 'give the flavor (and the image) by name or inline, not both')
  }
  if (req.catalog !== undefined) return fromCatalog(req, req.catalog, ctx.policy)
  const named = req.flavor !== undefined || req.image !== undefined
  const live = named ? await lookUp(req, ctx) : {}
  const flavor: NamedProps | undefined = live.flavor ?? (req.flavorSpecs && {name: '', props: req.flavorSpecs})
  const image: NamedProps | undefined = live.image ?? (req.imageProperties && {name: '', props: req.imageProperties})
  // Inline values have no name, so the policy's require rules (which match names) cannot apply to them.
  return withPolicy(resolve({flavor: flavor?.props, image: image?.props}), ctx.policy, flavor, image)
}

async function fromCatalog(req: ResolveRequest, path: string, policy?: Policy): Promise<Resolution> {
  if (req.flavor === undefined && req.image === undefined) {
    throw new WdError('WD_USAGE', '--catalog needs --flavor NAME, --image NAME or both')
  }
  // Loaded on demand: the YAML parser and ajv are the slowest imports, and inline resolution needs neither.
  const [{readInput}, {loadCatalog}, {resolveFromCatalog}] = await Promise.all([
    import('../fs/read-input.js'),
    import('../catalog/load.js'),
    import('../catalog/resolve-entry.js'),
  ])
  const input = await readInput(path, MAX_CATALOG_BYTES)
  return resolveFromCatalog(loadCatalog(input.text, input.name), req.flavor, req.image, policy)
}

/** The named flavor's extra specs from Nova and the named image's properties from Glance, looked up together. */
async function lookUp(req: ResolveRequest, ctx: ResolveContext): Promise<{flavor?: NamedProps; image?: NamedProps}> {
  if (!ctx.connection) throw new WdError('WD_USAGE', 'no cloud is configured: give the flavor and image inline')
  const conn = await ctx.connection()
  const [{findFlavor}, {findImage}, {imageProperties}] = await Promise.all([
    import('../openstack/nova.js'),
    import('../openstack/glance.js'),
    import('../api/glance.js'),
  ])
  const [flavor, image] = await Promise.all([
    req.flavor === undefined ? undefined : findFlavor(conn, req.flavor),
    req.image === undefined ? undefined : findImage(conn, req.image),
  ])
  return {
    ...(flavor && {flavor: {name: flavor.name, props: flavor.extra_specs}}),
    ...(image && {image: {name: image.name ?? image.id, props: imageProperties(image)}}),
  }
}
