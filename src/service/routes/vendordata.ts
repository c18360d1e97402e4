/**
 * `POST /v1/vendordata`, Nova's DynamicJSON vendordata target (named `cloud-init` in nova.conf: cloud-init reads
 * only that key of vendor_data2.json): the guest half as a script for an instance Nova gives a watchdog, null for
 * one it gives none. The use case is src/operations/vendordata.ts; the route counts the resolution.
 */
import type {FastifyInstance} from 'fastify'
import {WdError} from '../../errors.js'
import type {Connection} from '../../openstack/connection.js'
import {instanceVendordata} from '../../operations/vendordata.js'
import type {GuestHalfOptions} from '../../render/guest-half.js'
import * as s from '../schemas.js'
import {countResolution} from './resolve.js'

export async function vendordataRoutes(
  app: FastifyInstance,
  {service, guest}: {service?: Connection; guest?: GuestHalfOptions},
): Promise<void> {
  app.post<{Body: s.VendordataBody}>(
    '/v1/vendordata',
    {schema: s.vendordata, onRequest: app.guard('anyProject')},
    async (req, reply) => {
      if (!service) throw new WdError('WD_USAGE', 'vendordata needs a cloud configured')
      const {answer, resolution} = await instanceVendordata(
        service,
        {id: req.body['instance-id'], imageId: req.body['image-id'], metadata: req.body.metadata},
        guest,
      )
      countResolution(app, {valid: resolution.errors.length === 0, device: resolution.device})
      // a string is JSON too: sent as text, Nova's json.loads would refuse the bare script
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer))
    },
  )
}
