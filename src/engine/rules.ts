/** Every rule id wd can report, with what it means: SARIF's rule table, the README's and the tests' single source. */

export interface RuleInfo {
  summary: string
  /** the severity it is reported with (nova/misspelled-key is an error where Nova ≥ 2.86 refuses the key) */
  level: 'error' | 'warning'
}

export const RULES = {
  'nova/invalid-action': {
    summary: "A watchdog value outside Nova's none, pause, poweroff, reset, disabled.",
    level: 'error',
  },
  'nova/empty-flavor-action': {
    summary: "A flavor hw:watchdog_action of '': disabled, but refused by Nova ≥ 2.86.",
    level: 'error',
  },
  'nova/misspelled-key': {
    summary: 'A key that was meant as the watchdog setting but that Nova does not read.',
    level: 'warning',
  },
  'nova/image-key-on-flavor': {
    summary: 'hw_watchdog_action on a flavor: Nova ignores it since Ocata.',
    level: 'warning',
  },
  'nova/flavor-key-on-image': {summary: 'hw:watchdog_action on an image: Nova ignores it.', level: 'warning'},
  'nova/blueprint-key': {summary: "The 2013 blueprint's watchdog= key, which no Nova release reads.", level: 'warning'},
  'yaml/syntax': {summary: 'YAML or JSON that does not parse.', level: 'error'},
  'yaml/duplicate-key': {summary: 'A key that appears twice in one mapping.', level: 'error'},
  'yaml/alias-expansion': {
    summary: 'Aliases that expand past 1,000,000 nodes (a "billion laughs"): the document is refused.',
    level: 'error',
  },
  'schema/additional-properties': {summary: 'A key the catalog schema does not know.', level: 'error'},
  'schema/required': {summary: 'A key the catalog schema requires is missing.', level: 'error'},
  'schema/type': {summary: 'A value of the wrong type.', level: 'error'},
  'schema/enum': {summary: 'A value outside the allowed set.', level: 'error'},
  'schema/pattern': {summary: 'A key or value that does not match the required pattern.', level: 'error'},
  'schema/invalid': {summary: 'Another violation of the catalog schema (ranges, lengths, forms).', level: 'error'},
  'catalog/duplicate-flavor-name': {summary: 'Two flavors with one name: Nova refuses the second.', level: 'error'},
  'catalog/duplicate-flavor-id': {summary: 'Two flavors with one id: Nova refuses the second.', level: 'error'},
  'catalog/duplicate-image-name': {
    summary: 'Two images with one name: lookups by name become ambiguous.',
    level: 'error',
  },
  'catalog/empty': {summary: 'A catalog with no flavors and no images: nothing was checked.', level: 'warning'},
  'catalog/more-findings': {
    summary: 'More findings than --max-findings: the rest are counted in this one, not listed.',
    level: 'error',
  },
  'policy/action-not-allowed': {
    summary: "A watchdog action the operator policy's allowedActions does not permit.",
    level: 'error',
  },
  'policy/watchdog-required': {summary: 'A flavor the policy requires a watchdog on has none.', level: 'error'},
  'policy/required-action': {
    summary: "A flavor's watchdog action is not one the policy requires for it.",
    level: 'error',
  },
  'policy/image-override-denied': {
    summary: 'An image sets hw_watchdog_action, and the policy denies image overrides.',
    level: 'error',
  },
  'policy/image-weakens-flavor': {
    summary: "An image disables or weakens a flavor's watchdog (same-or-stricter).",
    level: 'error',
  },
} as const satisfies Record<string, RuleInfo>

export type RuleId = keyof typeof RULES

const schemaRules = new Map<string, RuleId>()

/** The rule id of a schema problem, from the ajv keyword (asked once per problem: remembered per keyword). */
export function schemaRule(keyword: string): RuleId {
  let rule = schemaRules.get(keyword)
  if (rule === undefined) {
    const id = `schema/${keyword.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`
    rule = id in RULES ? (id as RuleId) : 'schema/invalid'
    schemaRules.set(keyword, rule)
  }
  return rule
}
