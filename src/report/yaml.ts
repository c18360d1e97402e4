/**
 * The one YAML writer (`-f yaml` of every command, `wd catalog export`): a value Nova or Glance holds stays on its
 * line however long it is (no folding, which would make a catalog's diff and a grep miss it), and a value met twice
 * is written twice (no anchors and aliases, which few readers of a command's output expect).
 */
import {dump} from 'js-yaml'

const OPTIONS = {lineWidth: -1, noRefs: true} as const

/** The value as a YAML document, ending in one newline. */
export const yamlText = (value: unknown): string => dump(value, OPTIONS)
