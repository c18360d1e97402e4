/** `POST /v1/validate`: one catalog document as the body, answered as `wd catalog validate -f json`. */
import type {FastifyInstance} from 'fastify'
import type {Policy} from '../../policy/policy.js'
import {validateCatalogs} from '../../operations/catalog-files.js'
import {jsonReport} from '../../report/catalog/json.js'
import * as s from '../schemas.js'

export async function validateRoutes(app: FastifyInstance, {policy}: {policy?: Policy}): Promise<void> {
  // the catalog arrives as text (YAML or JSON) so findings can name line and column
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', {parseAs: 'string'}, (_req, body, done) => done(null, body))
  app.post<{Body: string}>('/v1/validate', {schema: s.validate, onRequest: app.guard('read')}, async (req) => {
    const {results} = await validateCatalogs({texts: [{text: req.body, name: 'request'}]}, {...(policy && {policy})})
    return jsonReport(results)
  })
}
