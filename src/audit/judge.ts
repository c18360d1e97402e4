/**
 * Judging a cloud's watchdogs from what its APIs said: for each server, the watchdog Nova gave it (its embedded
 * flavor, as it was at boot, and its image's properties, resolved by the engine exactly as Nova's libvirt driver
 * does), and the findings about servers, flavors and images. Pure: the reading is done in src/operations/audit.ts.
 */
import {resolve} from '../engine/resolve.js'
import {checkProperties} from '../engine/nova-checks.js'
import type {Finding} from '../engine/findings.js'
import {evaluateFlavor, evaluateImage, type NamedProps} from '../policy/evaluate.js'
import {STRICTNESS, type Policy} from '../policy/policy.js'
import {clip} from '../text/clip.js'
import {FLAVOR_KEY, IMAGE_KEY, isNovaSetting} from '../vocab/nova.js'
import {bootFlavor, imageIdOf, powerStateOf, specsOf, stringOrNull, type Flavor, type Server} from '../api/nova.js'
import {imageProperties, type Image} from '../api/glance.js'
import type {AuditSeverity} from './rules.js'
import {isNotArmedReason, type NotArmedReason} from '../vocab/guest.js'
import type {
  AuditFinding,
  AuditFlavor,
  AuditImage,
  AuditServer,
  AuditSubject,
  CloudState,
  GuestObservation,
  Judgement,
  ServerWhy,
} from './model.js'
import {groupBy, summarize} from './summary.js'

/** Architectures whose QEMU has no i6300esb (s390x) or whose distribution builds leave it out (aarch64, ppc64le). */
const NO_I6300ESB = new Set(['aarch64', 's390x', 'ppc64le', 'ppc64'])
const SEVERITY_ORDER: Record<AuditSeverity, number> = {error: 0, warning: 1, info: 2}

/** The engine's findings on one flavor or image, as the audit reports them. */
function asAudit(f: Finding, subject: AuditSubject, spawnFails: boolean): AuditFinding {
  const consequence =
    spawnFails && f.severity === 'error' ? ' Stored before Nova 2.86 validated it: every new spawn on it fails.' : ''
  return {
    rule: f.rule,
    severity: f.severity,
    subject,
    message: `${f.message}${consequence}`,
    key: f.key,
    ...(f.fix && {fix: f.fix}),
  }
}

function judgeServer(
  s: Server,
  image: Image | undefined,
  flavorByName: ReadonlyMap<string, Flavor[]>,
  projects: ReadonlyMap<string, string>,
  guests: ReadonlyMap<string, GuestObservation> | undefined,
): AuditServer {
  const {name: flavorName, specs} = bootFlavor(s)
  const sameName = flavorName === null ? [] : (flavorByName.get(flavorName) ?? [])
  const imageId = imageIdOf(s)
  const project = stringOrNull(s.tenant_id)
  const base = {
    id: String(s.id),
    name: stringOrNull(s.name),
    project,
    projectName: (project && projects.get(project)) ?? null,
    status: stringOrNull(s.status),
    powerState: powerStateOf(s),
    flavor: {name: flavorName, id: sameName.length === 1 ? String(sameName[0]!.id) : null},
    image: imageId === null ? null : {id: imageId, name: image ? stringOrNull(image.name) : null},
  }
  const unknown = (why: ServerWhy): AuditServer => ({...base, device: null, protected: null, why, guest: null})
  if (specs === undefined) return unknown('extra-specs-hidden')
  if (imageId === null) return unknown('volume-backed')
  if (!image) return unknown('image-unavailable')
  const {device, why} = hypervisorSide(specs, imageProperties(image))
  if (why !== 'flavor' && why !== 'image') return {...base, device, protected: false, why, guest: null}
  // the device acts on expiry: only if the guest feeds it does a hang make it act
  const guest = guests?.get(base.id) ?? {state: 'unknown', unknown: guests ? 'no-line' : 'not-checked'}
  const armed = guest.state === 'armed' ? true : guest.state === 'not-armed' ? false : null
  return {...base, device, protected: armed, why, guest}
}

