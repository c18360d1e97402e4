/** The files `wd catalog validate` reads: paths, directories (recursively), globs, and '-' for stdin. */
import {stat} from 'node:fs/promises'
import {isAbsolute} from 'node:path'
import {glob, isDynamicPattern} from 'tinyglobby'

const CATALOG_PATTERN = '**/*.{yaml,yml,json}'

export interface Inputs {
  files: string[]
  /** arguments that name nothing readable, with the reason */
  missing: {arg: string; reason: string}[]
}

export async function expandInputs(args: readonly string[]): Promise<Inputs> {
  const files: string[] = []
  const missing: Inputs['missing'] = []
  for (const arg of args) {
    if (arg === '-') {
      files.push(arg)
      continue
    }
    const info = await stat(arg).catch(() => undefined)
    if (info?.isDirectory()) {
      const found = await glob(CATALOG_PATTERN, {cwd: arg, absolute: false})
      if (found.length === 0) missing.push({arg, reason: 'no .yaml, .yml or .json files in this directory'})
      files.push(...found.sort().map((f) => `${arg.replace(/\/$/, '')}/${f}`))
    } else if (info) {
      files.push(arg)
    } else if (isDynamicPattern(arg)) {
      // names come back in the form the pattern was given: absolute for an absolute pattern
      const found = (await glob(arg, {absolute: isAbsolute(arg)})).sort()
      if (found.length === 0) missing.push({arg, reason: 'the pattern matches no file'})
      files.push(...found)
    } else {
      missing.push({arg, reason: 'no such file or directory'})
    }
  }
  return {files: [...new Set(files)], missing}
}
