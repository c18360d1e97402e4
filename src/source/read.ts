/** Reading an input file (or stdin for '-'), with the errors a user can act on. */
import {readFile, stat} from 'node:fs/promises'
import {WdError} from '../errors.js'

export interface Input {
  name: string
  text: string
}

export interface BytesInput {
  name: string
  bytes: Buffer
}

async function readStdin(stdin: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
    size += b.length
    if (size > maxBytes) throw new WdError('WD_FILE_TOO_LARGE', `standard input is larger than ${maxBytes} bytes`)
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

/** The file's bytes as they are: editors work on bytes, so nothing they do not edit changes. */
export async function readBytes(path: string, maxBytes: number, stdin = process.stdin): Promise<BytesInput> {
  if (path === '-') return {name: '<stdin>', bytes: await readStdin(stdin, maxBytes)}
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw new WdError('WD_FILE_UNREADABLE', `${path} is a directory`)
    if (info.size > maxBytes) {
      throw new WdError('WD_FILE_TOO_LARGE', `${path} is ${info.size} bytes; wd reads at most ${maxBytes}`)
    }
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
