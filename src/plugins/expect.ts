// Expect (RFC 9110 section 10.1.1): Node answers 100-continue itself, and any other expectation with a bare 417
// before the app sees the request. The contract has no 417: such requests are routed here and refused with its
// 400, named and logged like every other answer, before their credentials are looked at.
import fp from 'fastify-plugin'
import { badRequest } from '../http/refusals.js'

export default fp(async function expectPlugin (app) {
  app.server.on('checkExpectation', app.routing)
  app.addHook('onRequest', (request, _reply, done) => {
    const expect = request.headers.expect
    if (expect === undefined || expect.toLowerCase() === '100-continue') return done()
    done(badRequest('expect', `Expect: only 100-continue is supported (got ${JSON.stringify(expect)})`))
  })
}, { name: 'expect' })
