/**
 * One guest of a cluster as `wd proxmox list` reports it, from its config's text alone (pure): its watchdog now and
 * at its next start, wd's monitor, the guest half (the cloud-init vendor snippet), its HA resource, its lock, and
 * what is wrong with it, each finding with its fix — to be run on the guest's own node, where its lock is.
 */
import {isWdError} from '../errors.js'
import {parseProxmoxValue} from '../render/proxmox.js'
import {PROXMOX_KEY} from '../vocab/proxmox.js'
import {vendorPart} from './cicustom.js'
import {mainValue, parseConfig} from './config-file.js'
import {haManaged, type HaResource} from './ha.js'
import {pendingOption} from './qm-set.js'
import {ARGS_KEY, DEFAULT_QMP_DIR, recordedSocket} from './record-monitor.js'
import {PROXMOX_RULES, type ProxmoxRuleId} from './rules.js'

interface ProxmoxFinding {
  rule: ProxmoxRuleId
  severity: (typeof PROXMOX_RULES)[ProxmoxRuleId]['level']
  message: string
  fix?: string
}

export interface ProxmoxGuest {
  node: string
  vmid: string
  name: string | null
  /** the watchdog: line as written (the main section: what the guest runs with) */
  watchdog: string | null
  model: string | null
  /** what the device does on expiry: QEMU resets when the line names no action; null without a device */
  action: string | null
  /** the watchdog at the next start, from [PENDING]: its value, 'delete', or null for no change */
  pending: string | null
  /** the socket of wd's QMP monitor (args:) */
  monitor: string | null
  /** the cloud-init vendor snippet (cicustom vendor=): the guest half when it is wd's */
  vendor: string | null
  ha: HaResource | null
  lock: string | null
  machine: string | null
  findings: ProxmoxFinding[]
}

/** The machine type of a `machine:` value (a property string whose default key is `type`), as qemu-server reads it. */
function machineType(value: string): string {
  const parts = value.split(',')
  return parts.find((p) => p.startsWith('type='))?.slice('type='.length) ?? parts.find((p) => !p.includes('=')) ?? ''
}

/** Where qemu-server keeps its run files: wd's socket there is always creatable (see record-monitor.ts). */
const RUN_DIRS = [DEFAULT_QMP_DIR, '/run/qemu-server']

export function guestRecord(node: string, vmid: string, text: string, ha: HaResource | undefined): ProxmoxGuest {
  const config = parseConfig(text, `${vmid}.conf`)
  const watchdog = mainValue(config, PROXMOX_KEY) ?? null
  const findings: ProxmoxFinding[] = []
  const find = (rule: ProxmoxRuleId, message: string, fix?: string) =>
    findings.push({rule, severity: PROXMOX_RULES[rule].level, message, ...(fix && {fix})})
  const set = (how: string) => `wd proxmox set ${vmid} ${how} (on ${node})`
  const who = `VM ${vmid}${mainValue(config, 'name') ? ` (${mainValue(config, 'name')})` : ''} on ${node}`

  let device: {model: string; action: string} | null = null
  if (watchdog !== null) {
    try {
      const w = parseProxmoxValue(watchdog)
      device = {model: w.model, action: w.action ?? 'reset'}
    } catch (e) {
      if (!isWdError(e)) throw e
      find('proxmox/invalid-watchdog', `${who}: ${e.message}`, set('--action reset'))
    }
  }
  const pendingValue = pendingOption(config, PROXMOX_KEY)
  const pending = pendingValue === undefined ? null : (pendingValue ?? 'delete')
  const monitor = recordedSocket(mainValue(config, ARGS_KEY)) ?? null
  const pendingMonitor = pendingOption(config, ARGS_KEY)
  const lock = mainValue(config, 'lock') ?? null
  const machine = mainValue(config, 'machine') ?? null
  const managed = haManaged(ha)

  if (watchdog === null && pending === null)
    find('proxmox/no-watchdog', `${who} has no watchdog device: a hung guest stays hung`, set('--action reset'))
  if (device?.action === 'none')
    find(
      'proxmox/action-none',
      `${who}: the watchdog's action is none: it fires and nothing happens`,
      set('--action reset'),
    )
  if (managed && ha && device?.action === 'pause')
    find(
      'proxmox/ha-pause',
      `${who} is HA-managed (${ha.state}) and its watchdog pauses it: HA sees a paused guest as running and never recovers it`,
      set('--action reset'),
    )
  if (monitor !== null && !RUN_DIRS.some((d) => monitor.startsWith(`${d}/`)))
    find(
      'proxmox/monitor-directory',
      `${who}: wd's QMP monitor is in ${monitor.slice(0, monitor.lastIndexOf('/'))}: QEMU does not start the guest while that directory is missing`,
      set('--record'),
    )
  if (lock !== null)
    find(
      'proxmox/locked',
      `${who} is locked (${lock}): changes are refused until it goes`,
      `qm unlock ${vmid} (on ${node}), once no ${lock} runs`,
    )
  if (machine !== null && /q35/.test(machineType(machine)))
    find(
      'proxmox/q35-itco',
      `${who} is a q35 machine (${machine}): its chipset also has QEMU's iTCO watchdog, which a guest loading iTCO_wdt feeds instead`,
      `the guest half (${set('--guest')}) arms the ${device?.model ?? 'i6300esb'} by its identity`,
    )
  if (pending !== null || pendingMonitor !== undefined)
    find(
      'proxmox/change-pending',
      `${who}: a change to the ${pending !== null ? 'watchdog' : "wd's monitor"} waits in [PENDING] until the guest's next start`,
      `qm reboot ${vmid} (on ${node}) applies it; a reboot inside the guest does not`,
    )

  return {
    node,
    vmid,
    name: mainValue(config, 'name') ?? null,
    watchdog,
    model: device?.model ?? null,
    action: device?.action ?? null,
    pending,
    monitor,
    vendor: vendorPart(mainValue(config, 'cicustom')) ?? null,
    ha: ha ?? null,
    lock,
    machine,
    findings,
  }
}
