/** Reading an input file (or stdin for '-'), with the errors a user can act on. */
import {createReadStream} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import {WdError} from '../errors.js'
import {assertRegularFile} from './regular-file.js'

export interface Input {
  name: string
  text: string
}

export interface BytesInput {
  name: string
  bytes: Buffer
}

async function readStream(stream: NodeJS.ReadableStream, maxBytes: number, name = 'standard input'): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
    size += b.length
    // leaving the loop ends the stream: nothing past the limit is read
    if (size > maxBytes) throw new WdError('WD_FILE_TOO_LARGE', `${name} is larger than ${maxBytes} bytes`)
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

/** The file's bytes as they are: editors work on bytes, so nothing they do not edit changes. */
export async function readBytes(
  path: string,
  maxBytes: number,
  stdin: NodeJS.ReadableStream = process.stdin,
  options: {
    /** the file is to be edited in place: anything but a regular file is refused before it is opened */
    editing?: boolean
  } = {},
): Promise<BytesInput> {
  if (path === '-') return {name: '<stdin>', bytes: await readStream(stdin, maxBytes)}
  try {
    const info = await stat(path)
    if (options.editing) assertRegularFile(path, info)
    if (info.isDirectory()) throw new WdError('WD_FILE_UNREADABLE', `${path} is a directory`)
    if (info.size > maxBytes) {
      throw new WdError('WD_FILE_TOO_LARGE', `${path} is ${info.size} bytes; wd reads at most ${maxBytes}`)
    }
    // a FIFO or a device has no size to check first (/dev/zero never ends): it is read up to the limit
    if (!info.isFile()) return {name: path, bytes: await readStream(createReadStream(path), maxBytes, path)}
    return {name: path, bytes: await readFile(path)}
  } catch (e) {
    if (e instanceof WdError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new WdError('WD_NOT_FOUND', `${path}: no such file`, {cause: e})
    throw new WdError('WD_FILE_UNREADABLE', `${path}: ${(e as Error).message}`, {cause: e})
  }
}

export async function readInput(path: string, maxBytes: number, stdin = process.stdin): Promise<Input> {
  const {name, bytes} = await readBytes(path, maxBytes, stdin)
  return {name, text: bytes.toString('utf8')}
}
