// A listening server checkpoints its databases (each namespace's) from a worker thread (src/db/checkpointer.ts); an
// app used only through inject() need not.
import fp from 'fastify-plugin'

export default fp(async function checkpointerPlugin (app) {
  app.addHook('onListen', (done) => {
    app.namespaces.checkpointInBackground((error, database) => app.log.error({ err: error, database }, 'background checkpoint failed'))
    done()
  })
}, { name: 'checkpointer', dependencies: ['world'] })
