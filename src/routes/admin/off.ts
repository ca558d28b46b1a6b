// Without ADMIN_TOKEN the control plane is off: every /__admin path answers 404 to every method, OPTIONS too (no 405
// lists the methods of a plane that is not there), as an unknown route does, but says why and how to turn it on, so a
// consumer's reset that fails is no riddle. With the control plane on, a wrong bearer still gets the unknown route's
// exact bytes (src/routes/admin/index.ts): only a server that has none says so.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { routeNotFound } from '../../http/refusals.js'
import { CONTROL_PLANE } from '../../plugins/journal.js'

export const CONTROL_PLANE_OFF = 'the control plane is off: start the server with ADMIN_TOKEN (in-process: the adminToken option) to turn it on'

export default async function controlPlaneOff (app: FastifyInstance): Promise<void> {
  // In onRequest, before any body is read: the answer is the same whatever was sent.
  const answer = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await reply.code(404).send({ error: 'Not Found', message: `${routeNotFound(request).message}: ${CONTROL_PLANE_OFF}` })
  }
  for (const url of [CONTROL_PLANE, `${CONTROL_PLANE}/*`]) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url, schema: { hide: true }, onRequest: answer, handler: async () => {} })
  }
}
