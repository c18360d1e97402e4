import {Flags} from '@oclif/core'
import {exportCatalog, type CatalogDocument} from '../../src/operations/catalog-export.js'
import {WdCommand} from '../_shared/base.js'
import {connectFromFlags, openstackFlags} from '../_shared/openstack.js'

export default class CatalogExport extends WdCommand<typeof CatalogExport> {
  static override summary = "Write the cloud's flavors and images' watchdog properties as a catalog (YAML)."

  static override description = `Every flavor (private ones too; needs an admin account) with every field, its extra \
specs and, for a private flavor, the projects it is given to; and the images' watchdog properties \
(hw_watchdog_action, and the spellings Nova ignores). Ids are included: what export writes validates clean and plans \
to no change against the same cloud, which is how an operator starts keeping the catalog in git.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --os-cloud prod -o catalog.yaml',
    "<%= config.bin %> <%= command.id %> --flavors 'SCS-*' --images 'debian-*'",
  ]

  static override resultSchema = 'cli-results#/$defs/catalogExport'

  static override flags = {
    flavors: Flags.string({description: 'Only flavors whose name matches this glob.', helpValue: 'GLOB'}),
    images: Flags.string({
      description: 'Only images whose name matches this glob [default: the images that set a watchdog property].',
      helpValue: 'GLOB',
    }),
    output: Flags.string({char: 'o', description: 'Write the catalog to this file (atomically).', helpValue: 'FILE'}),
    ...openstackFlags,
  }

  public async run(): Promise<CatalogDocument> {
    const conn = await connectFromFlags(this.flags)
    const catalog = await exportCatalog(conn, {
      ...(this.flags.flavors !== undefined && {flavors: this.flags.flavors}),
      ...(this.flags.images !== undefined && {images: this.flags.images}),
    })
    const {yamlText} = await import('../../src/report/yaml.js')
    const yaml = `# wd catalog export: ${catalog.flavors.length} flavors, ${catalog.images.length} images\n${yamlText(catalog)}`
    if (this.flags.output !== undefined) {
      const {writeFileAtomically} = await import('../../src/fs/replace-file.js')
      await writeFileAtomically(this.flags.output, Buffer.from(yaml))
      this.logToStderr(`${this.flags.output}: ${catalog.flavors.length} flavors, ${catalog.images.length} images`)
    } else if (!this.jsonEnabled()) process.stdout.write(yaml)
    return catalog
  }
}
