/**
 * What the Proxmox tests share: qemu-server's own guest configs (../shared/data/proxmox-qemu-server, copied from
 * qemu-server's src/test; WD_PROXMOX_DATA names another copy), a directory laid out as pmxcfs lays out /etc/pve,
 * qemu-server's config lock taken the way qemu-server takes it (Perl's flock on a file opened for appending), and a
 * QEMU that runs as a Proxmox guest runs (its -pidfile in a run directory).
 */
import {afterAll} from '@jest/globals'
import {spawn, spawnSync} from 'node:child_process'
import {chownSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {root} from './cli.js'
import {until} from './barks.js'
import {owned, tempDir} from './gates.js'
import {QEMU_TCG} from './qmp.js'

/**
 * The data lives beside the checkout (../shared, as on the development machines); a clone elsewhere on such a machine
 * finds it at /work/shared. AGPL-3.0 data of Proxmox's: read in place, never copied into the project.
 */
const proxmoxData =
  process.env.WD_PROXMOX_DATA ??
  [join(root, '../shared/data/proxmox-qemu-server'), '/work/shared/data/proxmox-qemu-server'].find((d) =>
    existsSync(d),
  ) ??
  join(root, '../shared/data/proxmox-qemu-server')

/** Every guest config of qemu-server's tests: name (its path in the data) and bytes. */
export function qemuServerConfigs(): {name: string; bytes: Buffer}[] {
  if (!existsSync(proxmoxData))
    throw new Error(`qemu-server's test configs are missing at ${proxmoxData}: set WD_PROXMOX_DATA to a copy`)
  const out: {name: string; bytes: Buffer}[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (e.name.endsWith('.conf')) out.push({name: relative(proxmoxData, path), bytes: readFileSync(path)})
    }
  }
  walk(proxmoxData)
  return out
}

export const qemuServerConfig = (name: string) => readFileSync(join(proxmoxData, name))

/** www-data's gid: pmxcfs shows every file root:www-data. */
const WWW_DATA = Number(/^www-data:[^:]*:(\d+):/m.exec(readFileSync('/etc/group', 'utf8'))?.[1] ?? 33)

/**
 * A directory laid out as pmxcfs lays out /etc/pve: `nodes/NODE/qemu-server/VMID.conf` (0640 root:www-data) for
 * each node's guests, and `qemu-server` linking to this node's (the first node named).
 */
export function pmxcfs(nodes: Record<string, Record<string, Buffer | string>>): {root: string; dir: string} {
  const pve = join(tempDir('wd-pmxcfs-'), 'pve')
  for (const [node, guests] of Object.entries(nodes)) {
    const dir = join(pve, 'nodes', node, 'qemu-server')
    mkdirSync(dir, {recursive: true})
    for (const [vmid, bytes] of Object.entries(guests)) {
      writeFileSync(join(dir, `${vmid}.conf`), bytes, {mode: 0o640})
      chownSync(join(dir, `${vmid}.conf`), 0, WWW_DATA)
    }
  }
  symlinkSync(`nodes/${Object.keys(nodes)[0]}/qemu-server`, join(pve, 'qemu-server'))
  return {root: pve, dir: join(pve, 'qemu-server')}
}

/**
 * qemu-server's config lock, taken as PVE::Tools::lock_file takes it (the file opened for appending, an exclusive
 * flock), by a Perl process that says `locked`, runs `perl` code while it holds it, and lets go when it exits.
 */
export async function qemuServerLock(lockFile: string, whileHeld: string): Promise<{done: Promise<number | null>}> {
  const child = owned(
    spawn(
      'perl',
      [
        '-MFcntl=:flock',
        '-e',
        `open(my $fh, '>>', $ARGV[0]) or die "open: $!"; flock($fh, LOCK_EX) or die "flock: $!"; $| = 1; print "locked\\n"; ${whileHeld}`,
        lockFile,
      ],
      {stdio: ['ignore', 'pipe', 'inherit']},
    ),
  )
  await new Promise<void>((r) => child.stdout.once('data', () => r()))
  return {done: new Promise((r) => child.once('exit', r))}
}

