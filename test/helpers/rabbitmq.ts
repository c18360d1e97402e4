/**
 * The bus tests' real parts: a RabbitMQ of the test's own (test/env/rabbitmq/rabbitmq.sh), stopped after the file,
 * and a real oslo.messaging notification listener (test/env/rabbitmq/oslo-listener.py) whose every notification is
 * kept as it printed it.
 */
import {afterAll} from '@jest/globals'
import {spawn, spawnSync} from 'node:child_process'
import {connect} from 'amqplib'
import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {root} from './cli.js'
import {owned} from './gates.js'
import {until} from './barks.js'

const script = join(root, 'test/env/rabbitmq/rabbitmq.sh')
const started = new Set<string>()
afterAll(() => {
  for (const dir of started) {
    spawnSync('bash', [script, 'stop', dir])
    if (process.env.WD_KEEP_TMP !== '1') rmSync(dir, {recursive: true, force: true})
  }
})

/** A directory for a broker: the rabbitmq user must reach it, so not inside a test's private temp dir. */
export function brokerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wd-rabbitmq-'))
  chmodSync(dir, 0o755)
  return dir
}

/** Starts (or starts again, on its data) the rig's RabbitMQ in `dir` (a brokerDir); its URL, with oslo's scheme. */
export function rabbitmq(cmd: 'start' | 'stop', dir: string, port = 5673): string {
  const r = spawnSync('bash', [script, cmd, dir, String(port)], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`rabbitmq.sh ${cmd}: ${r.stderr}`)
  started.add(dir)
  return r.stdout.trim().replace(/^amqp:/, 'rabbit:')
}

/** rabbitmqctl `args` on the broker in `dir`, as its operator runs it; what it printed. */
export function rabbitmqctl(dir: string, ...args: string[]): string {
  const r = spawnSync('bash', [script, 'ctl', dir, ...args], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

export interface OsloNotification {
  priority: string
  publisher_id: string
  event_type: string
  payload: Record<string, unknown>
  metadata: {message_id: string; timestamp: string}
}

/**
 * oslo.messaging's listener on the notifications topic of `exchange`; resolves once it listens. With a `pool`, a queue
 * of its own gets every notification (oslo's listeners without one share a queue, each getting some).
 */
export async function osloListener(url: string, exchange = 'openstack', topic = 'notifications', pool?: string) {
  // Debian's python3 (oslo.messaging is a Debian package), whatever python3 comes first on PATH
  const args = [join(root, 'test/env/rabbitmq/oslo-listener.py'), url, exchange, topic, ...(pool ? [pool] : [])]
  const child = owned(
    spawn('/usr/bin/python3', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += String(d)))
  child.stderr.on('data', (d: Buffer) => (err = (err + String(d)).slice(-4000)))
  await until(() => out.startsWith('ready\n') || child.exitCode !== null, 30, 'oslo listener').catch(() => undefined)
  if (!out.startsWith('ready\n'))
    throw new Error(`the oslo listener did not start: it printed ${JSON.stringify(out.slice(0, 300))}; said: ${err}`)
  return {
    received: (): OsloNotification[] =>
      out
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => JSON.parse(l) as OsloNotification),
    said: () => err,
    stop: () => child.kill('SIGTERM'),
  }
}

/** Whether the broker has a queue of this name (asked passively: nothing is declared). */
export async function queueExists(url: string, name: string): Promise<boolean> {
  const conn = await connect(url.replace(/^rabbit:/, 'amqp:'))
  try {
    const ch = await conn.createChannel()
    ch.on('error', () => undefined)
    return await ch.checkQueue(name).then(
      () => true,
      () => false,
    )
  } finally {
    await conn.close().catch(() => undefined)
  }
}

/** A wd.watchdog.bark notification as oslo's 2.0 envelope puts it on the bus, with a payload given as JSON text. */
export const barkNotification = (messageId: string, payload: string) =>
  Buffer.from(
    JSON.stringify({
      'oslo.version': '2.0',
      'oslo.message': `{"message_id": "${messageId}", "event_type": "wd.watchdog.bark", "payload": ${payload}}`,
    }),
  )
