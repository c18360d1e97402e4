import {Flags} from '@oclif/core'
import {serviceConfig} from '../src/service/config.js'
import {readInput} from '../src/fs/read-input.js'
import {WdCommand} from './_shared/base.js'
import {MAX_CONFIG_FILE_BYTES} from '../src/limits.js'

export default class Serve extends WdCommand<typeof Serve> {
  static override resultSchema = 'cli-results#/$defs/serve'

  static override summary = 'Run the policy service: resolution, catalog validation and Nova vendordata over HTTP.'

  static override description = `Reads one configuration file (schemas/service-config.schema.json): listen address \
(default 127.0.0.1:8787), the service's Keystone credentials, the policy file, TLS. With a cloud configured, every /v1 \
call needs an X-Auth-Token that Keystone accepts; without one, only inline /v1/resolve and /v1/validate are answered. \
The API is described at /v1/openapi.json. SIGTERM or SIGINT: in-flight requests finish, then it stops.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --config /etc/wd/serve.yaml',
    '<%= config.bin %> <%= command.id %> --port 9000',
    '<%= config.bin %> <%= command.id %> --config /etc/wd/serve.yaml --check   # before a restart',
  ]

  static override flags = {
    config: Flags.string({char: 'c', description: 'Configuration file (YAML or JSON).', helpValue: 'FILE'}),
    host: Flags.string({description: 'Listen on this address (overrides the file).'}),
    port: Flags.integer({
      description: 'Listen on this port (overrides the file; 0 picks a free one).',
      min: 0,
      max: 65535,
    }),
    check: Flags.boolean({
      description: 'Check the configuration (and the policy it names), then exit without serving.',
    }),
  }

  public async run(): Promise<{url?: string; checked?: boolean}> {
    const file = this.flags.config === undefined ? undefined : await readInput(this.flags.config, MAX_CONFIG_FILE_BYTES)
    const config = serviceConfig(file?.text, file?.name)
    if (this.flags.host !== undefined) config.host = this.flags.host
    if (this.flags.port !== undefined) config.port = this.flags.port
    const {startService, loadServicePolicy} = await import('../src/service/start.js')
    if (this.flags.check) {
      await loadServicePolicy(config)
      this.logToStderr(`wd serve: ${file?.name ?? 'the defaults'}: configuration ok`)
      return {checked: true}
    }
    const {app, url} = await startService(config, this.config.version)
    this.logToStderr(
      `wd serve: listening on ${url}${config.keystone ? '' : ' (no cloud configured: inline input only)'}`,
    )
    await new Promise<void>((done) => {
      const stop = () => void app.close().then(done)
      process.once('SIGTERM', stop)
      process.once('SIGINT', stop)
    })
    return {url}
  }
}
