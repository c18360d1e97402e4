// P6: `wd audit -f json` of a cloud with 2,000 servers, 200 flavors and 100 images (the test cloud: servers are made
// 50 at a time with min_count/max_count and stay build requests, whose embedded flavor Nova's API already shows),
// against the openstack CLI asking per server what wd needs (`openstack server show` at 2.47, whose embedded flavor
// carries the extra specs, plus `openstack image show`), timed on a sample of 10 servers and scaled. Prints the
// audit's wall time, the part spent waiting for Nova's server list (from --debug), wd's own CPU, its peak RSS and its
// HTTP requests. Goals: ≤ 5 s wall; ≥ 100× the CLI's per-server rate. Then what reading the guests' consoles costs:
// the servers are made ACTIVE in Nova's API database (build requests whose guests never ran), so the audit asks for
// each one's console (one request per server, 8 at once; Nova answers 409 here, having no compute host to ask), and
// the same audit with --no-console, in alternating rounds. On a real cloud each console is one RPC call from nova-api
// to the server's compute host, which reads the log file: more per request than the test cloud's refusal.
// wd talks to a second Nova API with Nova's default page size (test/env/openstack/nova-api-default-limit.sh): at the
// rig's 50 a page, 2,000 servers are 40 pages, and Nova loads every build request for every page.
// Everything it makes is removed at the end. Needs `npm run build`, the test cloud and python3-openstackclient.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {readStateEnv, stateDir} from '../test/env/openstack/state.mjs'
import {adminEnv} from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const SERVERS = Number(process.env.BENCH_AUDIT_SERVERS ?? 2000)
const FLAVORS = 200
const IMAGES = 100
const PER_REQUEST = 50
const SAMPLE = 10
const vars = readStateEnv('test.env')
const env = adminEnv()

/** A Keystone token and the admin project, for the set-up requests. */
async function login() {
  const res = await fetch(`${vars.OS_AUTH_URL}/auth/tokens`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {user: {name: env.OS_USERNAME, domain: {name: 'Default'}, password: env.OS_PASSWORD}},
        },
        scope: {project: {name: env.OS_PROJECT_NAME, domain: {name: 'Default'}}},
      },
    }),
  })
  if (res.status !== 201) throw new Error(`keystone: ${res.status}`)
  return {token: res.headers.get('x-subject-token'), project: (await res.json()).token.project.id}
}

const {token, project} = await login()
async function api(base, method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {'X-Auth-Token': token, 'Content-Type': 'application/json', ...headers},
    ...(body !== undefined && {body: JSON.stringify(body)}),
  })
  if (res.status >= 400 && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 || res.status === 202 ? {} : res.json().catch(() => ({}))
}
const nova = (m, p, b, h) => api(vars.WD_NOVA_URL, m, p, b, h)
const glance = (m, p, b, h) => api(`${vars.WD_GLANCE_URL}/v2`, m, p, b, h)

/** At most `n` at once. */
async function bounded(tasks, n = 8) {
  const out = []
  let next = 0
  await Promise.all(
    Array.from({length: n}, async () => {
      while (next < tasks.length) {
        const i = next++
        out[i] = await tasks[i]()
      }
    }),
  )
  return out
}

