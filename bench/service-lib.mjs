// Starting a server as a child process and loading it with autocannon, for the service benchmarks.
import autocannon from 'autocannon'
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'

export function startServer(argv, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, NODE_OPTIONS: '', ...env},
    })
    const onData = (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d))
      if (m) resolve({url: m[1].replace(/\)$/, ''), child})
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code} before listening`)))
  })
}

/** CPU time (user + system) a process has used so far, in ms (clock ticks of 10 ms on Linux). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

export async function load(url, body, seconds, connections = 50, extra = {}) {
  const r = await autocannon({
    url,
    method: 'POST',
    body: JSON.stringify(body),
    headers: {'content-type': 'application/json'},
    connections,
    duration: seconds,
    ...extra,
  })
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    total: r.requests.total,
  }
}
