// DNS rebinding (docs/guarantees.md): a web page of another site can point its own name at 127.0.0.1 and drive a
// local server from the visitor's browser, unless the server checks the name it was called by. Bound to a loopback
// address, as by default, the server answers only requests addressed to a loopback name (localhost, *.localhost,
// 127.x.x.x, [::1]), as Vite's dev server does; bound to 0.0.0.0 or another address (a container, a shared host),
// any Host is answered, as the names it is reached by cannot be known.
import fp from 'fastify-plugin'
import { badRequest } from '../http/refusals.js'

const LOOPBACK_NAME = /^(?:localhost|(?:[a-z0-9-]+\.)+localhost|127(?:\.\d{1,3}){3}|\[(?:::1|::ffff:127(?:\.\d{1,3}){3})\])\.?(?::\d{1,5})?$/i

/** Whether a listening address is the loopback interface's. */
export const isLoopbackAddress = (address: string): boolean => /^(?:127\.|::1$|::ffff:127\.)/.test(address)

/** Whether a Host header names this machine's loopback interface. */
export const isLoopbackHost = (host: string): boolean => LOOPBACK_NAME.test(host)

export default fp(async function hostPlugin (app) {
  let loopbackOnly = false
  app.addHook('onListen', (done) => {
    const address = app.server.address()
    loopbackOnly = typeof address === 'object' && address !== null && isLoopbackAddress(address.address)
    done()
  })
  app.addHook('onRequest', (request, _reply, done) => {
    const host = request.headers.host
    // No Host (HTTP/1.0, a raw client) is no browser's request.
    if (!loopbackOnly || host === undefined || isLoopbackHost(host)) return done()
    done(badRequest('host', `Host ${JSON.stringify(host.slice(0, 100))} is not a name of this machine's loopback interface, where this server listens: call it as localhost, 127.0.0.1 or [::1] (a page of another site may not reach it through its own name), or bind HOST to 0.0.0.0 to answer any name`))
  })
}, { name: 'host', dependencies: ['world'] })
