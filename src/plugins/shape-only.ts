// The proxy's shadow mock (src/proxy/predict.ts): every request goes through the mock's own checks (route, credential
// shape, body, schema) and stops before its handler, so nothing is read or changed; an answer says the rule that refused.
import fp from 'fastify-plugin'
import { ruleOf } from './coverage.js'

/** The header of a request that passed every check before the handler. */
export const SHAPE_PASSED = 'x-mock-shape-passed'
/** The header naming the rule of a refusal (a bad input's rule, or the refusal's kind). */
export const SHAPE_RULE = 'x-mock-rule'

export default fp(async function shapeOnlyPlugin (app) {
  app.addHook('preHandler', async (request, reply) => {
    // No route: the not-found handler answers 404 or 405 as the mock would.
    if (request.is404) return
    return await reply.code(204).header(SHAPE_PASSED, '1').send()
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    const rule = ruleOf(request.refusal)
    if (rule !== null) reply.header(SHAPE_RULE, rule)
    done(null, payload)
  })
}, { name: 'shape-only', dependencies: ['errors'] })
