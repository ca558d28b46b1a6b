// Whether a target is a basic-admin-mock (drift and the proxy refuse one): a mirror proves nothing.
import { send } from './http.js'

/** A basic-admin-mock answers /openapi.json with its served contract, whose first server is itself ("/"): a mirror proves nothing. */
export async function isMock (base: URL, timeoutMs: number, ca: string | Buffer | undefined): Promise<boolean> {
  const answer = await send(base, { method: 'GET', path: '/openapi.json', headers: {} }, { timeoutMs, ca })
  if (!answer.ok || answer.status !== 200) return false
  try {
    const doc = JSON.parse(answer.text) as { info?: { title?: unknown }, servers?: Array<{ url?: unknown }> }
    return doc.info?.title === 'Basic Admin API' && Array.isArray(doc.servers) && doc.servers.some(server => server.url === '/')
  } catch {
    return false
  }
}
