/**
 * The bus's pure parts: a bark as an oslo.messaging 2.0 notification and back (hostile messages included), the
 * transport_url as oslo writes it, and the journal read from a byte offset (the outbox's reads).
 */
import {describe, expect, it} from '@jest/globals'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Bark} from '../../src/events/bark.js'
import {brokers, shownBus} from '../../src/events/bus-address.js'
import {readJournalSlice} from '../../src/events/journal.js'
import {barkNotification, readNotification} from '../../src/events/notification.js'
import {tempDir} from '../helpers/gates.js'

const libvirtBark: Bark = {
  id: 'libvirt:qemu:///system|instance-0000002a|2026-12-02T10:00:00.000Z|poweroff',
  time: '2026-12-02T10:00:00.000Z',
  vm: 'instance-0000002a',
  action: 'poweroff',
  source: 'libvirt:qemu:///system',
  instance: '8e7b6f5a-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
  host: 'compute-7',
  nova: {name: 'web-1', projectId: 'p1', projectName: 'demo', userId: 'u1', flavor: 'm1.small', image: 'img-1'},
}

/** The oslo message inside the 2.0 envelope, parsed as oslo's deserialize_msg does. */
const unwrap = (body: Buffer) => {
  const env = JSON.parse(body.toString()) as Record<string, string>
  expect(Object.keys(env).sort()).toEqual(['oslo.message', 'oslo.version'])
  expect(env['oslo.version']).toBe('2.0')
  return JSON.parse(env['oslo.message']!) as Record<string, unknown>
}

