/**
 * Barks into the syslog operators already read: one RFC 5424 record per bark on a local syslog socket (/dev/log, or
 * rsyslog's or journald's), with the bark as structured data, so `journalctl -t wd`, Proxmox's node syslog view and
 * any Fluent Bit/Loki/OpenSearch pipeline see it. Node has no unix datagram sockets (dgram speaks UDP only), so the
 * record is handed to util-linux's `logger`, which every Debian system has and which writes RFC 5424 itself.
 */
import {spawn} from 'node:child_process'
import {clip} from '../text/clip.js'
import type {Bark} from './bark.js'

/** The SD-ID of wd's structured data (32473 is the private enterprise number RFC 5612 sets aside for examples). */
const SD_ID = 'wd@32473'
/** Facility and severity: a bark is a daemon's warning; a bark in a reset loop an error. */
const PRIORITY = {bark: 'daemon.warning', loop: 'daemon.err'}
/** Values are anyone's input (a domain's name): clipped, and escaped as RFC 5424 wants (", \ and ]). */
const param = (name: string, value: string) => `${name}="${clip(value, 256).replace(/["\\\]]/g, (c) => `\\${c}`)}"`

/** logger's arguments for one bark on `socket`. */
export function loggerArgs(bark: Bark, socket: string): string[] {
  const params = [
    param('vm', bark.vm),
    param('action', bark.action),
    param('source', bark.source),
    param('time', bark.time),
    param('id', bark.id),
    ...(bark.instance ? [param('instance', bark.instance)] : []),
    ...Object.entries(bark.nova ?? {}).map(([k, v]: [string, string]) =>
      param(`nova${k[0]!.toUpperCase()}${k.slice(1)}`, v),
    ),
    ...(bark.loop ? [param('loop', String(bark.loop.barks)), param('loopSince', bark.loop.since)] : []),
  ]
  const loop = bark.loop ? ` (reset loop: ${bark.loop.barks} barks since ${bark.loop.since})` : ''
  const message = `watchdog bark: VM ${clip(bark.vm)}${bark.instance ? ` (${clip(bark.instance)})` : ''} action ${clip(bark.action)}${loop}`
  return [
    '--rfc5424=notq',
    '--tag',
    'wd',
    '--priority',
    bark.loop ? PRIORITY.loop : PRIORITY.bark,
    '--socket',
    socket,
    '--socket-errors=on',
    '--sd-id',
    SD_ID,
    ...params.flatMap((p) => ['--sd-param', p]),
    '--',
    message,
  ]
}

/** Sends one bark to syslog; resolves to what went wrong, or undefined. */
export function sendSyslog(bark: Bark, socket: string, logger = 'logger'): Promise<string | undefined> {
  return new Promise((done) => {
    const child = spawn(logger, loggerArgs(bark, socket), {stdio: ['ignore', 'ignore', 'pipe']})
    let said = ''
    child.stderr.on('data', (d: Buffer) => (said = clip(said + String(d), 300)))
    child.on('error', (e) => done(`${logger}: ${e.message}`))
    child.on('close', (code) => done(code === 0 ? undefined : `${logger} exited ${code}: ${said.trim()}`))
  })
}
