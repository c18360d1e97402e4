/**
 * The audit as one self-contained HTML page an operator opens or a CI job publishes: no fetch of anything (inline
 * CSS, SVG and script), every row rendered here so the page reads without script, and a small script that sorts a
 * table by a click on its header and filters it by the box above it. Every text from the cloud (names are anyone's
 * input) is escaped; the page carries a CSP that allows only its own inline parts.
 */
import type {AuditReport} from '../../operations/audit.js'
import type {AuditServer} from '../../audit/model.js'
import {NOVA_ACTIONS} from '../../vocab/nova.js'
import {coverageLine, objectLabel, protectedByAction, scopeLine} from './text.js'
import {NOT_SET} from '../words.js'

const esc = (v: string | number | null | undefined): string =>
  String(v ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')

/** Colours of the coverage chart and the state badges, by what a server's watchdog does. */
const COLOURS: Record<string, string> = {
  reset: '#1a7f37',
  poweroff: '#2f81f7',
  pause: '#8250df',
  unprotected: '#cf222e',
  unknown: '#8c959f',
}

type Cell = {text: string | number; sort?: string | number; cls?: string}

function table(id: string, caption: string, header: string[], rows: Cell[][]): string {
  const head = header.map((h, i) => `<th data-col="${i}" tabindex="0" aria-sort="none">${esc(h)}</th>`).join('')
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map(
            (c) =>
              `<td${c.cls ? ` class="${c.cls}"` : ''}${c.sort !== undefined ? ` data-sort="${esc(c.sort)}"` : ''}>${esc(c.text)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n')
  return `<section id="${id}">
<h2>${esc(caption)} <span class="count" data-count="${id}">${rows.length}</span></h2>
<input type="search" class="filter" data-table="${id}-table" placeholder="filter ${esc(caption.toLowerCase())}" aria-label="filter ${esc(caption.toLowerCase())}">
<table id="${id}-table"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
<p class="shown" data-shown="${id}-table">${rows.length} shown</p>
</section>`
}

function state(s: AuditServer): {text: string; cls: string} {
  if (s.protected === null) return {text: 'unknown', cls: 'unknown'}
  if (!s.protected) return {text: 'unprotected', cls: 'unprotected'}
  return {text: `protected (${s.device!.action})`, cls: s.device!.action}
}

/** What the guest said of the device: armed (by whom), not armed (why), or why it is unknown. */
function guestState(s: AuditServer): {text: string; cls?: string} {
  const g = s.guest
  if (!g) return {text: ''}
  if (g.state === 'armed') return {text: `armed (${g.report?.feeder ?? '?'})`}
  if (g.state === 'not-armed') return {text: `not armed: ${g.report?.reason ?? '?'}`, cls: 'unprotected'}
  return {text: `unknown: ${g.unknown ?? '?'}`, cls: 'unknown'}
}

/** A horizontal stacked bar: protected by action, unprotected, unknown. */
function chart(r: AuditReport): string {
  const s = r.summary.servers
  const parts = [
    ...NOVA_ACTIONS.filter((a) => a !== 'none').map((a) => ({label: a, n: protectedByAction(r)[a]})),
    {label: 'unprotected', n: s.unprotected},
    {label: 'unknown', n: s.unknown},
  ].filter((p) => p.n > 0)
  const width = 600
  let x = 0
  const bars = parts
    .map((p) => {
      const w = s.total === 0 ? 0 : (p.n / s.total) * width
      const rect = `<rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="28" fill="${COLOURS[p.label]}"><title>${esc(p.label)}: ${p.n}</title></rect>`
      x += w
      return rect
    })
    .join('')
  const legend = parts
    .map(
      (p) =>
        `<span class="legend"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${COLOURS[p.label]}"/></svg> ${esc(p.label)} <b data-legend="${esc(p.label)}">${p.n}</b></span>`,
    )
    .join(' ')
  return `<figure><svg role="img" aria-label="watchdog coverage" viewBox="0 0 ${width} 28" width="100%" height="28" preserveAspectRatio="none"><rect width="${width}" height="28" fill="#eaeef2"/>${bars}</svg><figcaption>${legend}</figcaption></figure>`
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#d0d7de}
main{padding:16px 24px;max-width:1400px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0 16px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:24px}.card span{color:#57606a}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:0 0 16px;overflow-x:auto}
h2{font-size:16px;margin:0 0 8px}.count{background:#eaeef2;border-radius:10px;padding:0 8px;font-size:12px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{cursor:pointer;user-select:none;white-space:nowrap;background:#f6f8fa}th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.error,td.unprotected{color:#cf222e;font-weight:600}td.warning{color:#9a6700;font-weight:600}td.info,td.unknown{color:#57606a}
td.reset{color:#1a7f37}td.poweroff{color:#2f81f7}td.pause{color:#8250df}
.filter{margin:0 0 8px;padding:4px 8px;width:320px;max-width:100%;border:1px solid #d0d7de;border-radius:6px}
.shown{color:#57606a;font-size:12px;margin:4px 0 0}.fix{color:#57606a}
figure{margin:0 0 16px}figcaption{margin-top:6px}.legend{margin-right:14px;white-space:nowrap}
code{font-family:ui-monospace,monospace;font-size:12px}
`

/** Sorting (numbers by value, text with numeric collation) and filtering (every word must appear in the row). */
const SCRIPT = `
(function(){
  function key(td){var s=td.getAttribute('data-sort');return s===null?td.textContent:s}
  document.querySelectorAll('table').forEach(function(t){
    t.querySelectorAll('th').forEach(function(th){
      function sort(){
        var col=+th.getAttribute('data-col'),asc=th.getAttribute('aria-sort')!=='ascending';
        t.querySelectorAll('th').forEach(function(o){o.setAttribute('aria-sort','none')});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]),nx=Number(x),ny=Number(y);
          var d=(x!==''&&y!==''&&!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,undefined,{numeric:true});return asc?d:-d});
        rows.forEach(function(r){body.appendChild(r)});
      }
      th.addEventListener('click',sort);
      th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort()}});
    });
  });
  document.querySelectorAll('input.filter').forEach(function(input){
    var t=document.getElementById(input.getAttribute('data-table'));
    var shown=document.querySelector('[data-shown="'+t.id+'"]');
    input.addEventListener('input',function(){
      var words=input.value.toLowerCase().split(/\\s+/).filter(Boolean),n=0;
      Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
        var text=r.textContent.toLowerCase(),ok=words.every(function(w){return text.indexOf(w)>=0});
        r.hidden=!ok;if(ok)n++;
      });
      shown.textContent=n+' shown';
    });
  });
})();
`

export function auditHtml(r: AuditReport, version: string): string {
  const s = r.summary.servers
  const f = r.summary.findings
  const cards = [
    ['servers-total', 'servers', s.total],
    ['servers-protected', 'protected', s.protected],
    ['servers-unprotected', 'unprotected', s.unprotected],
    ['servers-unknown', 'unknown', s.unknown],
    ['findings-error', 'errors', f.error],
    ['findings-warning', 'warnings', f.warning],
    ['findings-info', 'info', f.info],
  ]
    .map(([id, label, n]) => `<div class="card"><b data-summary="${id}">${n}</b><span>${label}</span></div>`)
    .join('')
  const findings = table(
    'findings',
    'Findings',
    ['severity', 'rule', 'object', 'message', 'fix'],
    r.findings.map((x) => [
      {text: x.severity, sort: {error: 0, warning: 1, info: 2}[x.severity], cls: x.severity},
      {text: x.rule},
      {text: objectLabel(x.subject)},
      {text: x.message},
      {text: x.fix ?? '', cls: 'fix'},
    ]),
  )
  const servers = table(
    'servers',
    'Servers',
    ['name', 'id', 'project', 'status', 'power', 'flavor', 'image', 'watchdog', 'guest', 'why'],
    r.servers.map((x) => {
      const st = state(x)
      const guest = guestState(x)
      return [
        {text: x.name ?? ''},
        {text: x.id},
        {text: x.projectName ?? x.project ?? ''},
        {text: x.status ?? ''},
        {text: x.powerState ?? ''},
        {text: x.flavor.name ?? ''},
        {text: x.image ? (x.image.name ?? x.image.id) : '(volume)'},
        {text: st.text, cls: st.cls},
        guest,
        {text: x.why},
      ]
    }),
  )
  const flavors = table(
    'flavors',
    'Flavors',
    ['name', 'id', 'public', 'hw:watchdog_action', 'valid', 'servers'],
    r.flavors.map((x) => [
      {text: x.name},
      {text: x.id},
      {text: x.isPublic ? 'yes' : 'no'},
      {text: x.setting ?? `(${NOT_SET})`},
      {text: x.valid ? 'yes' : 'no', cls: x.valid ? '' : 'error'},
      {text: x.servers, sort: x.servers},
    ]),
  )
  const images = table(
    'images',
    'Images',
    ['name', 'id', 'owner', 'visibility', 'hw_watchdog_action', 'machine type', 'architecture', 'servers'],
    r.images.map((x) => [
      {text: x.name ?? ''},
      {text: x.id},
      {text: x.ownerName ?? x.owner ?? ''},
      {text: x.visibility ?? ''},
      {text: x.setting ?? `(${NOT_SET})`},
      {text: x.machineType ?? ''},
      {text: x.architecture ?? ''},
      {text: x.servers, sort: x.servers},
    ]),
  )
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="wd ${esc(version)}">
<title>wd audit: watchdog coverage</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Watchdog coverage</h1><p>${esc(coverageLine(r))} · audited ${esc(r.generatedAt)} by wd ${esc(version)}</p><p id="scope">${esc(scopeLine(r))}</p></header>
<main>
<div class="cards">${cards}</div>
${chart(r)}
${findings}
${servers}
${flavors}
${images}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`
}
