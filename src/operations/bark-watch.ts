/**
 * `wd events watch`: every bark of this host's hypervisor (QMP sockets, a directory of them, libvirt) recorded once
 * (journal, textfile, webhook, syslog) and, with a bus, published from the journal, its outbox. It runs until the
 * signal aborts; the face says when the journal is to be reopened (after logrotate moved it). The library touches no
 * process signal: the face owns them.
 */
import {WdError} from '../errors.js'
import type {Bark} from '../events/bark.js'
import type {BusOptions} from '../events/bus-address.js'
import type {ProblemSink} from '../events/journal.js'
import {followLibvirt} from '../events/libvirt.js'
import type {Outbox} from '../events/outbox.js'
import {followQmp} from '../events/qmp.js'
import {assertNotProxmoxSocket, followQmpDir, vmOf} from '../events/qmp-dir.js'
import {openRecorder, type RecorderOptions} from '../events/recorder.js'

/** What to follow: QMP sockets, a directory of them, a libvirt URI (at least one). */
export interface WatchSources {
  qmp: readonly string[]
  qmpDir?: string
  libvirt?: string
}

/** The sources, checked before anything is opened: one at least, and no socket of Proxmox's own unless allowed. */
export function watchSources(o: WatchSources & {allowProxmoxSocket?: boolean}): WatchSources {
  if (!o.qmp.length && !o.libvirt && !o.qmpDir)
    throw new WdError('WD_USAGE', 'say what to watch: --qmp SOCKET, --qmp-dir DIR and/or --libvirt URI')
  for (const s of o.qmp) assertNotProxmoxSocket(s, o.allowProxmoxSocket ?? false)
  return {qmp: o.qmp, ...(o.qmpDir && {qmpDir: o.qmpDir}), ...(o.libvirt && {libvirt: o.libvirt})}
}

/** Where barks are recorded (journal, textfile, webhook, syslog, loop rule): watch and consume take the same. */
export type RecordSettings = Omit<RecorderOptions, 'onProblem' | 'onRecorded' | 'fleet'>

export interface WatchOptions {
  sources: WatchSources
  /** where barks are recorded (journal, textfile, webhook, syslog, loop rule) */
  recorder: RecordSettings
  /** publish each recorded bark on this bus, from the journal */
  bus?: BusOptions
  /** the host named in records and notifications */
  host: string
}

export interface WatchHooks {
  /** aborted: stop following, record what is in flight, close */
  signal: AbortSignal
  onProblem: ProblemSink
  /** a bark that went into the journal */
  onRecorded: (bark: Bark) => void
  /** a socket of the directory followed, or let go of */
  onFollowing?: (socket: string, following: boolean) => void
  /** the journal was reopened, or (with the error) was not and barks go on into the open one */
  onReopened?: (error?: Error) => void
  /**
   * Subscribes the journal's reopening (the face's SIGHUP) while barks are followed; returns the unsubscribe.
   */
  reopenOn?: (reopen: () => void) => () => void
}

export interface WatchResult {
  recorded: number
  /** barks published on the bus (with a bus) */
  published?: number
}

export async function watchBarks(o: WatchOptions, on: WatchHooks): Promise<WatchResult> {
  const {onProblem, signal} = on
  let recorded = 0
  const recorder = await openRecorder({
    ...o.recorder,
    onProblem,
    onRecorded: (bark) => {
      recorded++
      on.onRecorded(bark)
      // no bark is recorded before the followers start, below the outbox
      outbox?.kick()
    },
  })
  // amqplib is loaded only for a watcher that publishes
  const {bus, host} = o
  const outbox: Outbox | undefined = bus
    ? await (
        await import('../events/outbox.js')
      ).openOutbox({journal: o.recorder.journal, bus, host, onProblem, writing: () => recorder.journalFile()})
    : undefined
  // logrotate moved the journal (its postrotate, or systemctl reload): barks go on into a new one at the old path
  const reopen = () =>
    void recorder.reopen().then(
      () => {
        on.onReopened?.()
        outbox?.kick()
      },
      (e: Error) => on.onReopened?.(e),
    )
  const unsubscribe = on.reopenOn?.(reopen)
  const onBark = (bark: Bark) => void recorder.record({...bark, host})
  const {qmp, qmpDir, libvirt} = o.sources
  await Promise.all([
    ...qmp.map((s) => {
      const {vm, instance} = vmOf(s)
      return followQmp(s, {vm, signal, onProblem, onBark: (b) => onBark({...b, ...(instance && {instance})})})
    }),
    ...(qmpDir
      ? [followQmpDir(qmpDir, {signal, onProblem, onBark, onChange: (socket, f) => on.onFollowing?.(socket, f)})]
      : []),
    ...(libvirt ? [followLibvirt(libvirt, {signal, onBark, onProblem})] : []),
  ])
  unsubscribe?.()
  await recorder.close()
  const sent = await outbox?.close()
  return {recorded, ...(sent && {published: sent.published})}
}
