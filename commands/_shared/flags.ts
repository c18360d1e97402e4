/** Flags shared by every command that takes a flavor and an image (resolve, xml patch). */
import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import type {ResolveRequest} from '../../src/operations/resolution.js'
import {DEFAULT_GUEST_HALF, GUEST_TIMEOUT, type GuestHalfOptions} from '../../src/render/guest-half.js'
import {FEEDERS} from '../../src/vocab/guest.js'
import {FLAVOR_KEY, IMAGE_KEY, NOVA_SETTINGS} from '../../src/vocab/nova.js'

/**
 * What `wd __complete` offers for the resolution flags: the keys Nova reads with each setting (KEY=VALUE as typed),
 * and nothing for a flavor or image name (no file names: they are Nova's and Glance's names, not paths).
 */
export const resolutionCompletions = {
  'flavor-spec': NOVA_SETTINGS.map((v) => `${FLAVOR_KEY}=${v}`),
  'image-prop': NOVA_SETTINGS.map((v) => `${IMAGE_KEY}=${v}`),
  flavor: [],
  image: [],
}

export const resolutionFlags = {
  'flavor-spec': Flags.string({
    description: 'A flavor extra spec KEY=VALUE, as stored in Nova (repeatable).',
    multiple: true,
    helpValue: 'KEY=VALUE',
    exclusive: ['flavor'],
  }),
  'image-prop': Flags.string({
    description: 'An image property KEY=VALUE, as stored in Glance (repeatable).',
    multiple: true,
    helpValue: 'KEY=VALUE',
    exclusive: ['image'],
  }),
  catalog: Flags.string({
    description: 'A catalog file (YAML or JSON) to take --flavor and --image from.',
    helpValue: 'FILE',
  }),
  flavor: Flags.string({description: 'Flavor name or id: in the --catalog, else in the cloud.', helpValue: 'NAME'}),
  image: Flags.string({description: 'Image name or id: in the --catalog, else in the cloud.', helpValue: 'NAME'}),
}

/** `KEY=VALUE` pairs into a map; a later key wins, like the openstack CLI's --property. */
export function keyValues(flag: string, pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new WdError('WD_USAGE', `--${flag} '${pair}' is not KEY=VALUE`)
    out[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return out
}

/** --dry-run of every command that writes (to the cloud or to a file). */
export const dryRunFlag = {
  'dry-run': Flags.boolean({description: 'Look everything up and say what would change; write nothing.'}),
}

export interface ResolutionFlagValues {
  'flavor-spec'?: string[]
  'image-prop'?: string[]
  catalog?: string
  flavor?: string
  image?: string
  explain?: boolean
}

/** The resolution flags as the application layer's request. */
export function resolveRequestOf(f: ResolutionFlagValues): ResolveRequest {
  return {
    ...(f['flavor-spec'] && {flavorSpecs: keyValues('flavor-spec', f['flavor-spec'])}),
    ...(f['image-prop'] && {imageProperties: keyValues('image-prop', f['image-prop'])}),
    ...(f.catalog !== undefined && {catalog: f.catalog}),
    ...(f.flavor !== undefined && {flavor: f.flavor}),
    ...(f.image !== undefined && {image: f.image}),
    ...(f.explain && {explain: true}),
  }
}

/** How the guest half arms the device (wd resolve -f cloud-init, wd proxmox set --guest). */
export const guestHalfFlags = {
  'guest-timeout': Flags.integer({
    description: "The guest's watchdog timeout: seconds without a feed before the hypervisor acts.",
    min: GUEST_TIMEOUT.min,
    max: GUEST_TIMEOUT.max,
    default: DEFAULT_GUEST_HALF.timeout,
    helpValue: 'SECONDS',
  }),
  feeder: Flags.string({
    description:
      "Who feeds the device in the guest: systemd's runtime watchdog (no package needed), or the watchdog package's daemon when the image has it.",
    options: FEEDERS,
    default: DEFAULT_GUEST_HALF.feeder,
  }),
}

export function guestHalfOptionsOf(f: {'guest-timeout': number; feeder: string}): GuestHalfOptions {
  return {timeout: f['guest-timeout'], feeder: f.feeder as GuestHalfOptions['feeder']}
}
