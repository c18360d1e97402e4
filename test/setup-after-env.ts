// A command that fails in-process sets process.exitCode; that must not fail the whole jest run.
import {afterEach} from '@jest/globals'
afterEach(() => {
  process.exitCode = undefined
})