/** The device Nova gives a server and why, from its embedded flavor's extra specs and its image's properties. */
function hypervisorSide(
  specs: Record<string, string>,
  props: Record<string, string>,
): {device: AuditServer['device']; why: ServerWhy} {
  const r = resolve({flavor: specs, image: props})
  const device = r.device && {model: r.device.model, action: r.device.action}
  let why: ServerWhy
  if (r.errors.some((f) => f.key === FLAVOR_KEY || f.key === IMAGE_KEY)) why = 'invalid'
  else if (device?.action === 'none') why = 'action-none'
  else if (device) why = r.decidedBy === 'image' ? 'image' : 'flavor'
  else if (r.decidedBy === 'image' && resolve({flavor: specs}).device) why = 'image-disabled'
  else why = 'no-watchdog'
  return {device, why}
}

/**
 * The servers whose guests are worth asking (their device acts on expiry), with whether each runs: a console is
 * read only for those; the others' guests are not-running without a request.
 */
export function guestsToCheck(state: Omit<CloudState, 'guests'>): {id: string; running: boolean}[] {
  const imageById = new Map(state.images.map((i) => [i.id, i]))
  return state.servers.flatMap((s) => {
    const specs = bootFlavor(s).specs
    const imageId = imageIdOf(s)
    const image = imageId === null ? undefined : imageById.get(imageId)
    if (specs === undefined || !image) return []
    const {why} = hypervisorSide(specs, imageProperties(image))
    return why === 'flavor' || why === 'image' ? [{id: String(s.id), running: s.status === 'ACTIVE'}] : []
  })
}

const UNPROTECTED: Partial<Record<ServerWhy, (s: AuditServer) => {message: string; fix?: string}>> = {
  'no-watchdog': (s) => ({
    message: `has no watchdog: neither its flavor ${clip(s.flavor.name ?? '?')} (as it was at boot) nor its image sets one`,
    fix: `resize it to a flavor with ${FLAVOR_KEY} set (the flavor's current value does not reach a running server)`,
  }),
  'image-disabled': (s) => ({
    message: `has no watchdog: its image ${clip(s.image?.name ?? s.image?.id ?? '?')} says ${IMAGE_KEY}=disabled, which wins over the flavor's`,
    fix: `remove ${IMAGE_KEY} from the image (or forbid it: wd policy export --glance-property-protections), then rebuild the server`,
  }),
  'action-none': () => ({
    message: `has a watchdog whose action is none: the device is there but the hypervisor does nothing on expiry`,
    fix: 'use reset, poweroff or pause',
  }),
  invalid: () => ({
    message: `carries a watchdog value Nova refuses: its spawn fails, and it has no watchdog`,
    fix: `correct the value (see the flavor's and the image's findings)`,
  }),
}

const UNKNOWN: Partial<Record<ServerWhy, string>> = {
  'volume-backed':
    "it was booted from a volume: Nova reads the image properties from the volume's volume_image_metadata in Cinder, which wd does not read",
  'image-unavailable':
    'its image is deleted or not visible to this account: the properties Nova recorded at boot cannot be read',
  'extra-specs-hidden': "Nova hides its embedded flavor's extra specs from this account (an admin sees them)",
}

/** What to do about a guest that did not arm its device, by the guest's reason. */
const GUEST_FIXES: Record<NotArmedReason, string> = {
  'no-driver':
    "boot it from an image whose kernel has the driver (Debian: linux-image-amd64, not the genericcloud images' linux-image-cloud-amd64); softdog is no substitute: it runs inside the kernel that hangs",
  'driver-failed': 'see why the driver did not load: journalctl -u wd-guest in the guest',
  'no-device': "the guest sees no such device: check the domain's <watchdog> (virsh dumpxml) and the guest's lspci",
  'no-systemd': 'the guest half needs systemd to feed the device; arm it with a watchdog daemon of the image instead',
  'feeder-failed': 'see why the feeder did not open the device: journalctl -u wd-guest -b in the guest',
  'not-root': 'the guest half runs as root: cloud-init runs vendor scripts so, and so must whoever runs it by hand',
}

