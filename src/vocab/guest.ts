/**
 * What a Linux guest calls each watchdog model: the kernel module that drives it, the identity its driver gives the
 * watchdog class device (`/sys/class/watchdog/watchdogN/identity`, the `watchdog_info.identity` of each driver in
 * drivers/watchdog/), and the PCI id where it is a PCI device. The guest half picks its device by these, never as
 * "the first /dev/watchdog": a q35 guest also has the chipset's iTCO (libvirt ≥ 9.1 adds it), which may come first.
 */
import type {LibvirtModel} from './libvirt.js'

export interface GuestDriver {
  module: string
  identity: string
  /** vendor:device, lower-case hex as sysfs shows them without 0x; absent for a non-PCI device */
  pci?: string
}

export const GUEST_DRIVERS: Partial<Record<LibvirtModel, GuestDriver>> = {
  // drivers/watchdog/i6300esb.c: ESB_MODULE_NAME, PCI_DEVICE_ID_INTEL_ESB_9
  i6300esb: {module: 'i6300esb', identity: 'i6300ESB timer', pci: '8086:25ab'},
  // drivers/watchdog/ib700wdt.c: an ISA device, found by no id
  ib700: {module: 'ib700wdt', identity: 'IB700 WDT'},
  // drivers/watchdog/iTCO_wdt.c
  itco: {module: 'iTCO_wdt', identity: 'iTCO_wdt'},
}

/** Who feeds the device in the guest. */
export const FEEDERS = ['systemd', 'watchdog-daemon'] as const
export type Feeder = (typeof FEEDERS)[number]
export const isFeeder = (v: string): v is Feeder => (FEEDERS as readonly string[]).includes(v)

/** Why a guest could not arm its watchdog: the `reason=` of its `wd-guest: not-armed` line. */
export const NOT_ARMED_REASONS = [
  'no-driver',
  'driver-failed',
  'no-device',
  'no-systemd',
  'feeder-failed',
  'not-root',
] as const
export type NotArmedReason = (typeof NOT_ARMED_REASONS)[number]

export const isNotArmedReason = (v: string): v is NotArmedReason => (NOT_ARMED_REASONS as readonly string[]).includes(v)
