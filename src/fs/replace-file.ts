/**
 * Replacing a file the careful way, for every editor wd has (Proxmox configs, domain XML): the bytes go to a temp
 * file in the same directory that gets the file's mode and owner, are fsynced, and are renamed over the file only if
 * it still holds what was read (a file changed meanwhile is refused, never overwritten). A symlink is followed: its
 * target is edited and the link stays a link.
 */
import {randomBytes} from 'node:crypto'
import {open, readFile, realpath, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {WdError} from '../errors.js'

/** What a failed filesystem call means for the user: one line, exit 2. */
function fsError(path: string, e: unknown): WdError {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') {
    return new WdError(
      'WD_FILE_UNWRITABLE',
      `cannot write ${path}: ${err.code === 'EROFS' ? 'read-only file system' : 'permission denied'}`,
      {
        hint: 'wd writes a temp file beside it and renames it: the directory must be writable too',
        cause: e,
      },
    )
  }
  return new WdError('WD_FILE_UNWRITABLE', `cannot write ${path}: ${err.message}`, {cause: e})
}

export async function replaceFile(path: string, expected: Buffer, content: Buffer): Promise<void> {
  let target: string
  try {
    target = await realpath(path)
  } catch (e) {
    throw new WdError('WD_NOT_FOUND', `${path}: no such file`, {cause: e})
  }
  const dir = dirname(target)
  const temp = join(dir, `.${basename(target)}.wd-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  const info = await stat(target)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(content)
      // the owner first: a chown clears set-id bits, the chmod after it puts them back
      if (process.getuid?.() === 0 && (info.uid !== process.getuid() || info.gid !== process.getgid?.())) {
        await handle.chown(info.uid, info.gid)
      }
      await handle.chmod(info.mode & 0o7777)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (!(await readFile(target)).equals(expected)) {
      throw new WdError('WD_FILE_CHANGED', `${path} changed while wd was editing it; nothing was written`, {
        hint: 'run the command again',
      })
    }
    await rename(temp, target)
  } catch (e) {
    await unlink(temp).catch(() => undefined)
    throw e instanceof WdError ? e : fsError(path, e)
  }
  const d = await open(dir, 'r')
  try {
    await d.sync()
  } finally {
    await d.close()
  }
}
