/**
 * An exclusive flock(2) on a lock file while a piece of work runs: the lock a file's owner takes around its own
 * read-modify-write (qemu-server: /var/lock/qemu-server/lock-VMID.conf, 10 s). Node has no flock; util-linux's
 * flock(1), on every Debian and Proxmox VE node (as logger is, which the syslog sink uses), takes it and holds it
 * while its command runs — here a `cat` reading wd's end of a pipe. The lock goes when wd closes that pipe, and also
 * when wd dies, since the kernel closes the pipe then: a crashed wd never leaves a guest's config locked.
 */
import {spawn} from 'node:child_process'
import {WdError} from '../errors.js'

/** flock(1)'s exit status when the wait ran out (--conflict-exit-code), apart from its own errors (1). */
const TIMED_OUT = 75

export async function withFlock<T>(file: string, timeoutSeconds: number, work: () => Promise<T>): Promise<T> {
  const holder = spawn(
    'flock',
    [
      ...['--exclusive', '--wait', String(timeoutSeconds), '--conflict-exit-code', String(TIMED_OUT)],
      ...[file, 'sh', '-c', 'echo locked; exec cat'],
    ],
    {stdio: ['pipe', 'pipe', 'pipe']},
  )
  let said = ''
  holder.stderr.on('data', (d: Buffer) => (said = (said + String(d)).slice(-500)))
  const exited = new Promise<number | null>((done) => holder.once('close', done))
  const locked = await new Promise<boolean>((done, fail) => {
    holder.once('error', (e) =>
      fail(new WdError('WD_UNREACHABLE', `cannot run flock(1) to lock ${file}: ${e.message}`, {cause: e})),
    )
    holder.stdout.once('data', () => done(true))
    void exited.then(() => done(false))
  })
  if (!locked) {
    const status = await exited
    if (status === TIMED_OUT) {
      throw new WdError('WD_CONFLICT', `can't lock file '${file}' - got timeout after ${timeoutSeconds} s`, {
        hint: 'another task (qm, a backup, a migration) holds the guest config lock; try again when it is done',
      })
    }
    throw new WdError('WD_FILE_UNWRITABLE', `cannot lock ${file}: ${said.trim() || `flock exited ${status}`}`)
  }
  try {
    return await work()
  } finally {
    holder.stdin.end()
    await exited
  }
}
