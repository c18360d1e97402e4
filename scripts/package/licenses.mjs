// The licence texts of what the packages carry besides wd itself: the Node.js runtime, and every npm module esbuild put
// into the bundle, read from the bundle's own record of its inputs (dist/cli.meta.json, written by
// scripts/bundle.mjs), so the list follows the bundle and is never kept by hand.
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'

/** The package directories (…/node_modules/NAME or …/node_modules/@SCOPE/NAME) the bundle took files from. */
function bundledPackageDirs(root) {
  const {inputs} = JSON.parse(readFileSync(join(root, 'dist/cli.meta.json'), 'utf8'))
  const dirs = new Set()
  for (const input of Object.keys(inputs)) {
    const at = input.lastIndexOf('node_modules/')
    if (at < 0) continue
    const [first, second] = input.slice(at + 'node_modules/'.length).split('/')
    dirs.add(join(root, input.slice(0, at), 'node_modules', first.startsWith('@') ? `${first}/${second}` : first))
  }
  return [...dirs]
}

/** A README's licence section (a "License" heading, in Markdown's # or underlined form, to the next heading). */
function readmeLicenceSection(dir) {
  const readme = readdirSync(dir).find((f) => /^readme(\.|$)/i.test(f))
  if (!readme) return undefined
  const lines = readFileSync(join(dir, readme), 'utf8').split('\n')
  const heading = (i) => /^#{1,6}\s/.test(lines[i]) || /^(-{3,}|={3,})\s*$/.test(lines[i + 1] ?? '')
  const start = lines.findIndex((l, i) => heading(i) && /licen[cs]e/i.test(l))
  if (start < 0) return undefined
  let end = start + 1
  while (end < lines.length && !heading(end)) end++
  return lines.slice(start, end).join('\n').trim()
}

/** One module's licence: its own licence file, or, where its package ships none, what the package itself says. */
function moduleLicence(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const declared = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'not declared')
  const title = `${pkg.name} ${pkg.version} (${declared})`
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|-|$)/i.test(f))
  if (file) return {name: pkg.name, title, text: readFileSync(join(dir, file), 'utf8').trim()}
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name
  const section = readmeLicenceSection(dir)
  const said = [
    `The package ships no licence file. Its package.json says "license": "${declared}"` +
      (author ? `, "author": "${author}".` : '.'),
    ...(section ? [`Its README says:\n\n${section}`] : []),
  ]
  return {name: pkg.name, title, text: said.join('\n\n')}
}

/** Node's own LICENSE (which includes the licences of everything Node bundles), wherever this Node was installed from. */
function nodeLicence(node) {
  const candidates = [
    process.env.WD_NODE_LICENSE,
    join(dirname(node), '..', 'LICENSE'), // nodejs.org's tarballs: bin/node beside ../LICENSE
    join(dirname(node), '..', 'share/doc/node/LICENSE'),
    '/usr/share/doc/nodejs/LICENSE', // NodeSource's nodejs package
    '/usr/share/doc/nodejs/copyright', // Debian's
  ].filter(Boolean)
  const found = candidates.find((f) => existsSync(f))
  if (!found) {
    throw new Error(
      `no licence text found for the Node.js runtime ${node} (tried ${candidates.join(', ')}; set WD_NODE_LICENSE)`,
    )
  }
  return readFileSync(found, 'utf8').trim()
}

/**
 * The copyright file of the packages (Debian's /usr/share/doc/wd/copyright): wd's own licence, then the runtime's
 * and each bundled module's text, in full. `runtimePath` and `bundlePath` are where the package installs them.
 */
export function copyrightFile(root, {node, runtimePath, bundlePath}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const modules = bundledPackageDirs(root)
    .map(moduleLicence)
    .sort((a, b) => a.title.localeCompare(b.title))
  const rule = '-'.repeat(79)
  const text = [
    `wd ${pkg.version}: ${pkg.description}`,
    '',
    `Copyright: wd's authors. License: ${pkg.license}. On Debian systems the complete text of the Apache License,`,
    'Version 2.0 is in /usr/share/common-licenses/Apache-2.0 (and in LICENSE at the top of the tarball).',
    '',
    `wd carries its own Node.js runtime (${runtimePath}), Node.js ${process.versions.node}, and the npm modules`,
    `below, bundled by esbuild into ${bundlePath}. Their licences follow in full, each as its package ships it.`,
    '',
    rule,
    `Node.js ${process.versions.node} (${runtimePath})`,
    rule,
    '',
    nodeLicence(node),
    ...modules.flatMap((m) => ['', rule, m.title, rule, '', m.text]),
    '',
  ].join('\n')
  // the Apache License 2.0's terms, which Node's LICENSE and several modules carry in full, once: Debian has the text
  // in common-licenses (lintian: copyright-file-contains-full-apache-2-license), the tarball as its LICENSE
  return text.replace(
    /^([ \t]*)TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION$[\s\S]*?END OF TERMS AND CONDITIONS$/gm,
    '$1[The terms and conditions of the Apache License, Version 2.0: on Debian systems in\n' +
      '$1/usr/share/common-licenses/Apache-2.0; in the tarball, its LICENSE.]',
  )
}
