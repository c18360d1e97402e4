/**
 * What Nova would refuse or silently ignore in a flavor's extra specs and an image's properties. These checks never
 * change the resolution: they say what Nova does with what is stored.
 */
import {LIBVIRT_ACTIONS} from '../vocab/libvirt.js'
import {
  BLUEPRINT_KEY,
  FLAVOR_KEY,
  IMAGE_KEY,
  NOVA_SETTINGS,
  VALIDATED_NAMESPACES,
  isNovaSetting,
} from '../vocab/nova.js'
import {QEMU_ACTIONS} from '../vocab/qemu.js'
import {WdError} from '../errors.js'
import type {Finding, Subject} from './findings.js'
import {fixFor, fixText, meantSetting} from './fix.js'
import {didYouMean, looksLike} from './suggest.js'
import {clip} from '../text/clip.js'

export type Properties = Readonly<Record<string, string>>

const ALLOWED = NOVA_SETTINGS.join(', ')
const RIGHT_KEY: Record<Subject, string> = {flavor: FLAVOR_KEY, image: IMAGE_KEY}
const WRONG_KEY: Record<Subject, string> = {flavor: IMAGE_KEY, image: FLAVOR_KEY}
const WHAT: Record<Subject, string> = {flavor: 'flavor extra spec', image: 'image property'}

/** The finding's fix as its text, decided in src/engine/fix.ts (never one that changes what happens on a hang). */
function fixOf(subject: Subject, key: string, value: string): {fix?: string} {
  const fix = fixFor(subject, RIGHT_KEY[subject], key, value)
  return fix ? {fix: fixText(fix)} : {}
}

function invalidValue(subject: Subject, key: string, value: string): Finding {
  const where = `${WHAT[subject]} ${clip(key)}='${clip(value)}'`
  const stage =
    subject === 'image'
      ? 'nova-api refuses to boot from such an image (HTTP 400)'
      : 'Nova ≥ 2.86 refuses to store it, and an older value makes every spawn fail'
  const suggestion = didYouMean(value, NOVA_SETTINGS)
  let reason = `is not a Nova watchdog action`
  if (suggestion === undefined && (LIBVIRT_ACTIONS as readonly string[]).includes(value.trim())) {
    reason = `is a libvirt watchdog action that Nova does not offer`
  } else if (suggestion === undefined && (QEMU_ACTIONS as readonly string[]).includes(value.trim())) {
    reason = `is a QEMU watchdog action that Nova does not offer`
  }
  const mean = suggestion !== undefined ? ` Did you mean '${suggestion}'?` : ''
  return {
    rule: 'nova/invalid-action',
    severity: 'error',
    subject,
    key,
    on: 'value',
    message: `${where} ${reason}; ${stage}. Allowed: ${ALLOWED} (case-sensitive).${mean}`,
    ...fixOf(subject, key, value),
  }
}

function checkValue(subject: Subject, key: string, value: string): Finding[] {
  if (subject === 'flavor' && value === '') {
    return [
      {
        rule: 'nova/empty-flavor-action',
        severity: 'error',
        subject,
        key,
        on: 'value',
        message:
          `flavor extra spec ${key}='' resolves as 'disabled' (Nova reads it with Python's 'or'), ` +
          `but Nova ≥ 2.86 refuses to store it. Remove the key, or write ${key}=disabled.`,
        ...fixOf(subject, key, value),
      },
    ]
  }
  return isNovaSetting(value) ? [] : [invalidValue(subject, key, value)]
}

type IgnoredKind = 'wrong-key' | 'blueprint' | 'misspelled'

/** Why Nova would not read `key` although it was clearly meant as the watchdog setting; undefined for other keys. */
function ignoredKind(subject: Subject, key: string): IgnoredKind | undefined {
  if (key === WRONG_KEY[subject]) return 'wrong-key'
  if (key === BLUEPRINT_KEY) return 'blueprint'
  const namespace = key.includes(':') ? key.slice(0, key.indexOf(':')).toLowerCase() : ''
  const mentions = (namespace === '' || namespace === 'hw') && key.toLowerCase().includes('watchdog')
  return mentions || looksLike(key, RIGHT_KEY[subject]) ? 'misspelled' : undefined
}

