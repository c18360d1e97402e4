/** Where the package's own files (schemas/) are, from src/ under test and from dist/ when installed. */
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let root: string | undefined

function packageRoot(): string {
  if (root !== undefined) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('wd: cannot find the package root (package.json beside schemas/)')
    dir = up
  }
  root = dir
  return dir
}

export function schemasDir(): string {
  return join(packageRoot(), 'schemas')
}
