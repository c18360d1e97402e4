/** A property-protections file as Glance reads it (an INI file; property_protection_file in glance-api.conf). */
import type {PropertyProtections} from '../policy/glance-protections.js'

const wrap = (text: string, width = 100): string[] => {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

const comment = (text: string, first = '# ', rest = '#   ') => wrap(text).map((l, i) => `${i === 0 ? first : rest}${l}`)

export function protectionsIni(p: PropertyProtections, version: string): string {
  const out = [
    `# Glance property protections written by wd ${version} from the policy ${p.policy}.`,
    '# glance-api.conf:',
    '#   [DEFAULT]',
    '#   property_protection_file = /etc/glance/property-protections.conf',
    `#   property_protection_rule_format = ${p.ruleFormat}`,
    '#',
    '# Sections are Python regexes matched with re.search; the first section that matches a property wins.',
    '# Caveats:',
    ...p.caveats.flatMap((c) => comment(c, '# - ')),
  ]
  for (const s of p.sections) {
    out.push('', ...comment(s.comment, '# ', '# '), `[${s.pattern}]`)
    out.push(`create = ${s.create}`, `read = ${s.read}`, `update = ${s.update}`, `delete = ${s.delete}`)
  }
  return out.join('\n')
}
