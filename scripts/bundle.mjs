#!/usr/bin/env node
// The CLI as it ships: esbuild bundles bin's entry and every command (TypeScript sources; tsc only type-checks and
// emits the library) into dist/cli, one file per command plus chunks they share, with @oclif/core, axios and the
// rest inside. Node then reads a few files instead of hundreds of modules: startup is module loading, not work.
// What a command loads lazily (import()) stays a chunk of its own, loaded only when that code runs.
// esbuild makes a chunk for each set of commands that share code, so `wd resolve` read 30 files, most of them small;
// Rollup then regroups esbuild's chunks by when they are loaded (below), and it reads 4. esbuild cannot merge chunks;
// Rollup takes its output as it is (its package markers, which bench/profile.mjs reads, and its source maps).
import {build} from 'esbuild'
import {readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {rollup} from 'rollup'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const commands = []
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) {
      if (name !== '_shared') walk(p)
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) commands.push(relative(root, p))
  }
}
walk(join(root, 'commands'))
// The validators as ajv's standalone code (scripts/standalone-validators.mjs, run before this) in the place of the
// module that compiles them with ajv at first use: no schema is compiled when a command starts.
const compiledValidators = join(root, 'src/schema/compiled-validators.ts')
const standaloneValidators = {
  name: 'standalone-validators',
  setup(b) {
    b.onResolve({filter: /\/compiled-validators\.js$/}, async ({path, resolveDir, kind, importer}) => {
      const resolved = await b.resolve(path.replace(/\.js$/, '.ts'), {resolveDir, kind, importer})
      if (resolved.path !== compiledValidators) return undefined
      return {path: join(root, 'dist/gen/standalone-validators.mjs')}
    })
  },
}
const out = join(root, 'dist/cli')

// What bundled packages (@oclif/core, axios, js-yaml) do that this CLI does not need, at every start or on every
// error, taken out of their code as it is bundled. Each edit names the exact text it replaces, and the build fails
// when a new version no longer has it (look again then). test/cli/startup.test.ts and every test of test/cli run the
// result.
const codeEdits = [
  {
    file: 'node_modules/@oclif/core/lib/config/plugin.js',
    // sorting the commands with localeCompare creates ICU's collator: 8 ms with LANG=C.UTF-8, 16 ms with en_US.UTF-8.
    // oclif.manifest.json lists them in that order already (scripts/sort-manifest.mjs sorts it so).
    text: '.sort((a, b) => a.id.localeCompare(b.id))',
    by: '',
  },
  {
    file: 'node_modules/@oclif/core/lib/util/os.js',
    // the platform is 'wsl' under WSL: wsl-utils's isWsl is is-wsl's, without the rest of wsl-utils (PowerShell
    // helpers, child_process) loaded with it (~5 ms)
    text: "(await import('wsl-utils')).isWsl",
    by: "require('is-wsl').default",
  },
  {
    file: 'node_modules/axios/lib/adapters/fetch.js',
    // axios makes its fetch adapter as it loads (its default export, which nothing imports: axios picks adapters by
    // getFetch), and making it reads Request, which makes Node 20 load its fetch, undici (~5 ms at every start of a
    // command that talks to a cloud). wd's requests go through axios's http adapter, which comes first in Node.
    text: 'const adapter = getFetch();',
    by: 'const adapter = undefined;',
  },
  {
    file: 'node_modules/axios/lib/utils.js',
    // the same for FormData, read as axios loads for isFormData's first test; the tests after it still know Node's
    // FormData (by its [object FormData] tag and its append)
    text: "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;",
    by: 'const FormDataCtor = undefined;',
  },
  {
    file: 'node_modules/js-yaml/dist/js-yaml.mjs',
    // js-yaml puts a few lines of context in every syntax error, found by a regex over the whole text that keeps every
    // line's start and end: 1.6 s of a 3 s run, and most of its 750 MB, on a catalog of 11 MB of line ends after an
    // unclosed `[`. wd places and prints its own (src/source/yaml-source.ts reads the error's reason and offset only).
    text: 'mark.snippet = makeSnippet(mark);',
    by: '',
  },
]
// Packages that a bundled package requires as it loads but calls only where this CLI never goes: each is bundled as
// a module that throws when used, so that less is compiled and evaluated at every start.
const unused = {
  // oclif's chunk is ~190 KB smaller (~10 ms at every start)
  '@oclif/core': {
    // finds the commands when there is no oclif.manifest.json: the build always writes it, and every package ships it
    tinyglobby: 'command discovery without oclif.manifest.json',
    // matches the names of plugins: wd has none
    minimatch: 'plugins',
    // finds oclif's settings outside package.json: wd's are in it
    lilconfig: 'oclif settings outside package.json',
    // its only use is the check of Node's version against oclif's own package.json, which always throws (and is
    // ignored) in this bundle: an ES module has no __dirname. Node's version is npm's to check (engines), and the
    // packages run the Node they ship.
    semver: "oclif's engine check",
  },
  // axios builds multipart bodies with it (and its MIME table, ~230 KB with its dependencies, evaluated at every start
  // of a command that talks to a cloud): wd hands axios every body as a string (src/openstack/http.ts)
  axios: {'form-data': 'multipart/form-data bodies'},
}
const startEdits = {
  name: 'start-edits',
  setup(b) {
    const names = Object.values(unused).flatMap((modules) => Object.keys(modules))
    b.onResolve({filter: new RegExp(`^(${names.join('|')})$`)}, ({path, importer}) => {
      const user = Object.keys(unused).find((pkg) => importer.includes(`/node_modules/${pkg}/`) && unused[pkg][path])
      return user ? {path, namespace: 'unused', pluginData: user} : undefined
    })
    // a function, so that calling it or constructing with it throws too
    b.onLoad({filter: /./, namespace: 'unused'}, ({path, pluginData: user}) => {
      const used = JSON.stringify(`wd: ${path} is not bundled (${unused[user][path]}), yet ${user} used it`)
      return {
        contents: `const used = () => { throw new Error(${used}) }
          module.exports = new Proxy(function () {}, {
            get(_, key) { if (typeof key === 'string' && key !== '__esModule') used() },
            apply: used,
            construct: used,
          })`,
        loader: 'js',
      }
    })
    for (const {file, text, by} of codeEdits) {
      const path = join(root, file)
      b.onLoad({filter: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)}, () => {
        const source = readFileSync(path, 'utf8')
        const at = source.indexOf(text)
        if (at < 0 || source.indexOf(text, at + 1) >= 0) throw new Error(`${file}: no single '${text}' to replace`)
        return {contents: source.replace(text, by), loader: 'js'}
      })
    }
    // an edit of a file the bundle no longer holds is a mistake too
    b.onEnd(({metafile}) => {
      for (const {file} of codeEdits) if (metafile && !metafile.inputs[file]) throw new Error(`${file}: not bundled`)
    })
  },
}
rmSync(out, {recursive: true, force: true})
const {metafile, outputFiles} = await build({
  absWorkingDir: root,
  // the help class and the command_not_found hook are oclif's to load too
  entryPoints: ['bin/entry.ts', 'commands/_shared/help.ts', 'commands/_shared/not-found.ts', ...commands],
  outdir: out,
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  // kept for the regrouping below, which writes the files
  write: false,
  // not shipped: the tests' browser driver; optional native speed-ups of ws; TypeScript, which oclif loads only to
  // run commands from .ts sources in development (bundled, it was 9 MB read at every start)
  external: ['playwright-core', 'bufferutil', 'utf-8-validate', 'typescript'],
  logLevel: 'warning',
  metafile: true,
  plugins: [standaloneValidators, startEdits],
})

