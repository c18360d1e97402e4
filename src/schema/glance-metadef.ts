/**
 * The OS::Compute::Watchdog metadef namespace (as glance/etc/metadefs/compute-watchdog.json ships it since the
 * Victoria fix, LP #1887099): one property, prefixed per resource type so Horizon writes the key Nova reads.
 * The enum comes from wd's Nova vocabulary, so it cannot drift from what wd checks.
 */
import {NOVA_SETTINGS} from '../vocab/nova.js'

export function glanceWatchdogMetadef(): object {
  return {
    namespace: 'OS::Compute::Watchdog',
    display_name: 'Watchdog Behavior',
    description:
      'Compute drivers may enable watchdog behavior over instances. The libvirt driver adds an i6300esb watchdog device; ' +
      'an image property overrides the flavor extra spec.',
    visibility: 'public',
    protected: true,
    resource_type_associations: [
      {name: 'OS::Glance::Image', prefix: 'hw_'},
      {name: 'OS::Cinder::Volume', prefix: 'hw_', properties_target: 'image'},
      {name: 'OS::Nova::Flavor', prefix: 'hw:'},
    ],
    properties: {
      watchdog_action: {
        title: 'Watchdog Action',
        description:
          'The action the hypervisor takes when the guest stops feeding its watchdog (the guest needs a watchdog daemon). ' +
          "'disabled' (the default) adds no device. Set on an image, it overrides the flavor's setting.",
        type: 'string',
        enum: [...NOVA_SETTINGS],
      },
    },
  }
}
