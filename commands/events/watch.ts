import {Flags} from '@oclif/core'
import {watchBarks, watchSources, type WatchResult} from '../../src/operations/bark-watch.js'
import {oneLine} from '../../src/text/clip.js'
import {WdCommand} from '../_shared/base.js'
import {busFlags, busOptions} from '../_shared/bus.js'
import {onSighup, stopSignal} from '../_shared/signals.js'
import {recorderOptions, sinkFlags} from '../_shared/sinks.js'
import {barkLine} from '../../src/report/bark-line.js'
import {hostname} from 'node:os'

export default class EventsWatch extends WdCommand<typeof EventsWatch> {
  static override resultSchema = 'cli-results#/$defs/watch'

  static override summary = 'Record every watchdog bark: from QEMU QMP sockets or libvirt, into a journal and more.'

  static override description = `Each bark is recorded once: time, VM, action and source, appended to the journal \
(JSON lines, fsynced per record; a restart never records one twice), and optionally counted in a Prometheus textfile \
(wd_watchdog_barks_total{vm,action}), POSTed to a webhook (retried) and sent to syslog (RFC 5424, the bark as \
structured data wd@32473, tag wd). With --notify each bark is also published on the cloud's message bus as an \
OpenStack notification (wd.watchdog.bark, oslo.messaging's 2.0 envelope) from the journal, which is its outbox: \
while the bus is away, barks wait there and go out in order when it is back ('wd events consume' reads them). \
Barks are handled one at a time in the order they arrive, so a burst is recorded whole. Sockets and libvirtd may go away and come back: the watcher reconnects. \
A malformed line or event is reported on stderr and skipped. It runs until SIGTERM or SIGINT; SIGHUP reopens the \
journal (after logrotate moved it: deploy/logrotate/wd), and the journal's rotated files count as recorded. Mind what sources \
report: QEMU reports libvirt's dump as pause, and a poweroff ends QEMU right after its WATCHDOG event.

On Proxmox VE, follow wd's own monitors with --qmp-dir /var/run/qemu-server (wd proxmox set VMID --record adds one \
to a guest, wd-VMID.qmp): every socket in the directory is followed as guests start and let go as they stop, but \
never one named as Proxmox's own (VMID.qmp); a directory that is not there yet is waited for, never made. \
Proxmox's own sockets are refused (--qmp): QEMU serves one QMP client at a time, and while wd held one, qm, \
pvestatd and backups would get no answer.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --qmp-dir /var/run/qemu-server --journal /var/lib/wd/barks.jsonl   # Proxmox VE',
    '<%= config.bin %> <%= command.id %> --qmp /run/guest1.qmp --journal barks.jsonl',
    '<%= config.bin %> <%= command.id %> --libvirt qemu:///system --journal barks.jsonl --textfile /var/lib/node_exporter/wd.prom',
    'WD_TRANSPORT_URL=rabbit://nova:secret@controller:5672/ <%= config.bin %> <%= command.id %> --libvirt qemu:///system --journal barks.jsonl   # Nova compute: barks onto the bus',
  ]

  static override flags = {
    qmp: Flags.string({description: 'A QEMU QMP unix socket (repeatable).', multiple: true, helpValue: 'SOCKET'}),
    'qmp-dir': Flags.string({
      description:
        "Follow every QMP socket in this directory as guests come and go (wd's own monitors; never Proxmox's VMID.qmp).",
      helpValue: 'DIR',
    }),
    'allow-proxmox-socket': Flags.boolean({
      description: "Follow a socket of Proxmox's own (/var/run/qemu-server) anyway, starving Proxmox's tools.",
    }),
    libvirt: Flags.string({description: 'A libvirt URI, e.g. qemu:///system.', helpValue: 'URI'}),
    notify: Flags.string({
      description:
        "Publish each bark as an OpenStack notification (wd.watchdog.bark) to this bus: nova.conf's transport_url or amqp://.",
      helpValue: 'URL',
      env: 'WD_TRANSPORT_URL',
    }),
    host: Flags.string({
      description: 'The host named in records and notifications (default: this hostname).',
      helpValue: 'HOST',
    }),
    ...busFlags,
    ...sinkFlags,
  }

  public async run(): Promise<WatchResult> {
    const f = this.flags
    const sources = watchSources({
      qmp: f.qmp ?? [],
      qmpDir: f['qmp-dir'],
      libvirt: f.libvirt,
      allowProxmoxSocket: f['allow-proxmox-socket'],
    })
    const bus = f.notify ? busOptions(f.notify, f) : undefined
    const host = f.host ?? hostname()
    return watchBarks(
      {sources, recorder: recorderOptions(f), bus, host},
      {
        signal: stopSignal(),
        onProblem: (m) => this.warning(m),
        onRecorded: (bark) => this.log(barkLine(bark)),
        onFollowing: (socket, following) =>
          this.logToStderr(`${following ? 'following' : 'let go of'} ${oneLine(socket)}`),
        onReopened: (e) =>
          e
            ? this.warning(`journal ${f.journal} not reopened (${e.message}); barks go on into the open one`)
            : this.logToStderr(`journal ${oneLine(f.journal)} reopened`),
        // logrotate moved the journal (its postrotate, or systemctl reload): barks go on into a new one at the old path
        reopenOn: onSighup,
      },
    )
  }
}
