// Raw HTTP/1.1 over a real socket, for what only the wire shows: parked bodies, pipelining, headers Node handles itself.
import { connect, type Socket } from 'node:net'
import type { Test } from 'tap'
import { build } from './helper.js'
import { patience } from './patience.js'

// Generous: a loaded CI machine may take seconds where an idle one takes milliseconds.
export const WIRE_TIMEOUT_MS = patience(2_000)

/** The test app on a real listener of 127.0.0.1. */
export async function listen (t: Test, options: Parameters<typeof build>[1] = {}) {
  const built = await build(t, options)
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  const address = built.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { ...built, port: address.port, url: `http://127.0.0.1:${address.port}` }
}

export interface RawResponse {
  status: number
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>
  body: string
}

/** The bytes of one request: a request line, headers (Content-Length added for a body) and the body. */
export function requestBytes (method: string, path: string, headers: Record<string, string>, body?: string): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  if (body !== undefined && !Object.keys(headers).some(name => /^(content-length|transfer-encoding)$/i.test(name))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  }
  return lines.join('\r\n') + '\r\n\r\n' + (body ?? '')
}

/** Splits complete responses (each with Content-Length, as this server always sends) off the front of `data`. */
export function parseResponses (data: Buffer): { responses: RawResponse[], rest: Buffer } {
  const responses: RawResponse[] = []
  let rest = data
  for (;;) {
    const end = rest.indexOf('\r\n\r\n')
    if (end === -1) break
    const [statusLine, ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n')
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine!)?.[1])
    const headers: Record<string, string> = {}
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    // A 1xx has no body and is followed by the real answer.
    const length = status < 200 ? 0 : Number(headers['content-length'] ?? 0)
    if (rest.length < end + 4 + length) break
    responses.push({ status, headers, body: rest.subarray(end + 4, end + 4 + length).toString('utf8') })
    rest = rest.subarray(end + 4 + length)
  }
  return { responses, rest }
}

/** One connection: write bytes when you like, wait for the nth complete response. */
export class Connection {
  readonly socket: Socket
  readonly responses: RawResponse[] = []
  private buffer: Buffer = Buffer.alloc(0)
  private closed = false
  private readonly waiters = new Set<() => void>()

  constructor (port: number) {
    this.socket = connect(port, '127.0.0.1')
    this.socket.on('data', chunk => {
      const { responses, rest } = parseResponses(Buffer.concat([this.buffer, chunk]))
      this.buffer = rest
      this.responses.push(...responses)
      this.wake()
    })
    this.socket.on('close', () => { this.closed = true; this.wake() })
    this.socket.on('error', () => {})
  }

  static async open (t: Test, port: number): Promise<Connection> {
    const connection = new Connection(port)
    t.teardown(() => { connection.socket.destroy() })
    await new Promise<void>((resolve, reject) => connection.socket.once('connect', resolve).once('error', reject))
    return connection
  }

  write (bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, error => error == null ? resolve() : reject(error)))
  }

  /** Resolves with the first `count` responses; rejects, saying what it waited for, when the socket closes first or time runs out. */
  async read (count: number, what = `${count} response(s)`): Promise<RawResponse[]> {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiters.delete(check); reject(new Error(`timed out after ${WIRE_TIMEOUT_MS} ms waiting for ${what}; got ${this.responses.length}`)) }, WIRE_TIMEOUT_MS)
      const check = (): void => {
        if (this.responses.length >= count) {
          clearTimeout(timer)
          this.waiters.delete(check)
          resolve(this.responses.slice(0, count))
        } else if (this.closed) {
          clearTimeout(timer)
          this.waiters.delete(check)
          reject(new Error(`the connection closed while waiting for ${what}; got ${this.responses.length}: ${JSON.stringify(this.responses.map(r => r.status))}`))
        }
      }
      this.waiters.add(check)
      check()
    })
  }

  /** Resolves once the server has closed the connection. */
  async ended (): Promise<void> {
    await this.read(Number.POSITIVE_INFINITY, 'the server to close the connection').catch((error: Error) => {
      if (!this.closed) throw error
    })
  }

  private wake (): void {
    for (const check of [...this.waiters]) check()
  }
}

/** Sends one whole request on its own connection and returns its answer. */
export async function exchange (t: Test, port: number, bytes: string | Buffer): Promise<RawResponse> {
  const connection = await Connection.open(t, port)
  await connection.write(bytes)
  return (await connection.read(1))[0]!
}
