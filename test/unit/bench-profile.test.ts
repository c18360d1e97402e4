/**
 * bench/profile.mjs, which a missed benchmark goal prints: V8's own CPU profile of a bundle-like file, placed by the
 * esbuild markers in it. The file spends its time in two "packages", 200 and 600 ms, and in nothing else of note, so
 * the breakdown must name both, the one that spent more first.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {profileCommand} from '../../bench/profile.mjs'
import {tempDir} from '../helpers/gates.js'

const spin = (name: string, ms: number) =>
  `function ${name}() { const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x }`

describe('bench/profile.mjs: own time by owner from a real V8 profile', () => {
  it("a bundle's functions are placed under the package of the marker above them", () => {
    const dir = tempDir('wd-prof-')
    // the place (dist/cli/) and the markers are what scripts/bundle.mjs writes
    const bundle = join(dir, 'dist/cli/chunk.mjs')
    mkdirSync(join(dir, 'dist/cli'), {recursive: true})
    writeFileSync(
      bundle,
      [
        '// node_modules/@scope/light/index.js',
        spin('light', 200),
        '// node_modules/heavy/lib/index.js',
        spin('heavy', 600),
        '// src/main.ts',
        'light(); heavy()',
      ].join('\n'),
    )
    const b = profileCommand([bundle], 1)
    const ms = Object.fromEntries(b.owners.map((o) => [o.owner, o.ms]))
    // on a loaded machine a sample can land elsewhere; the proportions hold by far
    expect({
      profiles: b.profiles,
      first: b.owners[0]?.owner,
      heavy: ms['heavy']! > 400,
      light: ms['@scope/light']! > 130,
    }).toEqual({
      profiles: 1,
      first: 'heavy',
      heavy: true,
      light: true,
    })
    expect(ms['heavy']!).toBeGreaterThan(ms['@scope/light']! * 1.5)
  })

  it('a command given as a function of the run is asked anew at each run (a write must change at every run)', () => {
    const dir = tempDir('wd-prof-')
    const script = join(dir, 'exit.mjs')
    writeFileSync(script, 'process.exit(Number(process.argv[2]))')
    const seen: number[] = []
    const argv = (run: number) => (seen.push(run), [script, String(run)])
    // run 0 exits 0 and run 1 exits 1: only a command built per run fails at the second
    expect(() => profileCommand(argv, 2)).toThrow(`${script} 1 exited 1`)
    expect(seen).toEqual([0, 1])
    expect(profileCommand(argv, 2, {}, [0, 1]).profiles).toBe(2)
  })
})
