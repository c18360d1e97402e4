/**
 * Replacing a file atomically (a temp file in the same directory, fsync, rename) and only if it still holds what
 * was read: a config changed by someone else meanwhile is refused, never overwritten. The file keeps its mode.
 */
import {randomBytes} from 'node:crypto'
import {open, readFile, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {WdError} from '../errors.js'

export async function replaceFile(path: string, expected: string, text: string): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.wd-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  const {mode} = await stat(path)
  const handle = await open(temp, 'wx', mode & 0o7777)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    if ((await readFile(path, 'utf8')) !== expected) {
      throw new WdError('WD_FILE_CHANGED', `${path} changed while wd was editing it; nothing was written`, {
        hint: 'run the command again',
      })
    }
    await rename(temp, path)
  } catch (e) {
    await unlink(temp).catch(() => undefined)
    throw e
  }
  const d = await open(dir, 'r')
  try {
    await d.sync()
  } finally {
    await d.close()
  }
}
