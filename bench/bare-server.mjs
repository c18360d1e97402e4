// The baseline: a bare Fastify route on loopback that answers a small JSON body, nothing else.
import Fastify from 'fastify'

const app = Fastify()
app.post('/bare', async () => ({device: {model: 'i6300esb', action: 'reset'}, decidedBy: 'flavor'}))
const url = await app.listen({host: '127.0.0.1', port: 0})
console.log(`listening on ${url}`)
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