describe('a bark as an OpenStack notification', () => {
  it("carries Nova's instance, project and flavor, the host, and a UUID named by host and bark", () => {
    const n = barkNotification(libvirtBark, 'ignored-the-record-names-its-host', 'notifications')
    expect(n.routingKey).toBe('notifications.warn')
    const m = unwrap(n.body)
    expect(m).toMatchObject({
      message_id: n.messageId,
      publisher_id: 'wd.compute-7',
      event_type: 'wd.watchdog.bark',
      priority: 'WARN',
      timestamp: '2026-12-02 10:00:00.000000',
      payload: {
        host: 'compute-7',
        vm: 'instance-0000002a',
        action: 'poweroff',
        instance_uuid: '8e7b6f5a-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
        display_name: 'web-1',
        project_id: 'p1',
        project_name: 'demo',
        user_id: 'u1',
        flavor: 'm1.small',
        image: 'img-1',
      },
    })
    expect(m.payload).not.toHaveProperty('vmid')
    // RFC 4122 layout, version 5 (name-based), variant 10
    expect(n.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(m._unique_id).toBe(n.messageId.replace(/-/g, ''))
    // the same bark is the same message; another host's or another time's is another
    expect(barkNotification({...libvirtBark}, 'x', 'notifications').messageId).toBe(n.messageId)
    expect(barkNotification({...libvirtBark, host: 'compute-8'}, 'x', 'notifications').messageId).not.toBe(n.messageId)
    expect(barkNotification({...libvirtBark, id: `${libvirtBark.id}.1`}, 'x', 'notifications').messageId).not.toBe(
      n.messageId,
    )
  })

  it('a loop is an error; a Proxmox guest has its VMID; the host of the publisher fills a record without one', () => {
    const loop = {barks: 3, since: '2026-12-02T09:55:00.000Z', windowSeconds: 600}
    const n = barkNotification(
      {
        id: 'q|101|1|reset',
        time: '2026-12-02T10:00:00.5Z',
        vm: '101',
        action: 'reset',
        source: 'qmp:/run/wd/qmp/101.sock',
        instance: 'proxmox:101',
        loop,
      },
      'pve-2',
      'monitor',
    )
    expect(n.routingKey).toBe('monitor.error')
    const m = unwrap(n.body)
    expect(m).toMatchObject({priority: 'ERROR', publisher_id: 'wd.pve-2', timestamp: '2026-12-02 10:00:00.500000'})
    expect(m.payload).toMatchObject({
      vmid: '101',
      host: 'pve-2',
      loop: {barks: 3, since: loop.since, window_seconds: 600},
    })
    expect(m.payload).not.toHaveProperty('instance_uuid')
  })

  it('is read back as the same bark, its id the message id', () => {
    const n = barkNotification(libvirtBark, 'x', 'notifications')
    const got = readNotification(n.body)
    expect(got).toEqual({kind: 'bark', messageId: n.messageId, bark: {...libvirtBark, id: n.messageId}})
    const proxmox = barkNotification(
      {id: 'q', time: libvirtBark.time, vm: '101', action: 'pause', source: 's', instance: 'proxmox:101'},
      'pve',
      'notifications',
    )
    expect(readNotification(proxmox.body)).toMatchObject({kind: 'bark', bark: {instance: 'proxmox:101', host: 'pve'}})
  })
})

describe('a message off the bus, trusting nothing', () => {
  const wrap = (message: string) => Buffer.from(JSON.stringify({'oslo.version': '2.0', 'oslo.message': message}))
  const payload = (p: string) => wrap(`{"message_id": "m1", "event_type": "wd.watchdog.bark", "payload": ${p}}`)
  const good = `"host": "h", "vm": "v", "action": "reset", "source": "s", "time": "2026-12-02T10:00:00Z"`

  it.each([
    ['binary', Buffer.from([0xff, 0x00, 0x7b]), /^not JSON/],
    ['an envelope whose message is not JSON', wrap('{"event_type": '), /^not JSON/],
    ['an array', Buffer.from('[1,2]'), /^not a notification$/],
    ['a payload that is a list', payload('[1]'), /without message_id, payload or host/],
    ['no host', payload(`{"vm": "v", "action": "reset", "source": "s", "time": "2026-12-02T10:00:00Z"}`), /or host/],
    ['a host that is a number', payload(`{${good.replace('"h"', '7')}}`), /or host/],
    ['an action QEMU has not', payload(`{${good.replace('reset', 'explode')}}`), /^m1: not a bark/],
    ['a time that is none', payload(`{${good.replace('2026-12-02T10:00:00Z', 'yesterday')}}`), /^m1: not a bark/],
    ['a loop of strings', payload(`{${good}, "loop": {"barks": "3", "since": "x"}}`), /^m1: not a bark/],
    ['a project id that is an object', payload(`{${good}, "project_id": {"a": 1}}`), /^m1: not a bark/],
    ['a VM name of 2 KiB', payload(`{${good.replace('"v"', `"${'v'.repeat(2048)}"`)}}`), /^m1: not a bark/],
    ['300 KiB', payload(`{${good}, "pad": "${'x'.repeat(300 * 1024)}"}`), /^a message of \d+ bytes$/],
  ])('%s is bad, and said', (_, body, problem) => {
    const got = readNotification(body)
    expect(got.kind).toBe('bad')
    expect(got.kind === 'bad' && got.problem).toMatch(problem)
  })

  it("another service's notification is passed without a word; oslo's 1.0 (unwrapped) format is read", () => {
    expect(readNotification(wrap('{"event_type": "compute.instance.create.end", "payload": {}}'))).toEqual({
      kind: 'other',
      eventType: 'compute.instance.create.end',
    })
    expect(
      readNotification(Buffer.from(`{"message_id": "m2", "event_type": "wd.watchdog.bark", "payload": {${good}}}`)),
    ).toMatchObject({kind: 'bark', messageId: 'm2'})
  })

  it('a __proto__ key in the payload is data: nothing is polluted, no key of it reaches the bark', () => {
    const got = readNotification(payload(`{"__proto__": {"polluted": 1, "instance_uuid": "x"}, ${good}}`))
    expect(got.kind).toBe('bark')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(got.kind === 'bark' && Object.keys(got.bark).sort()).toEqual([
      'action',
      'host',
      'id',
      'source',
      'time',
      'vm',
    ])
  })
})

describe("the bus address: oslo's transport_url", () => {
  it('names every broker of a cluster, the vhost and TLS; shows none of the credentials', () => {
    const url = 'rabbit://nova:s%40cret@rmq1:5672,nova:s%40cret@rmq2/cloud%2Fa?heartbeat_timeout_threshold=60'
    expect(brokers(url).map((b) => b.options)).toEqual([
      expect.objectContaining({
        protocol: 'amqp',
        hostname: 'rmq1',
        port: 5672,
        username: 'nova',
        password: 's@cret',
        vhost: 'cloud/a',
      }),
      expect.objectContaining({
        protocol: 'amqp',
        hostname: 'rmq2',
        port: 5672,
        username: 'nova',
        password: 's@cret',
        vhost: 'cloud/a',
      }),
    ])
    expect(shownBus(url)).toBe('amqp://rmq1:5672/cloud%2Fa,amqp://rmq2/cloud%2Fa')
    expect(brokers('rabbit://u:p@[::1]:5671/?ssl=1')[0]!.options).toMatchObject({
      protocol: 'amqps',
      hostname: '::1',
      port: 5671,
      vhost: '/',
    })
    expect(brokers('amqps://h')[0]!.options).toMatchObject({protocol: 'amqps', port: 5671, username: 'guest'})
  })

  it.each(['http://h/', 'rabbit://', 'nova:secret@h', 'rabbit://u:p@h:99999/'])(
    '%s is refused, secret unsaid',
    (url) => {
      let said: unknown
      try {
        brokers(url)
      } catch (e) {
        said = e
      }
      expect(said).toMatchObject({code: 'WD_USAGE'})
      expect(String((said as Error).message)).not.toContain('secret')
    },
  )
})

describe('the journal read from a byte offset (the outbox)', () => {
  const rec = (n: number) =>
    JSON.stringify({
      id: `s|v|${n}|reset`,
      time: new Date(n * 1000).toISOString(),
      vm: 'v',
      action: 'reset',
      source: 's',
    })

  it('gives whole records with the offset past each, passes bad and overlong lines, waits for a torn last one', async () => {
    const path = join(tempDir('wd-slice-'), 'barks.jsonl')
    const lines = [rec(1), 'not json', rec(2), `"${'x'.repeat(1024 * 1024 + 10)}"`, rec(3)]
    writeFileSync(path, lines.join('\n') + '\n' + rec(4).slice(0, 20))
    const problems: string[] = []
    const all = await readJournalSlice(path, 0, 100, (m) => problems.push(m))
    expect(all.records.map((r) => r.bark.time)).toEqual([1, 2, 3].map((n) => new Date(n * 1000).toISOString()))
    const ends = lines.map((_, i) => lines.slice(0, i + 1).join('\n').length + 1)
    expect(all.records.map((r) => r.end)).toEqual([ends[0], ends[2], ends[4]])
    // the torn last line is not passed: it may be a record still being written
    expect(all.end).toBe(ends[4])
    expect(problems).toEqual([
      `${path}: byte ${ends[0]}: not JSON, skipped: not json`,
      `${path}: byte ${ends[2]}: a line longer than ${1024 * 1024} bytes, skipped`,
    ])
    // from an offset, at most `max`: where the outbox goes on after a batch
    const next = await readJournalSlice(path, ends[0]!, 1)
    expect(next.records.map((r) => r.end)).toEqual([ends[2]])
    expect(next.end).toBe(ends[2])
  })
})

describe('issue 22 item 14: what a bark off the bus must be', () => {
  const wrap = (payload: object, id = 'm-1') =>
    Buffer.from(
      JSON.stringify({
        'oslo.version': '2.0',
        'oslo.message': JSON.stringify({message_id: id, event_type: 'wd.watchdog.bark', payload}),
      }),
    )
  const fields = {host: 'h', vm: 'v', action: 'reset', source: 's'}

  it.each(['2026-99-99T99:99:99Z', '2026-02-30T10:00:00Z', '2026-12-02T24:00:00Z'])(
    'an impossible time (%s) is no bark',
    (time) => {
      const got = readNotification(wrap({...fields, time}))
      expect(got).toMatchObject({kind: 'bad', problem: expect.stringMatching(/no real time/)})
    },
  )

  it('a real time is one', () => {
    expect(readNotification(wrap({...fields, time: '2026-02-28T23:59:59.123Z'})).kind).toBe('bark')
  })

  it('a payload nested 100,000 arrays deep is said as a bad message, not thrown', () => {
    const vm = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const message = `{"message_id": "m-2", "event_type": "wd.watchdog.bark", "payload": {"host": "h", "vm": ${vm}}}`
    const body = Buffer.from(JSON.stringify({'oslo.version': '2.0', 'oslo.message': message}))
    expect(readNotification(body)).toMatchObject({kind: 'bad', problem: expect.stringMatching(/^m-2: not a bark/)})
  })

  it('a second bark under a recorded id, with other content, is said; a copy is not', async () => {
    const {openRecorder} = await import('../../src/events/recorder.js')
    const problems: string[] = []
    const rec = await openRecorder({
      journal: join(tempDir('wd-dup-'), 'fleet.jsonl'),
      fleet: true,
      loopRule: {barks: 3, windowSeconds: 600},
      onProblem: (m) => problems.push(m),
    })
    const real: Bark = {id: 'm-1', ...fields, time: '2026-12-02T10:00:00.000Z'}
    expect(await rec.record(real)).toBe('recorded')
    expect(await rec.record({...real})).toBe('known')
    expect(problems).toEqual([])
    expect(await rec.record({...real, vm: 'forged'})).toBe('known')
    await rec.close()
    expect(problems).toEqual([expect.stringMatching(/^bark m-1 from h: not recorded: the journal holds a different/)])
  })
})

describe('issue 22 item 15: a bad % escape in the bus URL', () => {
  it.each([
    ['rabbit://wd:s3cr%zzet@controller:5672/', 17],
    ['rabbit://wd%E2:s3cret@controller:5672/', 12],
    ['rabbit://wd:s3cret@controller:5672/vh%', 38],
  ])('%s is a usage error at its place, the password never quoted', (url, at) => {
    let thrown: unknown
    try {
      brokers(url)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toMatchObject({code: 'WD_USAGE', message: `the bus URL has a bad % escape at character ${at}`})
    expect(JSON.stringify(thrown)).not.toContain('s3cr')
  })
})