const GUEST_UNKNOWN: Record<Exclude<GuestObservation['unknown'], 'not-running' | undefined>, string> = {
  'not-checked': 'the audit did not read consoles (--no-console)',
  'no-console': 'Nova gave no console',
  'no-line':
    "its console holds no wd-guest line: the guest half did not run (Nova's vendordata target cloud-init not set up, an image without cloud-init, or the user's vendor_data: {enabled: false})",
  stale: 'its last wd-guest line is from an earlier boot: the guest half has not said anything since it booted again',
}

function guestFindings(s: AuditServer, subject: AuditSubject): AuditFinding[] {
  const g = s.guest
  if (!g || !s.device) return []
  const device = `an ${s.device.model} watchdog (${s.device.action})`
  if (g.state === 'not-armed') {
    const reason = g.report?.reason ?? ''
    // a reason of a newer guest half has no fix here
    const fix = isNotArmedReason(reason) ? GUEST_FIXES[reason] : undefined
    return [
      {
        rule: reason === 'no-driver' ? 'audit/guest-no-driver' : 'audit/guest-not-armed',
        severity: 'warning',
        subject,
        message: `has ${device}, but its guest did not arm it: ${g.report?.detail ?? reason} (the guest's words)`,
        ...(fix && {fix}),
      },
    ]
  }
  // a server that does not run cannot hang: whether its guest would arm is no finding
  if (g.state === 'unknown' && g.unknown !== 'not-running') {
    const why = GUEST_UNKNOWN[g.unknown ?? 'no-line'] + (g.said ? `: ${g.said}` : '')
    return [
      {
        rule: 'audit/guest-unknown',
        severity: 'info',
        subject,
        message: `has ${device}; whether its guest feeds it is unknown: ${why}`,
        ...(g.unknown === 'no-line' && {
          fix: "set up the guest half (README, 'The guest half'): Nova's vendordata from wd serve, or wd resolve -f cloud-init baked into the image",
        }),
      },
    ]
  }
  return []
}

function serverFindings(s: AuditServer, raw: Server, image: Image | undefined, current?: Flavor): AuditFinding[] {
  const subject: AuditSubject = {kind: 'server', id: s.id, name: s.name, project: s.project}
  const out: AuditFinding[] = guestFindings(s, subject)
  const unprotected = UNPROTECTED[s.why]
  if (s.protected === false && unprotected) {
    out.push({rule: 'audit/server-unprotected', severity: 'warning', subject, ...unprotected(s)})
  }
  const unknown = UNKNOWN[s.why]
  if (s.protected === null && unknown) {
    out.push({
      rule: 'audit/server-unknown',
      severity: 'info',
      subject,
      message: `wd cannot tell its watchdog: ${unknown}`,
    })
  }
  if (raw['OS-EXT-STS:vm_state'] === 'active' && s.powerState === 'paused') {
    const byBark = s.device?.action === 'pause' ? ' Its watchdog action is pause: a bark is the likely cause.' : ''
    out.push({
      rule: 'audit/server-paused',
      severity: 'error',
      subject,
      message:
        `is ACTIVE but its guest is paused (what a watchdog pause leaves; Nova logs "Instance is paused unexpectedly. Ignore.").` +
        ` Nova's unpause answers 409 (it needs vm_state paused), and the guest stays stopped.${byBark}`,
      fix: 'openstack server reboot --hard (or stop and start) brings it back',
    })
  }
  const bootSpecs = bootFlavor(raw).specs
  if (current && bootSpecs) {
    const was = bootSpecs[FLAVOR_KEY] ?? null
    const now = specsOf(current)[FLAVOR_KEY] ?? null
    if (was !== now) {
      // not 'none', which is also an action
      const say = (v: string | null) => (v === null ? 'not set' : `'${clip(v)}'`)
      out.push({
        rule: 'audit/flavor-changed-after-boot',
        severity: 'warning',
        subject,
        key: FLAVOR_KEY,
        message:
          `booted with flavor ${clip(current.name)} when its ${FLAVOR_KEY} was ${say(was)}; the flavor now says ${say(now)}.` +
          ' Nova keeps the flavor a server booted with: a hard reboot or a rebuild keeps the old value.',
        fix: `resize the server (Nova refuses a resize to the same flavor: use another flavor with ${FLAVOR_KEY}${now === null ? ' set' : `=${now}`})`,
      })
    }
  }
  const changed = image && stringOrNull(image.updated_at)
  const created = stringOrNull(raw.created)
  if (changed && created && Date.parse(changed) > Date.parse(created)) {
    out.push({
      rule: 'audit/image-changed-after-boot',
      severity: 'info',
      subject,
      message:
        `its image ${clip(stringOrNull(image.name) ?? image.id)} was changed (${changed}) after the server was created (${created});` +
        ' Nova uses the properties it recorded at boot, so this result assumes its watchdog property did not change',
      fix: `nova-manage image_property show ${s.id} ${IMAGE_KEY} shows what Nova recorded; a rebuild reads the image anew`,
    })
  }
  return out
}

