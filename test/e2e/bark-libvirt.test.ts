import {afterAll, jest, expect} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixture, root, wd} from '../helpers/cli.js'
import {NOVA_INSTANCE} from '../helpers/nova-fixture.js'
import {expectValidDomain} from '../helpers/libvirt-rng.js'
import {firstBarks, journalOf, startWatcher, stopWatcher, until} from '../helpers/barks.js'
import {e2e, optedOut, owned, tempDir} from '../helpers/gates.js'
import {brokerDir, osloListener, rabbitmq} from '../helpers/rabbitmq.js'

// a guest boots under TCG (no KVM here): a bark takes 8-18 s
jest.setTimeout(120_000)

/**
 * The same bark through libvirt: the guest's domain XML gets its watchdog from `wd xml patch`, libvirtd
 * (test/env/libvirt/libvirtd.sh) runs it, and `wd events watch --libvirt` records libvirt's watchdog event, and
 * publishes it (--notify) to a real RabbitMQ, where oslo.messaging's listener reads the Nova instance in it.
 * WD_SKIP_E2E=1 opts out (WD_SKIP_RABBITMQ=1 of the bus part only).
 */
const guest = join(root, '.work/guest')
const uri = 'qemu:///system'
const libvirtd = join(root, 'test/env/libvirt/libvirtd.sh')
const virsh = (...args: string[]) => execFileSync('virsh', ['-q', '-c', uri, ...args], {encoding: 'utf8'}).trim()
let domain: string | undefined
afterAll(() => {
  if (domain) {
    for (const cmd of [
      ['destroy', domain],
      ['undefine', domain],
    ]) {
      try {
        virsh(...cmd)
      } catch {
        // already gone
      }
    }
  }
})

e2e(
  'pause through libvirt: the domain is paused (watchdog), and the watcher, through a libvirtd restart, records the event once',
  async () => {
    if (!existsSync(join(guest, 'vmlinuz')))
      throw new Error('the test guest is missing: run bash test/env/guest/build-guest.sh, or set WD_SKIP_E2E=1')
    const dir = tempDir('wd-bark-libvirt-')
    domain = `wd-e2e-${process.pid}`
    // what Nova's libvirt driver writes into an instance's domain (made by Nova's own config classes)
    const novaMetadata = /<metadata>[\s\S]*<\/metadata>/.exec(readFileSync(fixture('nova-domain.xml'), 'utf8'))![0]
    const bare = `<domain type='qemu'>
  <name>${domain}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  ${novaMetadata}
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${guest}/vmlinuz</kernel>
    <initrd>${guest}/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet panic=0 wdt=i6300esb wdt_arm=ioctl wdt_timeout=2 wdt_hold=1</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <serial type='file'>
      <source path='${dir}/serial.log'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
`
    const patched = wd(['xml', 'patch', '-', '--flavor-spec', 'hw:watchdog_action=pause'], bare)
    expect(patched.status).toBe(0)
    expect(patched.stdout).toContain("<watchdog model='i6300esb' action='pause'/>")
    expectValidDomain(patched.stdout)
    writeFileSync(join(dir, 'domain.xml'), patched.stdout)
    virsh('define', join(dir, 'domain.xml'))

    const journal = join(dir, 'barks.jsonl')
    const bus = optedOut('WD_SKIP_RABBITMQ') ? undefined : rabbitmq('start', brokerDir(), 5678)
    const listener = bus ? await osloListener(bus) : undefined
    const watcher = startWatcher(
      ['--libvirt', uri, ...(bus ? ['--notify', bus, '--host', 'compute-e2e'] : [])],
      journal,
    )
    owned(watcher)
    await new Promise((r) => setTimeout(r, 1000)) // virsh event is listening before the domain starts
    // libvirtd goes away and comes back: the watcher notices, says so, and follows the new libvirtd
    execFileSync('bash', [libvirtd, 'stop'])
    await until(() => /virsh event ended/.test(watcher.said()), 15, 'warning about the lost libvirtd')
    execFileSync('bash', [libvirtd, 'start'])
    // the watcher retries with backoff (0.5, 1, 2, 4 s); the guest below needs 8 s or more before it barks
    await new Promise((r) => setTimeout(r, 3000))
    virsh('start', domain)
    await firstBarks(journal, 60)
    expect(virsh('domstate', domain, '--reason')).toBe('paused (watchdog)')
    await new Promise((r) => setTimeout(r, 1000))
    await stopWatcher(watcher)
    const uuid = virsh('domuuid', domain)
    expect(await journalOf(journal)).toEqual([
      expect.objectContaining({
        vm: domain,
        action: 'pause',
        source: `libvirt:${uri}`,
        instance: uuid,
        nova: NOVA_INSTANCE,
      }),
    ])
    if (listener) {
      await until(() => listener.received().length > 0, 20, 'the notification')
      listener.stop()
      expect(listener.received()).toEqual([
        expect.objectContaining({
          event_type: 'wd.watchdog.bark',
          publisher_id: 'wd.compute-e2e',
          payload: expect.objectContaining({
            host: 'compute-e2e',
            vm: domain,
            action: 'pause',
            instance_uuid: uuid,
            display_name: NOVA_INSTANCE.name,
            project_id: NOVA_INSTANCE.projectId,
            project_name: NOVA_INSTANCE.projectName,
            user_id: NOVA_INSTANCE.userId,
            flavor: NOVA_INSTANCE.flavor,
            image: NOVA_INSTANCE.image,
          }) as unknown,
        }),
      ])
    }
  },
)