function run(argv) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), {cwd: root, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`)
  return {ms, stdout: r.stdout}
}

/** Wall time, CPU time and peak RSS (KiB) of a child, measured by Python's getrusage of its children. */
function measured(argv, extra = {}) {
  const py = [
    'import json,resource,subprocess,sys,time',
    't=time.monotonic(); p=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE)',
    'ms=(time.monotonic()-t)*1000; u=resource.getrusage(resource.RUSAGE_CHILDREN)',
    'sys.stderr.write(p.stderr.decode("utf-8","replace"))',
    'sys.stderr.write(json.dumps({"ms":ms,"cpu":(u.ru_utime+u.ru_stime)*1000,"rss":u.ru_maxrss,"status":p.returncode})+chr(10))',
    'sys.stdout.buffer.write(p.stdout)',
  ].join('\n')
  const r = spawnSync('/usr/bin/python3', ['-c', py, ...argv], {
    cwd: root,
    env: {...env, ...extra},
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  })
  const lines = r.stderr.trim().split('\n')
  const m = JSON.parse(lines.at(-1))
  if (m.status !== 0 && m.status !== 1) throw new Error(`${argv.join(' ')} exited ${m.status}: ${lines.at(-2)}`)
  return {...m, stdout: r.stdout, stderr: lines.slice(0, -1).join('\n')}
}

const prefix = `wd-bench-audit-${process.pid}`

/** Every build request of the bench's servers made ACTIVE and running, as a booted server would be, in Nova's API database. */
function activate(name) {
  const py = [
    'import json, sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1], timeout=30)',
    'rows = db.execute("select instance_uuid, instance from build_requests").fetchall()',
    'with db:',
    '    for uuid, raw in rows:',
    '        inst = json.loads(raw); d = inst["nova_object.data"]',
    '        if not str(d.get("display_name", "")).startswith(sys.argv[2]): continue',
    '        d.update(vm_state="active", power_state=1, task_state=None)',
    '        db.execute("update build_requests set instance = ? where instance_uuid = ?", (json.dumps(inst), uuid))',
  ].join('\n')
  const r = spawnSync('/usr/bin/python3', ['-c', py, join(stateDir, 'db', 'nova_api.sqlite'), name], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`activating the servers: ${r.stderr}`)
}
const made = {flavors: [], images: [], servers: []}
const ACTIONS = ['reset', 'poweroff', 'pause', 'none', undefined]
try {
  await nova('PUT', `/os-quota-sets/${project}`, {quota_set: {instances: -1, cores: -1, ram: -1}})
  made.flavors = await bounded(
    Array.from({length: FLAVORS}, (_, i) => async () => {
      const {flavor} = await nova('POST', '/flavors', {flavor: {name: `${prefix}-f${i}`, ram: 64, vcpus: 1, disk: 1}})
      const action = ACTIONS[i % ACTIONS.length]
      if (action)
        await nova('POST', `/flavors/${flavor.id}/os-extra_specs`, {extra_specs: {'hw:watchdog_action': action}})
      return flavor.id
    }),
  )
  made.images = await bounded(
    Array.from({length: IMAGES}, (_, i) => async () => {
      const props = i % 10 === 0 ? {hw_watchdog_action: 'disabled'} : i % 10 === 1 ? {hw_machine_type: 'q35'} : {}
      const img = await glance('POST', '/images', {
        name: `${prefix}-i${i}`,
        disk_format: 'raw',
        container_format: 'bare',
        ...props,
      })
      await fetch(`${vars.WD_GLANCE_URL}/v2/images/${img.id}/file`, {
        method: 'PUT',
        headers: {'X-Auth-Token': token, 'Content-Type': 'application/octet-stream'},
        body: 'not a disk',
      })
      return img.id
    }),
  )
  const t0 = Date.now()
  const batches = await bounded(
    Array.from({length: Math.ceil(SERVERS / PER_REQUEST)}, (_, b) => async () => {
      const count = Math.min(PER_REQUEST, SERVERS - b * PER_REQUEST)
      await nova(
        'POST',
        '/servers',
        {
          server: {
            name: `${prefix}-s${b}`,
            imageRef: made.images[b % IMAGES],
            flavorRef: made.flavors[b % FLAVORS],
            networks: 'none',
            min_count: count,
            max_count: count,
          },
        },
        {'OpenStack-API-Version': 'compute 2.37'},
      )
    }),
    2,
  )
  console.log(
    `audit: made ${FLAVORS} flavors, ${IMAGES} images, ${SERVERS} servers in ${batches.length} requests (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  )
  const nova1000 = spawnSync('bash', ['test/env/openstack/nova-api-default-limit.sh', 'start'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (nova1000.status !== 0) throw new Error(nova1000.stderr)
  // Nova's max_limit caps a page: follow its next links (through the Nova API with the default page size)
  for (let next = `/servers?all_tenants=1&name=${prefix}`; next;) {
    const page = await api(nova1000.stdout.trim(), 'GET', next)
    made.servers.push(...page.servers.map((s) => s.id))
    const href = page.servers_links?.find((l) => l.rel === 'next')?.href
    next = href && page.servers.length > 0 ? href.slice(href.indexOf('/servers')) : undefined
  }

  const dir = mkdtempSync(join(tmpdir(), 'wd-bench-audit-'))
  const clouds = join(dir, 'clouds.yaml')
  writeFileSync(
    clouds,
    `clouds:\n  bench:\n    auth: {auth_url: '${vars.OS_AUTH_URL}', username: ${env.OS_USERNAME}, password: '${env.OS_PASSWORD}', ` +
      `project_name: ${env.OS_PROJECT_NAME}, user_domain_name: Default, project_domain_name: Default}\n` +
      `    region_name: RegionOne\n    compute_endpoint_override: ${nova1000.stdout.trim()}\n`,
  )
  const audit = [
    process.execPath,
    'bin/run.js',
    'audit',
    '-f',
    'json',
    '--debug',
    '--no-console',
    '--os-cloud',
    'bench',
  ]
  const withClouds = {OS_CLIENT_CONFIG_FILE: clouds}
  measured(audit, withClouds) // warm-up: disk cache, Keystone's token cache
  const runs = [1, 2, 3].map(() => measured(audit, withClouds))
  const median = [...runs].sort((a, b) => a.ms - b.ms)[1]
  const report = JSON.parse(median.stdout)
  const peak = Math.max(...runs.map((r) => r.rss))
  // the pages of the server list follow one another, and the audit waits for the last of them
  const waited = [...median.stderr.matchAll(/^http: GET \S+\/servers\/detail.* in (\d+) ms/gm)].reduce(
    (a, m) => a + Number(m[1]),
    0,
  )

  let cli = 0
  for (const id of made.servers.slice(0, SAMPLE)) {
    cli += run(['/usr/bin/openstack', 'server', 'show', '--os-compute-api-version', '2.47', '-f', 'json', id]).ms
    cli += run(['/usr/bin/openstack', 'image', 'show', '-f', 'json', made.images[0]]).ms
  }
  const perServerCli = cli / SAMPLE
  const perServerWd = median.ms / report.summary.servers.total
  const ratio = perServerCli / perServerWd
  console.log(
    `  wd audit -f json: ${report.summary.servers.total} servers, ${report.flavors.length} flavors, ${report.images.length} images: ` +
      `${(median.ms / 1000).toFixed(2)} s (median of 3), peak RSS ${(peak / 1024).toFixed(0)} MB, ${report.requests} HTTP requests`,
  )
  console.log(
    `    of which waiting for Nova's server list: ${(waited / 1000).toFixed(2)} s; wd's own CPU: ${(median.cpu / 1000).toFixed(2)} s`,
  )
  console.log(
    `  P6 audit wall: ${(median.ms / 1000).toFixed(2)} s (goal ≤ 5 s) ${median.ms <= 5000 ? 'MET' : 'MISSED'}`,
  )
  console.log(
    `  openstack server show (2.47) + image show: ${(perServerCli / 1000).toFixed(2)} s per server (a sample of ${SAMPLE}, scaled: ` +
      `${((perServerCli * report.summary.servers.total) / 60000).toFixed(0)} min for all)`,
  )
  console.log(
    `  P6 per-server rate vs the openstack CLI: ${ratio.toFixed(0)}× (goal ≥ 100×) ${ratio >= 100 ? 'MET' : 'MISSED'}`,
  )

  // the consoles: every server ACTIVE, then the audit with and without them, alternating
  activate(prefix)
  const consoles = {with: [], without: []}
  for (let i = 0; i < 3; i++) {
    consoles.with.push(
      measured(
        audit.filter((a) => a !== '--no-console'),
        withClouds,
      ),
    )
    consoles.without.push(measured(audit, withClouds))
  }
  const mid = (xs) => [...xs].sort((a, b) => a.ms - b.ms)[1]
  const w = mid(consoles.with)
  const wo = mid(consoles.without)
  const asked = JSON.parse(w.stdout).requests - JSON.parse(wo.stdout).requests
  console.log(
    `  guests' consoles of ${report.summary.servers.total} ACTIVE servers: ${(w.ms / 1000).toFixed(2)} s with, ${(wo.ms / 1000).toFixed(2)} s without ` +
      `(--no-console): ${((w.ms - wo.ms) / 1000).toFixed(2)} s for ${asked} console requests, ${((w.ms - wo.ms) / Math.max(asked, 1)).toFixed(1)} ms each ` +
      `at 8 at once; peak RSS ${(w.rss / 1024).toFixed(0)} MB with, ${(wo.rss / 1024).toFixed(0)} MB without`,
  )
  var met = median.ms <= 5000 && ratio >= 100
} finally {
  spawnSync('bash', ['test/env/openstack/nova-api-default-limit.sh', 'stop'], {cwd: root})
  await bounded(made.servers.map((id) => () => nova('DELETE', `/servers/${id}`)))
  await bounded(made.flavors.map((id) => () => nova('DELETE', `/flavors/${id}`)))
  await bounded(made.images.map((id) => () => glance('DELETE', `/images/${id}`)))
  await nova('DELETE', `/os-quota-sets/${project}`)
}
export {met}
