/**
 * Proxmox's section config files (PVE::SectionConfig: /etc/pve/storage.cfg, /etc/pve/ha/resources.cfg): a header
 * `type: id`, then indented `key value` lines until a blank line; `#` lines are comments. Read as its parser reads
 * it; a duplicate key keeps the first value (Proxmox refuses the duplicate), and nothing here is trusted further.
 */

export interface Section {
  type: string
  id: string
  props: Record<string, string>
}

const HEADER = /^(\S+):\s*(\S+)\s*$/
const PROPERTY = /^\s+(\S+)(?:\s+(.*\S))?\s*$/

export function parseSections(text: string): Section[] {
  const sections: Section[] = []
  let current: Section | undefined
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue
    if (line.trim() === '') {
      current = undefined
      continue
    }
    const head = current ? undefined : HEADER.exec(line)
    if (head) {
      current = {type: head[1]!, id: head[2]!, props: Object.create(null) as Record<string, string>}
      sections.push(current)
      continue
    }
    const prop = current && PROPERTY.exec(line)
    if (prop && current && !(prop[1]! in current.props)) current.props[prop[1]!] = prop[2] ?? ''
  }
  return sections
}
