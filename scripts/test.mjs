#!/usr/bin/env node
// Runs jest (native ESM needs --experimental-vm-modules on Node 20) and ends with the plain line CI reads:
// "N passed, N failed". Exits non-zero on any failure, and when no test ran at all.
import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'

const results = '.jest-results.json'
rmSync(results, {force: true})
const jest = createRequire(import.meta.url).resolve('jest/bin/jest')
const run = spawnSync(process.execPath, [jest, '--json', `--outputFile=${results}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {...process.env, NODE_OPTIONS: '--experimental-vm-modules --disable-warning=ExperimentalWarning'},
})
let summary
try {
  summary = JSON.parse(readFileSync(results, 'utf8'))
} catch {
  console.log('0 passed, 1 failed')
  console.error('jest wrote no results (it crashed before running tests)')
  process.exit(run.status || 1)
}
const {numPassedTests: passed, numFailedTests: failed, numTotalTests: total} = summary
console.log(`${passed} passed, ${failed} failed`)
if (total === 0) console.error('no test ran')
process.exit(run.status !== 0 ? run.status || 1 : total === 0 ? 1 : 0)
