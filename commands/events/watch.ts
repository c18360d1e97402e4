import {Flags} from '@oclif/core'
import {WdError} from '../../src/errors.js'
import type {Bark} from '../../src/events/bark.js'
import {openJournal} from '../../src/events/journal.js'
import {followLibvirt} from '../../src/events/libvirt.js'
import {followQmp} from '../../src/events/qmp.js'
import {assertNotProxmoxSocket, followQmpDir, vmOf} from '../../src/events/qmp-dir.js'
import {postWebhook, Textfile} from '../../src/events/sinks.js'
import {sendSyslog} from '../../src/events/syslog.js'
import {DEFAULT_LOOP_RULE, LoopDetector} from '../../src/events/loops.js'
import {assertDuration} from '../../src/text/duration.js'
import {oneLine} from '../../src/text/clip.js'
import {httpClient} from '../../src/openstack/http.js'
import {WdCommand} from '../_shared/base.js'

export default class EventsWatch extends WdCommand<typeof EventsWatch> {
  static override resultSchema = 'cli-results#/$defs/watch'

  static override summary = 'Record every watchdog bark: from QEMU QMP sockets or libvirt, into a journal and more.'

  static override description = `Each bark is recorded once: time, VM, action and source, appended to the journal \
(JSON lines, fsynced per record; a restart never records one twice), and optionally counted in a Prometheus textfile \
(wd_watchdog_barks_total{vm,action}), POSTed to a webhook (retried) and sent to syslog (RFC 5424, the bark as \
structured data wd@32473, tag wd). Barks are handled one at a time in the order \
they arrive, so a burst is recorded whole. Sockets and libvirtd may go away and come back: the watcher reconnects. \
A malformed line or event is reported on stderr and skipped. It runs until SIGTERM or SIGINT. Mind what sources \
report: QEMU reports libvirt's dump as pause, and a poweroff ends QEMU right after its WATCHDOG event.

On Proxmox VE, follow wd's own monitors with --qmp-dir (wd proxmox set VMID --record adds one to a guest): every \
socket in the directory is followed as guests start and let go as they stop. Proxmox's own sockets \
(/var/run/qemu-server/VMID.qmp) are refused: QEMU serves one QMP client at a time, and while wd held one, qm, \
pvestatd and backups would get no answer.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --qmp-dir /run/wd/qmp --journal /var/lib/wd/barks.jsonl   # Proxmox VE',
    '<%= config.bin %> <%= command.id %> --qmp /run/guest1.qmp --journal barks.jsonl',
    '<%= config.bin %> <%= command.id %> --libvirt qemu:///system --journal barks.jsonl --textfile /var/lib/node_exporter/wd.prom',
  ]

  static override flags = {
    qmp: Flags.string({description: 'A QEMU QMP unix socket (repeatable).', multiple: true, helpValue: 'SOCKET'}),
    'qmp-dir': Flags.string({
      description: "Follow every QMP socket in this directory as guests come and go (wd's own monitors).",
      helpValue: 'DIR',
    }),
    'allow-proxmox-socket': Flags.boolean({
      description: "Follow a socket of Proxmox's own (/var/run/qemu-server) anyway, starving Proxmox's tools.",
    }),
    libvirt: Flags.string({description: 'A libvirt URI, e.g. qemu:///system.', helpValue: 'URI'}),
    journal: Flags.string({description: 'The bark journal (JSON lines).', required: true, helpValue: 'FILE'}),
    textfile: Flags.string({description: 'A Prometheus textfile to keep up to date.', helpValue: 'FILE'}),
    webhook: Flags.string({description: 'POST each bark as JSON to this URL.', helpValue: 'URL'}),
    syslog: Flags.string({
      description: 'Send each bark as an RFC 5424 record with structured data to this syslog socket (/dev/log).',
      helpValue: 'SOCKET',
    }),
    'loop-barks': Flags.integer({
      description: 'Barks of one VM within --loop-window that mark a reset loop.',
      min: 2,
      default: DEFAULT_LOOP_RULE.barks,
    }),
    'loop-window': Flags.string({
      description: 'The window of --loop-barks: 90s, 10m, 2h.',
      default: `${DEFAULT_LOOP_RULE.windowSeconds / 60}m`,
      helpValue: 'DURATION',
    }),
  }

  public async run(): Promise<{recorded: number}> {
    const f = this.flags
    if (!f.qmp?.length && !f.libvirt && !f['qmp-dir'])
      throw new WdError('WD_USAGE', 'say what to watch: --qmp SOCKET, --qmp-dir DIR and/or --libvirt URI')
    for (const s of f.qmp ?? []) assertNotProxmoxSocket(s, f['allow-proxmox-socket'])
    const onProblem = (m: string) => this.warning(m)
    const textfile = f.textfile ? new Textfile(f.textfile) : undefined
    const loops = new LoopDetector({
      barks: f['loop-barks'],
      windowSeconds: assertDuration(f['loop-window'], '--loop-window'),
    })
    // the journal's barks, in order, give the counts and the loops their past
    const journal = await openJournal(f.journal, onProblem, (b) => textfile?.count(b, loops.observe(b)?.entered))
    const http = f.webhook ? httpClient({verify: true, timeout: 10}) : undefined
    const stop = new AbortController()
    process.once('SIGTERM', () => stop.abort())
    process.once('SIGINT', () => stop.abort())
    let recorded = 0
    // syslog and the webhook have queues of their own: neither may hold up the journal
    const queued = (what: string, deliver: (bark: Bark) => Promise<string | undefined>) => {
      let tail = Promise.resolve()
      return {
        push: (bark: Bark) => {
          tail = tail.then(async () => {
            const failed = await deliver(bark)
            if (failed) this.warning(`${what}: ${failed} (the bark is in the journal)`)
          })
        },
        drained: () => tail,
      }
    }
    const sinks = [
      ...(f.syslog ? [queued(`syslog ${f.syslog}`, (b) => sendSyslog(b, f.syslog!))] : []),
      ...(http && f.webhook ? [queued('webhook', (b) => postWebhook(http, f.webhook!, b))] : []),
    ]
    const record = async (seen: Bark) => {
      if (journal.has(seen.id)) return
      const verdict = loops.observe(seen)
      const bark = verdict ? {...seen, loop: verdict.loop} : seen
      if (!(await journal.append(bark))) return
      recorded++
      const loop = bark.loop ? `; reset loop: ${bark.loop.barks} barks since ${bark.loop.since}` : ''
      this.log(`bark: ${bark.time} ${bark.vm} ${bark.action} (${bark.source})${loop}`)
      if (textfile) {
        textfile.count(bark, verdict?.entered)
        // coalesced: a burst does not wait for one write per bark
        textfile.flush().catch((e: Error) => this.warning(`textfile ${f.textfile}: ${e.message}`))
      }
      for (const sink of sinks) sink.push(bark)
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
      ...(f['qmp-dir']
        ? [
            followQmpDir(f['qmp-dir'], {
              signal: stop.signal,
              onProblem,
              onBark,
              onChange: (socket, following) =>
                this.logToStderr(`${following ? 'following' : 'let go of'} ${oneLine(socket)}`),
            }),
          ]
        : []),
      ...(f.libvirt ? [followLibvirt(f.libvirt, {signal: stop.signal, onBark, onProblem})] : []),
    ])
    await queue
    await Promise.all(sinks.map((s) => s.drained()))
    if (textfile) await textfile.flush()
    await journal.close()
    return {recorded}
  }
}
