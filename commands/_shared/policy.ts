/** The --policy flag and its loading, shared by `catalog validate` and `resolve`. */
import {Flags} from '@oclif/core'
import type {Policy} from '../../src/policy/policy.js'

export const policyFlag = Flags.string({
  description: 'Operator policy file (YAML or JSON; see schemas/policy.schema.json).',
  helpValue: 'FILE',
})

export async function readPolicy(path: string | undefined): Promise<Policy | undefined> {
  if (path === undefined) return undefined
  // loaded only with --policy: the YAML parser, ajv and picomatch are startup cost every other run would pay
  const {readPolicyFile} = await import('../../src/operations/policy-file.js')
  return readPolicyFile(path)
}
