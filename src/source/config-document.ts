/**
 * A configuration file (policy, `wd serve --config`, clouds.yaml): exactly one YAML or JSON document, checked against
 * its schema when it has one. Whatever is wrong is one WD_CONFIG error at file:line:col; a second document is refused
 * rather than silently ignored.
 */
import {WdError} from '../errors.js'
import {schemaProblems} from '../schema/problems.js'
import {validator, type SchemaName} from '../schema/validator.js'
import {parseSource} from './yaml-source.js'

export function loadConfigDocument(text: string, name: string, schema?: SchemaName): unknown {
  const source = parseSource(text, name)
  const syntax = source.problems[0]
  if (syntax) throw new WdError('WD_CONFIG', syntax.message, {location: syntax.position})
  if (source.data.length > 1) {
    throw new WdError('WD_CONFIG', `${name} holds ${source.data.length} YAML documents; wd reads exactly one`, {
      location: source.locate(1, []),
      hint: "remove the '---' and what follows it, or merge the documents",
    })
  }
  const data = source.data[0] ?? {}
  if (schema) {
    const validate = validator(schema)
    if (!validate(data)) {
      const [p] = schemaProblems(validate.errors)
      throw new WdError('WD_CONFIG', p!.message, {location: source.locate(0, p!.path, p!.on)})
    }
  }
  return data
}