/**
 * What the subject's watchdog is while Nova ignores a key, and what to do: remove the key; and, when the subject has
 * no value Nova reads, what to write instead if the ignored value was meant (a change of the watchdog, said as one).
 */
function ignoredAdvice(subject: Subject, value: string, effective: string | undefined): string {
  const right = RIGHT_KEY[subject]
  if (effective !== undefined) return `${right}='${clip(effective)}' decides. Remove it.`
  const stands = subject === 'flavor' ? 'the flavor has no watchdog of its own' : "the flavor's watchdog stands"
  const change = subject === 'flavor' ? 'gives the flavor a watchdog' : "overrides every flavor's watchdog"
  const meant = meantSetting(value)
  const write = meant === undefined ? `${right} with one of: ${ALLOWED}` : `${right}=${meant}`
  return `${stands}. Remove it; if ${meant === undefined ? 'a watchdog' : `'${meant}'`} is meant, write ${write} instead (that ${change}).`
}

/** The finding for a key Nova ignores; every key of a catalog passes through ignoredKind first, so this stays off the hot path. */
function ignoredKey(subject: Subject, key: string, value: string, kind: IgnoredKind, effective?: string): Finding {
  const right = RIGHT_KEY[subject]
  const advice = ignoredAdvice(subject, value, effective)
  const base = {subject, key, on: 'key' as const, ...fixOf(subject, key, value)}
  if (kind === 'wrong-key') {
    const why =
      subject === 'flavor'
        ? `is the image spelling; Nova stopped reading it on flavors in Ocata`
        : `is the flavor spelling; Nova drops unknown image properties without a word`
    return {
      ...base,
      rule: subject === 'flavor' ? 'nova/image-key-on-flavor' : 'nova/flavor-key-on-image',
      severity: 'warning',
      message: `${WHAT[subject]} '${key}' ${why}: Nova ignores it, and ${advice}`,
    }
  }
  if (kind === 'blueprint') {
    return {
      ...base,
      rule: 'nova/blueprint-key',
      severity: 'warning',
      message: `${WHAT[subject]} '${key}' is the 2013 blueprint's spelling, which no Nova release reads: Nova ignores it, and ${advice}`,
    }
  }
  // Nova ≥ 2.86 refuses unknown keys in the namespaces it validates; anything else is stored and ignored.
  const namespace = key.includes(':') ? key.slice(0, key.indexOf(':')) : ''
  const refused = subject === 'flavor' && (VALIDATED_NAMESPACES as readonly string[]).includes(namespace)
  return {
    ...base,
    rule: 'nova/misspelled-key',
    severity: refused ? 'error' : 'warning',
    message: refused
      ? `flavor extra spec '${key}' is not a valid extra spec: Nova ≥ 2.86 refuses it (an older one stored it and ignores it). Did you mean ${right}? ${capital(advice)}`
      : `${WHAT[subject]} '${key}' is not one Nova reads: it is ignored. Did you mean ${right}? ${capital(advice)}`,
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** Findings for one flavor's extra specs or one image's properties. */
export function checkProperties(subject: Subject, props: Properties): Finding[] {
  const findings: Finding[] = []
  for (const [key, value] of Object.entries(props)) {
    if (key === RIGHT_KEY[subject]) findings.push(...checkValue(subject, key, value))
    else {
      const kind = ignoredKind(subject, key)
      const right = RIGHT_KEY[subject]
      if (kind)
        findings.push(ignoredKey(subject, key, value, kind, Object.hasOwn(props, right) ? props[right] : undefined))
    }
  }
  return findings
}

/**
 * The value itself when Nova takes it for `subject`; otherwise WD_INVALID_VALUE saying what is allowed, with the
 * value likely meant as the hint, said as the caller took it (`--action reset`; by default as the key to write).
 */
export function assertSetting(
  subject: Subject,
  value: string,
  say: (meant: string) => string = (meant) => `write ${RIGHT_KEY[subject]}=${meant}`,
): string {
  const [problem] = checkValue(subject, RIGHT_KEY[subject], value)
  if (!problem) return value
  const fix = fixFor(subject, RIGHT_KEY[subject], RIGHT_KEY[subject], value)
  throw new WdError('WD_INVALID_VALUE', problem.message, {...(fix && 'value' in fix && {hint: say(fix.value)})})
}