/** Findings about an image as servers use it: it disables or weakens their flavors' watchdogs, q35, architectures. */
function imageFindings(
  img: AuditImage,
  servers: readonly {s: AuditServer; raw: Server}[],
  projects: ReadonlyMap<string, string>,
): AuditFinding[] {
  const subject: AuditSubject = {kind: 'image', id: img.id, name: img.name, project: img.owner}
  const whose = img.owner ? ` (owner: project ${projects.get(img.owner) ?? img.owner})` : ''
  const out: AuditFinding[] = []
  const value = img.setting
  if (value === 'disabled') {
    const switchedOff = servers.filter(({s}) => s.why === 'image-disabled').length
    out.push({
      rule: 'audit/image-disables-watchdog',
      severity: 'warning',
      subject,
      key: IMAGE_KEY,
      message: `says ${IMAGE_KEY}=disabled${whose}: any image value wins over the flavor, so every server booted from it has no watchdog (${switchedOff} of its ${servers.length} servers lost their flavor's)`,
      fix: `remove ${IMAGE_KEY} from it; keep image owners from setting it with wd policy export --glance-property-protections`,
    })
  } else if (value !== null && isNovaSetting(value)) {
    const weakened = servers.filter(({raw}) => {
      const f = bootFlavor(raw).specs?.[FLAVOR_KEY]
      return f !== undefined && isNovaSetting(f) && STRICTNESS[value] < STRICTNESS[f]
    })
    if (weakened.length > 0) {
      out.push({
        rule: 'audit/image-weakens-watchdog',
        severity: 'warning',
        subject,
        key: IMAGE_KEY,
        message: `says ${IMAGE_KEY}=${value}${whose}, weaker than the flavor's watchdog of ${weakened.length} of its servers (order disabled < none < pause < poweroff < reset)`,
        fix: `remove ${IMAGE_KEY} from it, or set the flavors' action`,
      })
    }
  }
  if (img.machineType && /q35/.test(img.machineType) && (value === null || value === 'disabled')) {
    const without = servers.filter(({s}) => s.device === null && s.protected !== null).length
    out.push({
      rule: 'audit/q35-implicit-itco',
      severity: 'warning',
      subject,
      key: 'hw_machine_type',
      message:
        `has hw_machine_type=${clip(img.machineType)} and ${value === 'disabled' ? `${IMAGE_KEY}=disabled` : `no ${IMAGE_KEY}`}:` +
        ` libvirt ≥ 9.1 adds an iTCO watchdog to every q35 guest with action reset when no other watchdog is there (${without} of its ${servers.length} servers have no other), and it cannot be removed`,
      fix: `set ${IMAGE_KEY} to the action you want (the iTCO device copies it), or expect a reset on expiry`,
    })
  }
  if (img.architecture && NO_I6300ESB.has(img.architecture)) {
    const armed = servers.filter(({s}) => s.device !== null).length
    const asks = (value !== null && value !== 'disabled') || armed > 0
    out.push({
      rule: 'audit/arch-without-i6300esb',
      severity: asks ? 'error' : 'warning',
      subject,
      key: 'hw_architecture',
      message:
        `is for ${clip(img.architecture)}, where QEMU has no i6300esb (s390x: 'i6300esb' is not a valid device model name; aarch64 and ppc64le builds often leave it out)` +
        `, and Nova always emits i6300esb: ${asks ? `a watchdog here (${armed} servers) fails the boot or is never armed` : 'a watchdog set on it would fail the boot'}`,
      ...(asks && {fix: `set ${IMAGE_KEY}=disabled on it and watch these guests another way`}),
    })
  }
  return out
}

