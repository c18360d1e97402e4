/**
 * Editors work only on regular files. Anything else named as a file — a device node, a FIFO, a socket, a directory —
 * is refused before it is read (a FIFO with no writer would block the reader for ever) and again before it is
 * replaced: a rename over a device node turns it into a regular file, which is how a machine once lost /dev/null.
 */
import type {Stats} from 'node:fs'
import {WdError} from '../errors.js'

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory'
  if (s.isCharacterDevice()) return 'a character device'
  if (s.isBlockDevice()) return 'a block device'
  if (s.isFIFO()) return 'a FIFO'
  if (s.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** Refuses `path` (whose stat, symlinks followed, is `s`) unless it is a regular file. */
export function assertRegularFile(path: string, s: Stats): void {
  if (s.isFile()) return
  throw new WdError(
    'WD_FILE_REFUSED',
    `${path} is ${kindOf(s)}, not a regular file: wd edits only regular files; it is left untouched`,
  )
}
