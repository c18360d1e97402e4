/**
 * The public interface as data: each command's flags, arguments and result schema, and the published schemas
 * themselves, as snapshots (a change to any of them is a visible diff in review, like salesforcecli's command
 * snapshots); and the service and the CLI giving one answer for the same inputs.
 */
import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {loadPolicy} from '../../src/policy/load.js'
import {SCHEMA_NAMES, schemaDocument} from '../../src/schema/validator.js'
import {buildApp} from '../../src/service/app.js'
import {root, wdJson} from '../helpers/cli.js'
import {tempDir} from '../helpers/gates.js'
import {expectPublished} from '../helpers/schemas.js'

interface Flag {
  type: string
  char?: string
  required?: boolean
  multiple?: boolean
  options?: string[]
  default?: unknown
  exclusive?: string[]
  dependsOn?: string[]
  hidden?: boolean
}
interface Command {
  id: string
  hidden?: boolean
  strict?: boolean
  resultSchema?: string
  args: Record<string, {required?: boolean}>
  flags: Record<string, Flag>
}

const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, Command>
}

describe('the public interface', () => {
  it('each command: its flags, arguments and result schema (snapshot)', () => {
    const commands = Object.values(manifest.commands)
      .filter((c) => !c.hidden)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((c) => ({
        id: c.id.replaceAll(':', ' '),
        args: Object.entries(c.args).map(
          ([name, a]) => `${name}${a.required ? '' : '?'}${c.strict === false ? '…' : ''}`,
        ),
        flags: Object.fromEntries(
          Object.entries(c.flags)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, f]) => [
              name,
              [
                f.type === 'boolean' ? 'boolean' : f.multiple ? 'string[]' : 'string',
                f.char && `-${f.char}`,
                f.required && 'required',
                f.options && `one of ${f.options.join('|')}`,
                f.default !== undefined && `default ${JSON.stringify(f.default)}`,
                f.exclusive?.length && `not with ${f.exclusive.join(', ')}`,
                f.dependsOn?.length && `needs ${f.dependsOn.join(', ')}`,
              ]
                .filter(Boolean)
                .join(', '),
            ]),
        ),
        result: c.resultSchema,
      }))
    expect(commands.filter((c) => !c.result).map((c) => c.id)).toEqual([])
    expect(commands).toMatchSnapshot()
  })

  it('the published schemas (snapshot)', () => {
    expect(Object.fromEntries(SCHEMA_NAMES.map((n) => [n, schemaDocument(n)]))).toMatchSnapshot()
  })

  it('the OpenAPI document answers with the published schemas', async () => {
    const app = await buildApp({version: 'test'})
    const doc = (await app.inject({method: 'GET', url: '/v1/openapi.json'})).json<{
      paths: Record<string, Record<string, {responses: Record<string, {content: Record<string, {schema: object}>}>}>>
      components: {schemas: Record<string, {$id?: string}>}
    }>()
    await app.close()
    const answer = (path: string, method: string) =>
      doc.paths[path]![method]!.responses['200']!.content['application/json']!.schema
    expect(answer('/v1/resolve', 'post')).toEqual({$ref: '#/components/schemas/resolution'})
    expect(answer('/v1/validate', 'post')).toEqual({$ref: '#/components/schemas/catalog-report'})
    expect(answer('/v1/flavors/{id}/watchdog', 'get')).toEqual({$ref: '#/components/schemas/watchdog-state'})
    expect(doc.components.schemas.resolution?.$id).toBe('urn:wd:schemas:v1:resolution')
  })
})

describe('one answer, two faces', () => {
  const keys = ['hw:watchdog_action', 'hw_watchdog_action', 'watchdog', 'hw:watchdog_actoin', 'hw:cpu_policy']
  const values = ['reset', 'poweroff', 'pause', 'none', 'disabled', '', 'Reset', 'shutdown', 'inject-nmi', 'dedicated']
  const props = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), {maxKeys: 3})
  const policyText = 'imageOverride: same-or-stricter\nallowedActions: [reset, poweroff]\n'

  it('POST /v1/resolve and wd resolve --json give the same value for the same inputs, with and without a policy', async () => {
    const plain = await buildApp({version: 'test'})
    const strict = await buildApp({version: 'test', policy: loadPolicy(policyText, 'policy.yaml')})
    const policyFile = join(tempDir('wd-faces-'), 'policy.yaml')
    writeFileSync(policyFile, policyText)
    const pairs = (flag: string, p: Record<string, string>) =>
      Object.entries(p).flatMap(([k, v]) => [flag, `${k}=${v}`])
    try {
      await fc.assert(
        fc.asyncProperty(props, props, fc.boolean(), fc.boolean(), async (flavor, image, withPolicy, explain) => {
          const app = withPolicy ? strict : plain
          const body = {flavorSpecs: flavor, imageProperties: image, ...(explain && {explain})}
          const http = await app.inject({method: 'POST', url: '/v1/resolve', payload: body})
          expect(http.statusCode).toBe(200)
          const args = [
            'resolve',
            ...pairs('--flavor-spec', flavor),
            ...pairs('--image-prop', image),
            ...(explain ? ['--explain'] : []),
            ...(withPolicy ? ['--policy', policyFile] : []),
          ]
          const cli = wdJson(args, {status: http.json<{valid: boolean}>().valid ? 0 : 1})
          expect(cli).toEqual(http.json())
          expectPublished('resolution', http.json())
        }),
        {numRuns: 24, seed: Number(process.env.WD_FUZZ_SEED ?? 20261202)},
      )
    } finally {
      await plain.close()
      await strict.close()
    }
  })
})
