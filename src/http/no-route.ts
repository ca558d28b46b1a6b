// A request no route takes: 405 with Allow when the path is one this server knows (RFC 9110, section 15.5.6), so
// fuzzers and proxies tell a wrong method from a wrong path; 404 for any other path.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { routeNotFound } from './refusals.js'

// Every method a route here takes, in the order Allow lists them.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** The methods the routes take at this URL; none when only CORS's catch-all preflight (OPTIONS *) would. */
export function allowedMethods (request: FastifyRequest): string[] {
  const allowed = METHODS.filter(method => request.server.findRoute({ method, url: request.url }) !== null)
  return allowed.some(method => method !== 'OPTIONS') ? allowed : []
}

export const methodNotAllowed = (request: { method: string, url: string }, allowed: string[]) =>
  ({ error: 'Method Not Allowed', message: `Route ${request.method} ${request.url.split('?')[0]} not allowed: this path takes ${allowed.join(', ')}` })

/** The answer of a request no route takes: 405 and Allow for a known path, otherwise the unknown-route 404. */
export async function answerNoRoute (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = allowedMethods(request)
  // A route of this very method that found nothing to serve (a missing file under /docs/static/) is a 404 too.
  if (allowed.length === 0 || allowed.includes(request.method)) return await reply.code(404).send(routeNotFound(request))
  return await reply.code(405).header('allow', allowed.join(', ')).send(methodNotAllowed(request, allowed))
}
