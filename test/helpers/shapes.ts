/** Nova's answers as the unit tests need them: the smallest flavor Nova would list, with the given extra specs. */
import type {Flavor} from '../../src/api/nova.js'

export const aFlavor = (specs: Record<string, string>): Flavor => ({
  id: 'f1',
  name: 'm1.small',
  vcpus: 1,
  ram: 512,
  disk: 1,
  extra_specs: specs,
})
