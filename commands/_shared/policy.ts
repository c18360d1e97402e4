/** The --policy flag and its loading, shared by `catalog validate` and `resolve`. */
import {Flags} from '@oclif/core'
import {loadPolicy} from '../../src/policy/load.js'
import type {Policy} from '../../src/policy/policy.js'
import {readInput} from '../../src/source/read.js'

const MAX_POLICY_BYTES = 1024 * 1024

export const policyFlag = Flags.string({
  description: 'Operator policy file (YAML or JSON; see schemas/policy.schema.json).',
  helpValue: 'FILE',
})

export async function readPolicy(path: string | undefined): Promise<Policy | undefined> {
  if (path === undefined) return undefined
  const input = await readInput(path, MAX_POLICY_BYTES)
  return loadPolicy(input.text, input.name)
}
