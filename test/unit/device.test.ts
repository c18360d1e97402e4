/**
 * Issue 26 item 4: the device a change writes, decided once (src/operations/device.ts) for wd xml patch and wd proxmox
 * set. The twins had drifted: xml patch placed a resolution's error in its file, proxmox set dropped the place.
 */
import {describe, expect, it} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
// the modules a catalog resolution loads on demand, loaded first: jest's ESM links concurrent first imports badly
import '../../src/catalog/load.js'
import '../../src/catalog/resolve-entry.js'
import '../../src/fs/read-input.js'
import '../../src/operations/resolution.js'
import {deviceFor} from '../../src/operations/device.js'
import {SYSTEMS} from '../../src/vocab/systems.js'
import {tempDir} from '../helpers/gates.js'

const catalog = (text: string) => {
  const file = join(tempDir('wd-device-'), 'catalog.yaml')
  writeFileSync(file, text)
  return file
}

describe('deviceFor', () => {
  it.each(['libvirt', 'proxmox'] as const)(
    "refuses a resolution's error with the finding's place in the catalog, for %s alike",
    async (system) => {
      const file = catalog(
        'flavors:\n  - name: m1\n    vcpus: 1\n    ram: 512\n    disk: 1\n    extra_specs:\n      hw:watchdog_action: explode\n',
      )
      const refused = deviceFor({resolve: {catalog: file, flavor: 'm1'}}, system)
      await expect(refused).rejects.toMatchObject({
        code: 'WD_INVALID_VALUE',
        location: {file, line: 7, col: 27},
      })
    },
  )

  it("gives the resolution's device in each system's words", async () => {
    for (const system of SYSTEMS) {
      const {device, warnings} = await deviceFor({resolve: {flavorSpecs: {'hw:watchdog_action': 'pause'}}}, system)
      expect(device).toEqual({model: 'i6300esb', action: 'pause'})
      expect(warnings).toEqual([])
    }
    const none = await deviceFor({resolve: {flavorSpecs: {}}}, 'proxmox')
    expect(none.device).toBeNull()
  })

  it("takes a device in one system's words (DEFAULT_MODEL when no model) and refuses what the target lacks", async () => {
    await expect(deviceFor({given: {action: 'reset'}, vocabulary: 'proxmox'}, 'libvirt')).resolves.toEqual({
      device: {model: 'i6300esb', action: 'reset'},
      warnings: [],
    })
    await expect(
      deviceFor({given: {action: 'inject-nmi', model: 'i6300esb'}, vocabulary: 'libvirt'}, 'proxmox'),
    ).rejects.toMatchObject({code: 'WD_UNTRANSLATABLE'})
  })
})
