/**
 * The audit's own rules (the cloud-wide ones; a flavor's or an image's own values are judged by the engine's nova/*
 * rules and a policy's by policy/*): SARIF's rule table, the README's, and the tests' single source.
 */
import type {RuleInfo} from '../engine/rules.js'

export type AuditSeverity = 'error' | 'warning' | 'info'

export const AUDIT_RULES = {
  'audit/server-unprotected': {
    summary: 'A server with no watchdog that acts: no device, the image disabled it, or the action is none.',
    level: 'warning',
  },
  'audit/server-unknown': {
    summary:
      'A server whose watchdog wd cannot know: booted from a volume (its image properties live in Cinder), or its image is gone.',
    level: 'info',
  },
  'audit/guest-no-driver': {
    summary:
      "A server whose device acts, but whose guest kernel has no driver for it (Debian's cloud kernel, Amazon Linux 2023): the guest said so.",
    level: 'warning',
  },
  'audit/guest-not-armed': {
    summary: 'A server whose device acts, but whose guest did not arm it: the guest said why.',
    level: 'warning',
  },
  'audit/guest-unknown': {
    summary:
      'A server whose device acts, but whose guest has not said whether it armed it: no wd-guest line on its console (no guest half), or none since it last booted.',
    level: 'info',
  },
  'audit/server-paused': {
    summary: 'A server ACTIVE but paused (what a pause bark leaves): Nova refuses unpause with 409.',
    level: 'error',
  },
  'audit/flavor-changed-after-boot': {
    summary:
      "A server whose embedded flavor's watchdog differs from the flavor's current one: only a resize brings it.",
    level: 'warning',
  },
  'audit/image-changed-after-boot': {
    summary: 'A server whose image was changed after it booted: Nova uses the properties it recorded at boot.',
    level: 'info',
  },
  'audit/image-disables-watchdog': {
    summary: 'An image with hw_watchdog_action=disabled: it switches off the watchdog of every flavor it boots with.',
    level: 'warning',
  },
  'audit/image-weakens-watchdog': {
    summary: "An image whose hw_watchdog_action is weaker than the flavor's of a server booted from it.",
    level: 'warning',
  },
  'audit/q35-implicit-itco': {
    summary: 'A q35 image with no i6300esb watchdog: libvirt ≥ 9.1 adds an iTCO watchdog that resets anyway.',
    level: 'warning',
  },
  'audit/arch-without-i6300esb': {
    summary:
      'An image for aarch64, s390x or ppc64(le), where QEMU has no i6300esb: a watchdog there fails or never arms.',
    level: 'warning',
  },
  'audit/catalog-drift': {
    summary: 'A flavor or image that differs from the catalog (as wd catalog plan classifies it).',
    level: 'warning',
  },
} as const satisfies Record<string, Omit<RuleInfo, 'level'> & {level: AuditSeverity}>

export type AuditRuleId = keyof typeof AUDIT_RULES
