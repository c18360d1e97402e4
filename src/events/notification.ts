/**
 * A bark as an OpenStack notification, and back. What goes on the bus is what oslo.messaging's `messagingv2` driver
 * sends (oslo_messaging/notify/messaging.py, _drivers/amqpdriver.py, _drivers/common.py serialize_msg): the 2.0
 * envelope `{"oslo.version": "2.0", "oslo.message": "<JSON>"}`, the message holding message_id, publisher_id,
 * event_type, priority, payload and timestamp, routed as `<topic>.<priority in lower case>` — so Ceilometer, Aodh,
 * an oslo listener or `wd events consume` read it like any service's notification.
 *
 * The message id is derived, not drawn: a name-based UUID of the host and the bark's own id (source, VM, the
 * hypervisor's event time, action), so the same bark published twice (a crash between the broker's confirm and the
 * outbox's mark) has the same id, and a consumer dedups exactly.
 */
import {createHash} from 'node:crypto'
import {asString as str, isObject} from '../untrusted.js'
import {MAX_NOTIFICATION_BYTES} from '../limits.js'
import {validator} from '../schema/validator.js'
import {clip, preview} from '../text/clip.js'
import {isRealTime, type Bark} from './bark.js'

const EVENT_TYPE = 'wd.watchdog.bark'
/** A bark is a warning (a guest hung); one in a reset loop an error (it hangs again after every reset). */
export const PRIORITIES = ['warn', 'error'] as const

/** The message id: a UUID named by the host and the bark (RFC 4122 version 5 layout over SHA-1). */
function barkMessageId(host: string, barkId: string): string {
  const h = createHash('sha1').update(`wd-bark\n${host}\n${barkId}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}

/** Python's str(datetime.utcnow()), which oslo.messaging puts in `timestamp`: `2026-12-02 15:06:16.123000`. */
const osloTime = (iso: string) =>
  iso
    .replace('T', ' ')
    .replace(/Z$/, '')
    .replace(/\.(\d{1,6})$/, (_, f: string) => `.${f.padEnd(6, '0')}`)

export interface Notification {
  messageId: string
  routingKey: string
  /** the 2.0 envelope, as sent */
  body: Buffer
}

/** The notification of a recorded bark; `host` is the publisher's when the record does not name one. */
export function barkNotification(bark: Bark, host: string, topic: string): Notification {
  const from = bark.host ?? host
  const messageId = barkMessageId(from, bark.id)
  const priority = bark.loop ? 'error' : 'warn'
  const proxmox = bark.instance?.startsWith('proxmox:') ? bark.instance.slice('proxmox:'.length) : undefined
  const payload = {
    bark_id: bark.id,
    host: from,
    vm: bark.vm,
    action: bark.action,
    time: bark.time,
    source: bark.source,
    ...(bark.instance && !proxmox && {instance_uuid: bark.instance}),
    ...(proxmox && {vmid: proxmox}),
    ...(bark.nova && {
      display_name: bark.nova.name,
      project_id: bark.nova.projectId,
      project_name: bark.nova.projectName,
      user_id: bark.nova.userId,
      flavor: bark.nova.flavor,
      image: bark.nova.image,
    }),
    ...(bark.loop && {loop: {barks: bark.loop.barks, since: bark.loop.since, window_seconds: bark.loop.windowSeconds}}),
  }
  const message = {
    message_id: messageId,
    publisher_id: `wd.${from}`,
    event_type: EVENT_TYPE,
    priority: priority.toUpperCase(),
    payload,
    timestamp: osloTime(bark.time),
    // oslo's listeners drop a message whose _unique_id they have just seen; derived too, so a resend is one of those
    _unique_id: messageId.replace(/-/g, ''),
  }
  const body = Buffer.from(JSON.stringify({'oslo.version': '2.0', 'oslo.message': JSON.stringify(message)}))
  return {messageId, routingKey: `${topic}.${priority}`, body}
}

/** What a consumer makes of a message: a bark of some host, another service's notification, or a bad message. */
export type Received =
  {kind: 'bark'; messageId: string; bark: Bark} | {kind: 'other'; eventType: string} | {kind: 'bad'; problem: string}

/**
 * Reads a message off the bus, trusting nothing: the size is bounded, both JSON layers are parsed as data, the bark
 * is checked against schemas/bark.schema.json (which caps every string), and its id is the message's: the one id a
 * bark has across the fleet.
 */
export function readNotification(body: Buffer): Received {
  if (body.length > MAX_NOTIFICATION_BYTES) return {kind: 'bad', problem: `a message of ${body.length} bytes`}
  let message: unknown
  try {
    const envelope: unknown = JSON.parse(body.toString('utf8'))
    // oslo's 1.0 format is the message itself, unwrapped
    message =
      isObject(envelope) && typeof envelope['oslo.message'] === 'string'
        ? JSON.parse(envelope['oslo.message'])
        : envelope
  } catch (e) {
    return {kind: 'bad', problem: `not JSON (${(e as Error).message}): ${clip(body.toString('utf8'))}`}
  }
  if (!isObject(message)) return {kind: 'bad', problem: 'not a notification'}
  const eventType = str(message.event_type)
  if (eventType !== EVENT_TYPE) return {kind: 'other', eventType: clip(eventType ?? '(no event_type)')}
  const messageId = str(message.message_id)
  const p = message.payload
  if (!messageId || !isObject(p) || typeof p.host !== 'string')
    return {kind: 'bad', problem: `${EVENT_TYPE} without message_id, payload or host`}
  const loop = isObject(p.loop) ? p.loop : undefined
  const nova = Object.fromEntries(
    Object.entries({
      name: p.display_name,
      projectId: p.project_id,
      projectName: p.project_name,
      userId: p.user_id,
      flavor: p.flavor,
      image: p.image,
    }).filter(([, v]) => v !== undefined),
  )
  const instance = str(p.instance_uuid) ?? (str(p.vmid) === undefined ? undefined : `proxmox:${str(p.vmid)}`)
  const candidate = {
    id: messageId,
    host: p.host,
    time: p.time,
    vm: p.vm,
    action: p.action,
    source: p.source,
    ...(instance !== undefined && {instance}),
    ...(Object.keys(nova).length > 0 && {nova}),
    ...(loop && {loop: {barks: loop.barks, since: loop.since, windowSeconds: loop.window_seconds}}),
  }
  const isBark = validator('bark')
  // preview, not JSON.stringify: a payload nested 100,000 deep would overflow the stack
  if (!isBark(candidate)) return {kind: 'bad', problem: `${clip(messageId)}: not a bark: ${preview(p)}`}
  if (!isRealTime(candidate.time as string))
    return {kind: 'bad', problem: `${clip(messageId)}: not a bark: its time ${preview(candidate.time)} is no real time`}
  return {kind: 'bark', messageId, bark: candidate as Bark}
}
