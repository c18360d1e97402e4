/** A policy file (or '-') read within the config-file limit and loaded: the one way both faces take a policy. */
import {readInput} from '../fs/read-input.js'
import {MAX_CONFIG_FILE_BYTES} from '../limits.js'
import {loadPolicy} from '../policy/load.js'
import type {Policy} from '../policy/policy.js'

export async function readPolicyFile(path: string): Promise<Policy> {
  const input = await readInput(path, MAX_CONFIG_FILE_BYTES)
  return loadPolicy(input.text, input.name)
}
