/**
 * Applying the operator policy to flavors and images. Only values Nova accepts are judged here: an invalid value
 * is already an error of its own (nova/invalid-action).
 */
import type {Finding} from '../engine/findings.js'
import {fixText} from '../engine/fix.js'
import type {Resolution} from '../engine/resolve.js'
import {FLAVOR_KEY, IMAGE_KEY, isNovaSetting, type NovaSetting} from '../vocab/nova.js'
import {STRICTNESS, type Policy} from './policy.js'
import {clip} from '../text/clip.js'

export interface NamedProps {
  name: string
  props: Readonly<Record<string, string>>
}

/** The setting Nova takes from a flavor alone ('' and absent are 'disabled'), or undefined when invalid. */
function flavorSetting(specs: Readonly<Record<string, string>>): NovaSetting | undefined {
  const v = specs[FLAVOR_KEY] || 'disabled'
  return isNovaSetting(v) ? v : undefined
}

function notAllowed(policy: Policy, subject: 'flavor' | 'image', key: string, setting: NovaSetting): Finding[] {
  const allowed = policy.allowedActions
  if (!allowed || setting === 'disabled' || allowed.includes(setting)) return []
  return [
    {
      rule: 'policy/action-not-allowed',
      severity: 'error',
      subject,
      key,
      on: 'value',
      message: `watchdog action '${clip(setting)}' is not allowed by the policy ${policy.name} (allowed: ${allowed.join(', ')})`,
    },
  ]
}

export function evaluateFlavor(policy: Policy, flavor: NamedProps): Finding[] {
  const setting = flavorSetting(flavor.props)
  if (setting === undefined) return []
  const findings = notAllowed(policy, 'flavor', FLAVOR_KEY, setting)
  for (const r of policy.require) {
    if (!r.matches(flavor.name)) continue
    const wanted = r.actions ?? []
    if (setting === 'disabled') {
      findings.push({
        rule: 'policy/watchdog-required',
        severity: 'error',
        subject: 'flavor',
        key: FLAVOR_KEY,
        on: flavor.props[FLAVOR_KEY] === undefined ? 'key' : 'value',
        message: `flavors matching '${r.flavors}' must have a watchdog (policy ${policy.name}), this one has none`,
        fix: fixText({write: FLAVOR_KEY, value: wanted[0] ?? 'reset'}),
      })
    } else if (wanted.length > 0 && !wanted.includes(setting)) {
      findings.push({
        rule: 'policy/required-action',
        severity: 'error',
        subject: 'flavor',
        key: FLAVOR_KEY,
        on: 'value',
        message: `flavors matching '${r.flavors}' must use one of: ${wanted.join(', ')} (policy ${policy.name}), not '${clip(setting)}'`,
        fix: fixText({write: FLAVOR_KEY, value: wanted[0]!}),
      })
    }
  }
  return findings
}

/** An image judged against the flavors it may boot with (in a catalog: all of its flavors). */
export function evaluateImage(policy: Policy, image: NamedProps, flavors: readonly NamedProps[]): Finding[] {
  const value = image.props[IMAGE_KEY]
  if (value === undefined || !isNovaSetting(value)) return []
  const findings = notAllowed(policy, 'image', IMAGE_KEY, value)
  if (policy.imageOverride === 'deny') {
    findings.push({
      rule: 'policy/image-override-denied',
      severity: 'error',
      subject: 'image',
      key: IMAGE_KEY,
      on: 'key',
      message: `images may not set ${IMAGE_KEY} (policy ${policy.name}: imageOverride deny); the flavor decides`,
    })
  } else if (policy.imageOverride === 'same-or-stricter') {
    const weakened = flavors.filter((f) => {
      const s = flavorSetting(f.props)
      return s !== undefined && STRICTNESS[value] < STRICTNESS[s]
    })
    if (weakened.length > 0) {
      const names = weakened.slice(0, 5).map((f) => `${clip(f.name) || 'the flavor'} (${flavorSetting(f.props)})`)
      const more = weakened.length > 5 ? ` and ${weakened.length - 5} more` : ''
      findings.push({
        rule: 'policy/image-weakens-flavor',
        severity: 'error',
        subject: 'image',
        key: IMAGE_KEY,
        on: 'value',
        message:
          `${IMAGE_KEY}='${clip(value)}' would ${value === 'disabled' ? 'switch off' : 'weaken'} the watchdog of ${names.join(', ')}${more} ` +
          `(policy ${policy.name}: same-or-stricter; order disabled < none < pause < poweroff < reset)`,
      })
    }
  }
  return findings
}

/** The policy findings for one flavor and one image, as `wd resolve --policy` reports them. */
function policyFindings(policy: Policy, flavor?: NamedProps, image?: NamedProps): Finding[] {
  return [
    ...(flavor ? evaluateFlavor(policy, flavor) : []),
    ...(image ? evaluateImage(policy, image, flavor ? [flavor] : []) : []),
  ]
}

/** A resolution with the policy's verdict added to its errors (and its trace). */
export function withPolicy(r: Resolution, policy?: Policy, flavor?: NamedProps, image?: NamedProps): Resolution {
  if (!policy) return r
  const found = policyFindings(policy, flavor, image)
  return {...r, errors: [...r.errors, ...found], trace: [...r.trace, ...found.map((f) => `policy: ${f.message}`)]}
}
