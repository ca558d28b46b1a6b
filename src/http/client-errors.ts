// What Node's HTTP parser refuses before Fastify sees a request, answered in the contract's 400 shape.
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { JSON_TYPE } from './refusals.js'

// Errors Node's HTTP parser raises before Fastify sees a request; the contract has no 408 or 431.
const CLIENT_ERRORS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'Request headers are larger than 16 KiB',
  ERR_HTTP_REQUEST_TIMEOUT: 'Request timed out'
}

/** Named like every other answer, though no log line carries the id: nothing of the request could be read. */
export function clientErrorHandler (error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (socket.writable) {
    const body = JSON.stringify({ error: 'Bad Request', message: CLIENT_ERRORS[error.code ?? ''] ?? 'Malformed HTTP request' })
    socket.write(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${JSON_TYPE}\r\nx-request-id: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(error)
}
