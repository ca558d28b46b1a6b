// A graceful shutdown under load (docker stop, Kubernetes): once the app is closing, every answer carries
// Connection: close, so each keep-alive connection closes after its last answer instead of idling until its
// keep-alive timeout and holding the close (and the process) for the whole grace period.
import fp from 'fastify-plugin'

export default fp(async function shutdownPlugin (app) {
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'shutdown' })
