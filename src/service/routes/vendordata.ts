/**
 * `POST /v1/vendordata`, a Nova DynamicJSON vendordata target: cloud-init for the guest half of the watchdog when
 * Nova gives the instance one, else {}. Nova's service user asks about any project's instance, so the service's
 * own credentials look it up (its embedded flavor, as at boot, and its image).
 */
import type {FastifyInstance} from 'fastify'
import {WdError} from '../../errors.js'
import {resolve} from '../../engine/resolve.js'
import type {Connection} from '../../openstack/connection.js'
import {findImage, imageProperties} from '../../openstack/glance.js'
import {getServer} from '../../openstack/nova.js'
import {cloudConfig} from '../../render/cloud-init.js'
import {translate} from '../../vocab/translate.js'
import * as s from '../schemas.js'
import {countResolution} from './resolve.js'

/** What Nova hands the instance as vendordata: cloud-init for the guest half when Nova gives it a watchdog, else {}. */
export function vendordataFor(specs: Record<string, string>, props: Record<string, string>) {
  const resolution = resolve({flavor: specs, image: props})
  const answer = resolution.device ? {'cloud-init': cloudConfig(translate(resolution.device, 'nova', 'libvirt'))} : {}
  return {answer, resolution}
}

export async function vendordataRoutes(app: FastifyInstance, {service}: {service?: Connection}): Promise<void> {
  app.post<{Body: s.VendordataBody}>(
    '/v1/vendordata',
    {schema: s.vendordata, onRequest: app.guard('anyProject')},
    async (req) => {
      if (!service) throw new WdError('WD_USAGE', 'vendordata needs a cloud configured')
      const server = await getServer(service, req.body['instance-id'])
      const imageId = req.body['image-id'] || (typeof server.image === 'object' ? server.image.id : undefined)
      const props = imageId ? imageProperties(await findImage(service, imageId)) : {}
      const {answer, resolution} = vendordataFor(server.flavor.extra_specs ?? {}, props)
      countResolution(app, {valid: resolution.errors.length === 0, device: resolution.device})
      return answer
    },
  )
}
