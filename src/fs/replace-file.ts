/**
 * Replacing a file the careful way, for every file wd writes (Proxmox configs, domain XML, the textfile): the bytes go to a temp
 * file in the same directory that gets the file's mode and owner, are fsynced, and are renamed over the file only if
 * it still holds what was read (a file changed meanwhile is refused, never overwritten). A symlink is followed: its
 * target is edited and the link stays a link. What is not a regular file (a device node, a FIFO) is never replaced.
 */
import {randomBytes} from 'node:crypto'
import {open, readFile, realpath, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {WdError} from '../errors.js'
import {assertRegularFile} from './regular-file.js'

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

interface Ownership {
  mode: number
  uid?: number
  gid?: number
}

/**
 * The bytes to a temp file beside `target` (mode and, as root, owner as given), fsynced, renamed over `target` once
 * `beforeRename` has passed, and the directory fsynced: a reader sees the old file or the new one, never half of one.
 */
async function writeThenRename(
  path: string,
  target: string,
  content: Buffer,
  own: Ownership,
  beforeRename: () => Promise<void> = async () => undefined,
): Promise<void> {
  const dir = dirname(target)
  const temp = join(dir, `.${basename(target)}.wd-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(content)
      // the owner first: a chown clears set-id bits, the chmod after it puts them back
      const uid = process.getuid?.()
      if (uid === 0 && own.uid !== undefined && (own.uid !== uid || own.gid !== process.getgid?.())) {
        await handle.chown(own.uid, own.gid ?? -1)
      }
      await handle.chmod(own.mode & 0o7777)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await beforeRename()
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

/** Replaces an existing file (its symlink target), keeping mode and owner, only if it still holds `expected`. */
export async function replaceFile(path: string, expected: Buffer, content: Buffer): Promise<void> {
  let target: string
  try {
    target = await realpath(path)
  } catch (e) {
    throw new WdError('WD_NOT_FOUND', `${path}: no such file`, {cause: e})
  }
  const info = await stat(target)
  assertRegularFile(path, info)
  await writeThenRename(path, target, content, info, async () => {
    if (!(await readFile(target)).equals(expected)) {
      throw new WdError('WD_FILE_CHANGED', `${path} changed while wd was editing it; nothing was written`, {
        hint: 'run the command again',
      })
    }
  })
}

/** Writes a file wd owns outright (a Prometheus textfile), atomically: created or replaced, no questions asked. */
export async function writeFileAtomically(path: string, content: Buffer, mode = 0o644): Promise<void> {
  await writeThenRename(path, path, content, {mode})
}
