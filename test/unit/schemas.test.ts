import {describe, expect, it} from '@jest/globals'
import {glanceWatchdogMetadef} from '../../src/schema/glance-metadef.js'
import {SCHEMA_NAMES, schemaDocument, validator} from '../../src/schema/validator.js'
import {NOVA_SETTINGS} from '../../src/vocab/nova.js'
import {SYSTEMS, VOCABULARY} from '../../src/vocab/systems.js'

type Defs = Record<string, {enum?: string[]}>
const defs = (schemaDocument('watchdog') as {$defs: Defs}).$defs

describe('published schemas', () => {
  it('all compile under JSON Schema 2020-12 with $ids', () => {
    for (const name of SCHEMA_NAMES) {
      expect((schemaDocument(name) as {$id: string}).$id).toBe(`urn:wd:schemas:v1:${name}`)
      expect(typeof validator(name)).toBe('function')
    }
  })

  it("carry exactly the engine's vocabularies, so schema and code cannot drift", () => {
    for (const s of SYSTEMS) {
      expect(defs[`${s}Model`]!.enum).toEqual([...VOCABULARY[s].models])
      expect(defs[`${s}Action`]!.enum).toEqual([...VOCABULARY[s].actions])
    }
    expect(defs.novaSetting!.enum).toEqual([...NOVA_SETTINGS])
  })

  it('check a flavor as Nova would: key pattern, value types, the watchdog enum', () => {
    const flavor = validator('flavor')
    expect(
      flavor({name: 'm1.small', vcpus: 1, ram: 2048, extra_specs: {'hw:watchdog_action': 'reset', 'quota:x': 5}}),
    ).toBe(true)
    expect(flavor({name: 'm1.small', extra_specs: {'hw:watchdog_action': 'Reset'}})).toBe(false)
    expect(flavor({name: 'm1.small', extra_specs: {'bad key!': 'x'}})).toBe(false)
    expect(flavor({name: 'm1.small', extra_specs: {'hw:cpu_policy': true}})).toBe(false)
    expect(flavor({name: 'm1.small', colour: 'red'})).toBe(false)
  })

  it('check a device against its own system', () => {
    const device = validator('watchdog')
    expect(device({system: 'proxmox', model: 'ib700', action: 'debug'})).toBe(true)
    expect(device({system: 'libvirt', model: 'i6300esb', action: 'debug'})).toBe(false)
    expect(device({system: 'nova', model: 'ib700', action: 'reset'})).toBe(false)
  })
})

describe('Glance metadef OS::Compute::Watchdog', () => {
  it("has the prefixes of Glance's fixed metadef (LP #1887099) and Nova's values", () => {
    const ns = glanceWatchdogMetadef() as {
      namespace: string
      resource_type_associations: {name: string; prefix: string}[]
      properties: {watchdog_action: {enum: string[]}}
    }
    expect(ns.namespace).toBe('OS::Compute::Watchdog')
    const prefixes = Object.fromEntries(ns.resource_type_associations.map((r) => [r.name, r.prefix]))
    expect(prefixes).toEqual({'OS::Glance::Image': 'hw_', 'OS::Cinder::Volume': 'hw_', 'OS::Nova::Flavor': 'hw:'})
    expect(ns.properties.watchdog_action.enum.sort()).toEqual(['disabled', 'none', 'pause', 'poweroff', 'reset'])
  })
})
