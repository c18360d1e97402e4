import {Flags} from '@oclif/core'
import {basename} from 'node:path'
import {WdError} from '../../src/errors.js'
import type {Bark} from '../../src/events/bark.js'
import {openJournal} from '../../src/events/journal.js'
import {followLibvirt} from '../../src/events/libvirt.js'
import {followQmp} from '../../src/events/qmp.js'
import {postWebhook, Textfile} from '../../src/events/sinks.js'
import {httpClient} from '../../src/openstack/http.js'
import {WdCommand} from '../_shared/base.js'

/** The VM a QMP socket belongs to: Proxmox names them /var/run/qemu-server/<vmid>.qmp. */
function vmOf(socket: string): {vm: string; instance?: string} {
  const name = basename(socket).replace(/\.(qmp|sock|socket)$/, '')
  return /^\d+$/.test(name) ? {vm: name, instance: `proxmox:${name}`} : {vm: name}
}

export default class EventsWatch extends WdCommand<typeof EventsWatch> {
  static override resultSchema = 'cli-results#/$defs/watch'

  static override summary = 'Record every watchdog bark: from QEMU QMP sockets or libvirt, into a journal and more.'

  static override description = `Each bark is recorded once: time, VM, action and source, appended to the journal \
(JSON lines, fsynced per record; a restart never records one twice), and optionally counted in a Prometheus textfile \
(wd_watchdog_barks_total{vm,action}) and POSTed to a webhook (retried). Barks are handled one at a time in the order \
they arrive, so a burst is recorded whole. Sockets and libvirtd may go away and come back: the watcher reconnects. \
A malformed line or event is reported on stderr and skipped. It runs until SIGTERM or SIGINT. Mind what sources \
report: QEMU reports libvirt's dump as pause, and a poweroff ends QEMU right after its WATCHDOG event.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --qmp /var/run/qemu-server/101.qmp --journal /var/lib/wd/barks.jsonl',
    '<%= config.bin %> <%= command.id %> --libvirt qemu:///system --journal barks.jsonl --textfile /var/lib/node_exporter/wd.prom',
  ]

  static override flags = {
    qmp: Flags.string({description: 'A QEMU QMP unix socket (repeatable).', multiple: true, helpValue: 'SOCKET'}),
    libvirt: Flags.string({description: 'A libvirt URI, e.g. qemu:///system.', helpValue: 'URI'}),
    journal: Flags.string({description: 'The bark journal (JSON lines).', required: true, helpValue: 'FILE'}),
    textfile: Flags.string({description: 'A Prometheus textfile to keep up to date.', helpValue: 'FILE'}),
    webhook: Flags.string({description: 'POST each bark as JSON to this URL.', helpValue: 'URL'}),
  }

  public async run(): Promise<{recorded: number}> {
    const f = this.flags
    if (!f.qmp?.length && !f.libvirt)
      throw new WdError('WD_USAGE', 'say what to watch: --qmp SOCKET and/or --libvirt URI')
    const onProblem = (m: string) => this.warning(m)
    const textfile = f.textfile ? new Textfile(f.textfile) : undefined
    const journal = await openJournal(f.journal, onProblem, (b) => textfile?.count(b))
    const http = f.webhook ? httpClient({verify: true, timeout: 10}) : undefined
    const stop = new AbortController()
    process.once('SIGTERM', () => stop.abort())
    process.once('SIGINT', () => stop.abort())
    let recorded = 0
    let posts = Promise.resolve()
    const record = async (bark: Bark) => {
      if (!(await journal.append(bark))) return
      recorded++
      this.log(`bark: ${bark.time} ${bark.vm} ${bark.action} (${bark.source})`)
      if (textfile) {
        textfile.count(bark)
        // coalesced: a burst does not wait for one write per bark
        textfile.flush().catch((e: Error) => this.warning(`textfile ${f.textfile}: ${e.message}`))
      }
      // the webhook has its own queue: its retries must not hold up the journal
      if (http && f.webhook) {
        const url = f.webhook
        posts = posts.then(async () => {
          const failed = await postWebhook(http, url, bark)
          if (failed) this.warning(`webhook: ${failed} (the bark is in the journal)`)
        })
      }
    }
    // one bark at a time, in arrival order; a failure is said and the next bark still handled
    let queue = Promise.resolve()
    const onBark = (bark: Bark) => {
      queue = queue
        .then(() => record(bark))
        .catch((e: Error) => this.warning(`bark ${bark.id} not recorded: ${e.message}`))
    }
    if (textfile) await textfile.flush()
    await Promise.all([
      ...(f.qmp ?? []).map((s) => {
        const {vm, instance} = vmOf(s)
        return followQmp(s, {
          vm,
          signal: stop.signal,
          onProblem,
          onBark: (b) => onBark({...b, ...(instance && {instance})}),
        })
      }),
      ...(f.libvirt ? [followLibvirt(f.libvirt, {signal: stop.signal, onBark, onProblem})] : []),
    ])
    await queue
    await posts
    if (textfile) await textfile.flush()
    await journal.close()
    return {recorded}
  }
}