/** The cloud judged; `more` are findings judged elsewhere (catalog drift), sorted and counted with the rest. */
export function judgeCloud(state: CloudState, policy?: Policy, more: readonly AuditFinding[] = []): Judgement {
  const {projects} = state
  const flavorByName = groupBy(
    state.flavors.filter((f) => typeof f.name === 'string'),
    (f) => f.name,
  )
  const imageById = new Map(state.images.map((i) => [i.id, i]))
  const findings: AuditFinding[] = []

  const judged = state.servers.map((raw) => {
    const imageId = imageIdOf(raw)
    const image = imageId === null ? undefined : imageById.get(imageId)
    const s = judgeServer(raw, image, flavorByName, projects, state.guests)
    const current = s.flavor.id === null ? undefined : flavorByName.get(s.flavor.name!)![0]
    findings.push(...serverFindings(s, raw, image, current))
    return {s, raw}
  })
  const servers = judged.map((j) => j.s)

  const serversOfFlavor = new Map<string, number>()
  for (const s of servers)
    if (s.flavor.name !== null) serversOfFlavor.set(s.flavor.name, (serversOfFlavor.get(s.flavor.name) ?? 0) + 1)
  const flavors: AuditFlavor[] = state.flavors.map((f) => {
    const specs = specsOf(f)
    const subject: AuditSubject = {kind: 'flavor', id: String(f.id), name: stringOrNull(f.name)}
    const own = checkProperties('flavor', specs)
    findings.push(...own.map((x) => asAudit(x, subject, true)))
    if (policy)
      findings.push(...evaluateFlavor(policy, {name: f.name, props: specs}).map((x) => asAudit(x, subject, false)))
    return {
      id: String(f.id),
      name: String(f.name),
      isPublic: f['os-flavor-access:is_public'] !== false,
      setting: specs[FLAVOR_KEY] ?? null,
      valid: !own.some((x) => x.severity === 'error'),
      servers: serversOfFlavor.get(f.name) ?? 0,
    }
  })

  const serversOfImage = groupBy(
    judged.filter((j) => j.s.image !== null),
    (j) => j.s.image!.id,
  )
  const allFlavors: NamedProps[] = state.flavors.map((f) => ({name: String(f.name), props: specsOf(f)}))
  const images: AuditImage[] = state.images.map((i) => {
    const props = imageProperties(i)
    const owner = stringOrNull(i.owner)
    const img: AuditImage = {
      id: String(i.id),
      name: stringOrNull(i.name),
      owner,
      ownerName: (owner && projects.get(owner)) ?? null,
      visibility: stringOrNull(i.visibility),
      setting: props[IMAGE_KEY] ?? null,
      machineType: props.hw_machine_type ?? null,
      architecture: props.hw_architecture ?? null,
      servers: serversOfImage.get(i.id)?.length ?? 0,
    }
    const subject: AuditSubject = {kind: 'image', id: i.id, name: img.name, project: owner}
    findings.push(...checkProperties('image', props).map((x) => asAudit(x, subject, false)))
    const users = serversOfImage.get(i.id) ?? []
    findings.push(...imageFindings(img, users, projects))
    if (policy) {
      // judged against the flavors its servers booted with; an image no server uses, against every flavor
      const withFlavors: NamedProps[] =
        users.length > 0
          ? users.map(({s, raw}) => ({name: s.flavor.name ?? '', props: bootFlavor(raw).specs ?? {}}))
          : allFlavors
      findings.push(
        ...evaluateImage(policy, {name: img.name ?? i.id, props}, withFlavors).map((x) => asAudit(x, subject, false)),
      )
    }
    return img
  })

  findings.push(...more)
  findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.rule.localeCompare(b.rule) ||
      (a.subject.name ?? a.subject.id).localeCompare(b.subject.name ?? b.subject.id),
  )
  return {
    summary: summarize(servers, findings),
    servers,
    flavors,
    images,
    findings,
  }
}