/** A QEMU that runs as a Proxmox guest runs: paused, its pid file RUN/VMID.pid as qemu-server passes -pidfile. */
export async function runningGuest(runDir: string, vmid: string) {
  mkdirSync(runDir, {recursive: true})
  const pidfile = join(runDir, `${vmid}.pid`)
  const qemu = owned(spawn('qemu-system-x86_64', [...QEMU_TCG, '-S', '-pidfile', pidfile], {stdio: 'ignore'}))
  await until(() => existsSync(pidfile), 20, `${pidfile}`)
  return qemu
}

/** Words as qemu-server splits `args:` (PVE::Tools::split_args is Perl's Text::ParseWords::shellwords): by Perl. */
function splitArgs(line: string): string[] {
  const r = spawnSync('perl', ['-MText::ParseWords', '-e', 'print join("\\0", shellwords($ARGV[0]))', '--', line], {
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`perl shellwords: ${r.stderr}`)
  return r.stdout === '' ? [] : r.stdout.split('\0')
}

/** The QEMU the tests run, as qemu-server reads its version (`QEMU emulator version X.Y`). */
function qemuVersion(): [number, number] {
  const out = spawnSync('qemu-system-x86_64', ['--version'], {encoding: 'utf8'}).stdout
  const m = /QEMU emulator version (\d+)\.(\d+)/.exec(out)
  if (!m) throw new Error(`no QEMU version in: ${out}`)
  return [Number(m[1]), Number(m[2])]
}

/**
 * How qemu-server starts a guest's QEMU process, from its own expected command line (cfg2cmd/simple1.conf.cmd):
 * its name, -no-shutdown, its QMP monitor, qmeventd's monitor (QEMU as a client that reconnects), its -pidfile and
 * -daemonize, word for word, with /var/run/qemu-server and qmeventd's socket moved into the test's directories and
 * the guest's VMID. Left out: the binary (/usr/bin/kvm), `-id` (an option of Proxmox's own QEMU build only), and the
 * devices, which a test gives its small guest instead. qmeventd's reconnect option is the one qemu-server gives
 * this QEMU: `reconnect-ms=5000` from QEMU 9.2 on, `reconnect=5` before.
 */
function qemuServerProcessArgs(vmid: string, runDir: string, qmeventd: string): string[] {
  const text = readFileSync(join(proxmoxData, 'cfg2cmd/simple1.conf.cmd'), 'utf8').replace(/\\\n/g, ' ')
  const words = splitArgs(text)
  const from = words.indexOf('-name')
  const to = words.indexOf('-daemonize')
  if (from < 0 || to < from) throw new Error('cfg2cmd/simple1.conf.cmd: no -name … -daemonize')
  const [major, minor] = qemuVersion()
  const reconnect = major > 9 || (major === 9 && minor >= 2) ? 'reconnect-ms=5000' : 'reconnect=5'
  return words
    .slice(from, to + 1)
    .map((w) =>
      w
        .replaceAll('/var/run/qemu-server/8006.', `${runDir}/${vmid}.`)
        .replaceAll('/var/run/qmeventd.sock', qmeventd)
        .replace('reconnect-ms=5000', reconnect),
    )
}

const daemons: number[] = []
afterAll(() => {
  for (const pid of daemons) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
})

/**
 * Starts a guest's QEMU as qemu-server starts it: its process arguments (with -daemonize), then the guest's
 * `devices`, then its `args:` line split as qemu-server splits it (last, as config_to_command puts it). The first
 * process exits once QEMU is up (0) or with why it is not; a QEMU that started is killed after the test file.
 */
export async function startAsQemuServer(
  vmid: string,
  runDir: string,
  devices: string[],
  args: string | undefined,
): Promise<{status: number | null; said: string; pid?: number}> {
  const qemu = spawn(
    'qemu-system-x86_64',
    [
      ...qemuServerProcessArgs(vmid, runDir, join(runDir, '..', 'qmeventd.sock')),
      ...devices,
      ...(args === undefined ? [] : splitArgs(args)),
    ],
    {stdio: ['ignore', 'ignore', 'pipe']},
  )
  let said = ''
  qemu.stderr.on('data', (d: Buffer) => (said += String(d)))
  const status = await new Promise<number | null>((r) => qemu.once('exit', r))
  const pidfile = join(runDir, `${vmid}.pid`)
  if (status !== 0 || !existsSync(pidfile)) return {status, said}
  const pid = Number(readFileSync(pidfile, 'utf8'))
  daemons.push(pid)
  return {status, said, pid}
}
