// A listening server checkpoints its database from a worker thread (src/db/checkpointer.ts); an app used only
// through inject() need not.
import fp from 'fastify-plugin'

export default fp(async function checkpointerPlugin (app) {
  app.addHook('onListen', (done) => {
    app.world.checkpointInBackground(error => app.log.error({ err: error }, 'background checkpoint failed'))
    done()
  })
}, { name: 'checkpointer', dependencies: ['world'] })
