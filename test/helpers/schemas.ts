/** Checking a value against one of the published schemas, with ajv's own words when it does not match. */
import {expect} from '@jest/globals'
import {validator, type SchemaName} from '../../src/schema/validator.js'

export function expectPublished(name: SchemaName, value: unknown, fragment = ''): void {
  const validate = validator(name, fragment)
  const ok = validate(value)
  expect(ok ? [] : validate.errors).toEqual([])
}