// The chunks a start loads, regrouped. esbuild makes a chunk for each set of commands that share code; Node pays per
// file it loads (~0.5 ms) and per byte it compiles. Here each start below, in this order, takes into one file of its
// own the chunks it loads that no start before it took: 'core' what every start loads (bin's entry: @oclif/core and
// what wd's start needs) and what help adds, then the commands that must start fast. A later start may load an
// earlier one's file for one of its chunks, and so compile what it does not run (measured: the byte count hardly
// grows, since those commands share most of their code); the other commands keep esbuild's split and read these files
// where they read many. Only static imports count: what is loaded lazily stays lazy.
const startsFrom = {
  core: ['bin/entry.ts', 'commands/_shared/help.ts'],
  // the command scripts run most; the start-up benchmark holds it to 2× bare Node
  resolve: ['commands/resolve.ts'],
  // the catalog check in CI, held to ajv-cli's time
  validate: ['commands/catalog/validate.ts'],
  // the watchdog's writes, held to 5× the openstack CLI's speed
  set: ['commands/flavor/set.ts', 'commands/image/set.ts'],
}
const written = new Map(outputFiles.map((f) => [f.path, f.text]))
const regroup = {
  name: 'regroup-chunks',
  // esbuild's output, from memory; every other import (node:, the externals above) stays an import
  resolveId: (source, importer) =>
    importer === undefined
      ? source
      : source.startsWith('.')
        ? resolve(dirname(importer), source)
        : {id: source, external: true},
  load: (id) => ({code: written.get(id), map: written.get(`${id}.map`)}),
}
let groupOf
const manualChunks = (id, {getModuleInfo}) => {
  if (!groupOf) {
    groupOf = new Map()
    const chunks = join(out, 'chunks/')
    const take = (group, file) => {
      if (groupOf.has(file)) return
      groupOf.set(file, group)
      for (const imported of getModuleInfo(file).importedIds) if (imported.startsWith(chunks)) take(group, imported)
    }
    for (const [group, sources] of Object.entries(startsFrom))
      for (const source of sources)
        for (const imported of getModuleInfo(join(out, source.replace(/\.ts$/, '.js'))).importedIds)
          if (imported.startsWith(chunks)) take(group, imported)
  }
  return groupOf.get(id)
}
const regrouped = await rollup({
  input: Object.fromEntries(
    [...written.keys()]
      .filter((path) => path.endsWith('.js') && !path.startsWith(join(out, 'chunks/')))
      .map((path) => [relative(out, path).replace(/\.js$/, ''), path]),
  ),
  // esbuild has shaken the tree already; Rollup only moves its modules between files
  treeshake: false,
  plugins: [regroup],
  onwarn: (warning) => {
    throw new Error(`rollup: ${warning.message}`)
  },
})
await regrouped.write({
  dir: out,
  format: 'es',
  entryFileNames: '[name].js',
  // esbuild's chunk names carry their hash already
  chunkFileNames: 'chunks/[name].js',
  // CommonJS packages inside an ES module bundle still call require()
  banner: "import {createRequire as __wdRequire} from 'node:module';const require=__wdRequire(import.meta.url);",
  sourcemap: true,
  manualChunks,
})
await regrouped.close()
// each schema's validators, loaded from there when first asked for; self-contained (ajv's runtime helpers inside)
const validators = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'dist/gen/validators/*.cjs')],
  outdir: join(out, 'validators'),
  outExtension: {'.js': '.cjs'},
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  metafile: true,
})
Object.assign(metafile.inputs, validators.metafile.inputs)
// what went into the bundle, file by file: the packaging reads it for the licences of the modules it ships
// (scripts/package/licenses.mjs), so that list is never kept by hand
writeFileSync(join(root, 'dist/cli.meta.json'), JSON.stringify({inputs: metafile.inputs}))
