/**
 * JUnit XML, as linters write it: a testsuite per file, a testcase per finding (a file without findings is one
 * passing testcase). Errors are failures; warnings are failures only with --strict, else passing cases that say so.
 */
import type {FileResult} from '../../catalog/result.js'
import {unicodeEscape} from '../../text/clip.js'

// What XML 1.0 allows in no form, not even as a character reference: C0 controls but tab, line feed and carriage
// return, and U+FFFE/U+FFFF. A flavor name may hold them (YAML's "\e"); they are written as a visible \uXXXX.
// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g
const esc = (s: string) =>
  s
    .replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'})[c]!)
    .replace(NOT_XML, unicodeEscape)

export function junitReport(results: readonly FileResult[], strict: boolean): string {
  let tests = 0
  let failures = 0
  const suites: string[] = []
  for (const r of results) {
    const cases: string[] = []
    let suiteFailures = 0
    if (r.unreadable) {
      cases.push(`    <testcase name="${esc(r.file)}" classname="${esc(r.file)}">`)
      cases.push(`      <error message="${esc(r.unreadable)}" type="unreadable"/>`, '    </testcase>')
    }
    for (const f of r.findings) {
      const name = `${r.file}:${f.position.line}:${f.position.col} ${f.rule}`
      const fails = f.severity === 'error' || strict
      cases.push(`    <testcase name="${esc(name)}" classname="${esc(r.file)}">`)
      const body = esc(f.fix ? `${f.message}\nfix: ${f.fix}` : f.message)
      if (fails) {
        suiteFailures++
        cases.push(`      <failure message="${esc(f.message)}" type="${f.severity}">${body}</failure>`)
      } else {
        cases.push(`      <system-out>warning: ${body}</system-out>`)
      }
      cases.push('    </testcase>')
    }
    if (cases.length === 0) cases.push(`    <testcase name="${esc(r.file)}" classname="${esc(r.file)}"/>`)
    const count = Math.max(1, r.findings.length)
    tests += count
    failures += suiteFailures
    const errors = r.unreadable ? 1 : 0
    suites.push(
      `  <testsuite name="${esc(r.file)}" tests="${count}" failures="${suiteFailures}" errors="${errors}">`,
      ...cases,
      '  </testsuite>',
    )
  }
  const errors = results.filter((r) => r.unreadable).length
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<testsuites name="wd catalog validate" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
  ].join('\n')
}
