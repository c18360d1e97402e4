import {Args, Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import {glanceWatchdogMetadef} from '../../src/schema/glance-metadef.js'
import {SCHEMA_NAMES, schemaDocument} from '../../src/schema/validator.js'
import {WdCommand} from '../_shared/base.js'

export default class SchemaExport extends WdCommand<typeof SchemaExport> {
  static override resultSchema = 'cli-results#/$defs/schema'

  static override summary = "Print one of wd's JSON Schemas, or the Glance metadef namespace for the watchdog."

  static override description = `Schemas are JSON Schema 2020-12: ${SCHEMA_NAMES.join(', ')}. With --glance-metadef, prints \
the OS::Compute::Watchdog namespace for 'openstack image metadef namespace create' or POST /v2/metadefs/namespaces.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> catalog > catalog.schema.json',
    '<%= config.bin %> <%= command.id %> --glance-metadef > compute-watchdog.json',
  ]

  static override args = {
    name: Args.string({description: 'Schema name.', options: [...SCHEMA_NAMES], required: false}),
  }

  static override flags = {
    'glance-metadef': Flags.boolean({description: 'Print the Glance metadef namespace OS::Compute::Watchdog.'}),
  }

  public async run(): Promise<object> {
    const {name} = this.args
    if ((name === undefined) === !this.flags['glance-metadef']) {
      throw new WdError('WD_USAGE', 'name a schema or give --glance-metadef (one of the two)', {
        hint: `schemas: ${SCHEMA_NAMES.join(', ')}`,
      })
    }
    const doc = name === undefined ? glanceWatchdogMetadef() : schemaDocument(name)
    this.log(JSON.stringify(doc, null, 2))
    return doc
  }
}
