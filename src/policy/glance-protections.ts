/**
 * Enforcing `imageOverride` where Nova cannot: Glance's property protections (glance/common/property_utils.py).
 * The sections as data: one that reserves every watchdog spelling for the operator's roles (or policy) while
 * everyone keeps `read`, then the catch-all Glance needs. The INI text is src/report/glance-protections.ts.
 *
 * Glance's rules this follows: a section header is a Python regex matched with re.search; the first matching section
 * wins; a property no section matches is denied to every role; `@` is everyone; in the policies format each
 * operation names exactly one policy (`@` and `!` work there too). `read` stays open because Nova reads an image
 * with the user's token: a property hidden from the user is silently dropped and the server boots without it.
 */
import {WdError} from '../errors.js'
import type {ImageOverride, Policy} from './policy.js'

export type RuleFormat = 'roles' | 'policies'

export interface ProtectionSection {
  /** the Python regex Glance matches property names with */
  pattern: string
  create: string
  read: string
  update: string
  delete: string
  /** what the section is for, said above it */
  comment: string
}

export interface PropertyProtections {
  ruleFormat: RuleFormat
  /** the policy the file enforces, and its imageOverride (of same-or-stricter, Glance enforces only deny) */
  policy: string
  imageOverride: ImageOverride
  sections: ProtectionSection[]
  /** what Glance cannot enforce of the policy, and what else the operator must do */
  caveats: string[]
}

/**
 * Every property that mentions a watchdog, in any case: hw_watchdog_action (the one Nova reads), the blueprint's
 * `watchdog`, the flavor spelling on an image and the misspellings Nova ignores (the keys wd's nova/misspelled-key
 * rule finds), so an owner can neither switch the watchdog off nor leave a spelling that looks as if it did.
 */
const WATCHDOG_PROPERTIES = '(?i)watchdog'

const EVERYONE = '@'

export interface ProtectionOptions {
  ruleFormat: RuleFormat
  /** the roles that may write the watchdog properties (roles format) */
  roles?: readonly string[]
  /** the one policy that may write them (policies format), defined in Glance's policy.yaml */
  rule?: string
}

const ROLE = /^[A-Za-z0-9_.-]+$/

export function glanceProtections(policy: Policy, options: ProtectionOptions): PropertyProtections {
  if (policy.imageOverride === 'allow') {
    throw new WdError(
      'WD_USAGE',
      `the policy ${policy.name} allows images to override the watchdog: nothing to enforce`,
      {
        hint: 'set imageOverride: deny (or same-or-stricter) in the policy',
      },
    )
  }
  let writers: string
  if (options.ruleFormat === 'policies') {
    writers = options.rule ?? 'context_is_admin'
    if (!ROLE.test(writers))
      throw new WdError('WD_USAGE', `--rule '${writers}': Glance takes one policy name per operation`, {
        hint: 'combine rules in a policy of Glance policy.yaml and name that one',
      })
  } else {
    const roles = options.roles?.length ? options.roles : ['admin']
    const bad = roles.find((r) => !ROLE.test(r) || r === EVERYONE)
    if (bad !== undefined) throw new WdError('WD_USAGE', `--role '${bad}' is not a Keystone role name`)
    writers = roles.join(',')
  }
  const caveats = [
    'Merge with an existing file: put this watchdog section above your own sections (the first matching section wins) and keep exactly one catch-all at the very end (every section after a catch-all is ignored).',
    "Snapshots: Nova copies a server's image properties into its snapshot and Glance checks create for each, so a non-admin's snapshot of a server with the watchdog property is refused (403), unless nova.conf [DEFAULT] non_inheritable_image_properties lists hw_watchdog_action (the snapshot then has none) or the service role may create it.",
    "Volume-backed servers bypass Glance: Nova reads a volume's volume_image_metadata from Cinder, which project members may set (volume_extension:volume_image_metadata:set); restrict that in Cinder's policy too.",
    "To force a watchdog onto imported images, use Glance's inject_image_metadata import plugin ([inject_metadata_properties] inject = hw_watchdog_action:reset); it covers the interoperable import flow, not plain uploads or snapshots.",
  ]
  if (policy.imageOverride === 'same-or-stricter') {
    caveats.unshift(
      'The policy says same-or-stricter, which Glance cannot express (it allows or denies a property, never a value): this file enforces deny for everyone but the roles named; wd audit and wd catalog validate judge the values.',
    )
  }
  return {
    ruleFormat: options.ruleFormat,
    policy: policy.name,
    imageOverride: policy.imageOverride,
    sections: [
      {
        pattern: WATCHDOG_PROPERTIES,
        create: writers,
        read: EVERYONE,
        update: writers,
        delete: writers,
        comment:
          "Every property that mentions a watchdog (hw_watchdog_action, the blueprint's watchdog, misspellings): only the operator writes it; everyone reads it, because Nova reads image properties with the user's token and a hidden one is dropped at boot.",
      },
      {
        pattern: '.*',
        create: EVERYONE,
        read: EVERYONE,
        update: EVERYONE,
        delete: EVERYONE,
        comment:
          'The catch-all: Glance denies a property that matches no section to every role, so every other property stays as open as without this file.',
      },
    ],
    caveats,
  }
}
