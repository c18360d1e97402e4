// CHANGELOG.md's newest entry, the one place a release is described: the man page takes its date from it, the .deb
// its Debian changelog (/usr/share/doc/wd/changelog.gz, which dpkg and apt-listchanges read).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

/** The newest `## VERSION (YYYY-MM-DD)` section: its version, date and `- ` items (each item's lines joined). */
export function latestRelease(root) {
  const text = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
  const head = /^## (\S+) \((\d{4}-\d{2}-\d{2})\)$/m.exec(text)
  if (!head) throw new Error('CHANGELOG.md: no "## VERSION (YYYY-MM-DD)" section')
  const body = text.slice(head.index + head[0].length).split(/^## /m)[0]
  const items = body
    .split(/^- /m)
    .slice(1)
    .map((item) => item.trim().replace(/\s*\n\s*/g, ' '))
  return {version: head[1], date: head[2], items}
}

/** `text` filled into lines of at most `width` characters: the first starts with `first`, the others with `rest`. */
function fill(text, width, first, rest) {
  const lines = []
  let line = first
  for (const word of text.split(' ')) {
    if (line !== first && line.length + 1 + word.length > width) {
      lines.push(line)
      line = rest + word
    } else line = `${line} ${word}`
  }
  return [...lines, line].join('\n')
}

/**
 * The Debian changelog entry of `version` (deb-changelog(5)): the newest release's items, by the package's
 * maintainer, on the release's date.
 */
export function debianChangelog(root, {version, maintainer}) {
  const release = latestRelease(root)
  const date = new Date(`${release.date}T00:00:00Z`).toUTCString().replace('GMT', '+0000')
  return [
    `wd (${version}) unstable; urgency=medium`,
    '',
    ...release.items.map((item) => fill(item, 80, '  *', '    ')),
    '',
    ` -- ${maintainer}  ${date}`,
    '',
  ].join('\n')
}
