// The baseline: a bare Fastify route on loopback that answers a small JSON body, nothing else. With BARE_ANSWER=wd it
// answers the very bytes POST /v1/resolve answers to the service bench's body instead: what is left between that and
// wd is wd's own (body check, resolution, metrics, logger), the rest is the answer's size.
import Fastify from 'fastify'

const small = {device: {model: 'i6300esb', action: 'reset'}, decidedBy: 'flavor'}
const wd = {
  device: {model: 'i6300esb', action: 'poweroff'},
  decidedBy: 'image',
  valid: true,
  warnings: [],
  errors: [],
  findings: [],
  libvirt: "<watchdog model='i6300esb' action='poweroff'/>",
  proxmox: 'watchdog: model=i6300esb,action=poweroff',
}
const answer = process.env.BARE_ANSWER === 'wd' ? wd : small
const app = Fastify()
app.post('/bare', async () => answer)
const url = await app.listen({host: '127.0.0.1', port: 0})
console.log(`listening on ${url}`)
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
