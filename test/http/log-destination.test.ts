// Where the server's log lines go: stdout, written in the request's own turn (src/http/options.ts, docs/performance.md).
import t from 'tap'
import { fastifyOptions } from '../../src/http/options.js'

const settings = { LOG_LEVEL: 'info' as const, ADMIN_TOKEN: undefined }
const streamOf = (options: ReturnType<typeof fastifyOptions>): unknown => (options.logger as { stream: unknown }).stream

t.test('stdout is written synchronously, not through the libuv pool (pino\'s own default)', async t => {
  t.match(streamOf(fastifyOptions(settings)), { fd: 1, sync: true, write: Function }, 'pino\'s destination on fd 1: each line written in its request\'s turn')
})

t.test('a stream given (startMockServer\'s logStream, tests) is used as it is', async t => {
  const lines: string[] = []
  const mine = { write: (line: string) => { lines.push(line) } }
  t.equal(streamOf(fastifyOptions(settings, mine)), mine)
})
