// Reset under load over a real listener: every request in flight sees the whole state before or the seed after, never half.
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import t from 'tap'
import { resetToSeedNow } from '../../../src/operations/seed.js'
import { ADMIN_TOKEN } from '../../answers.js'
import { bearer, build, SECRETS, userToken } from '../../helper.js'

const SEED_IDS = ['key_admin', 'key_read']
const EXTRA = 6
const WORKERS = 32
const ROUNDS = 4
// Answers to wait for before the reset and after it, so that each round sees both states under load.
const WINDOW = 300

interface Answer { status: number, json: any, sent: number, answered: number }

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

t.test('reset under concurrent PATCH and LIST load is atomic: every answer is a contract status and every list is whole', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const table = () => app.world.db.prepare(`SELECT id, project_id, label, roles, hex(key_hash) AS hash, is_private, last_used, created_at = updated_at AS unchanged
    FROM api_keys ORDER BY id`).all()
  const seed = table()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const port = address.port
  // node:http with keep-alive, not fetch: fetch costs the shared CPU four times as much per request, and the server should be the busy side.
  const agent = new Agent({ keepAlive: true, maxSockets: WORKERS * 2 })
  t.teardown(() => agent.destroy())
  const owner = bearer(await userToken('user_owner'))
  const key = bearer(SECRETS.key_admin)

  function call (method: string, path: string, headers: Record<string, string>, body?: object): Promise<Answer> {
    const sent = performance.now()
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }
      }, res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()), sent, answered: performance.now() }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body === undefined ? undefined : JSON.stringify(body))
    })
  }

  const resetTimes: number[] = []
  let requests = 0
  for (let round = 1; round <= ROUNDS; round++) {
    // Keys the reset must take away all together.
    const extras: Array<{ id: string, secret: string }> = []
    for (let i = 0; i < EXTRA; i++) {
      const created = await call('POST', '/project/proj_one/key', owner, { label: `Extra ${round}.${i}`, roles: 'admin' })
      extras.push({ id: created.json.key.id, secret: created.json.key.value })
    }
    const whole = [...SEED_IDS, ...extras.map(extra => extra.id)].sort()
    const lists = { whole: 0, seed: 0 }
    const problems: string[] = []
    const answers: Answer[] = []
    const load = { running: true }

    const check = (what: string, answer: Answer, allowed: number[]): void => {
      answers.push(answer)
      if (!allowed.includes(answer.status)) problems.push(`${what}: ${answer.status} ${JSON.stringify(answer.json)}`)
    }
    const list = (what: string, answer: Answer): void => {
      check(what, answer, what === 'LIST by an extra key' ? [200, 401] : [200])
      if (answer.status !== 200) return
      const ids = (answer.json.data as Array<{ id: string }>).map(k => k.id).sort()
      if (JSON.stringify(ids) === JSON.stringify(whole)) lists.whole++
      else if (JSON.stringify(ids) === JSON.stringify(SEED_IDS)) lists.seed++
      else problems.push(`${what}: a partial table ${ids.join(',')}`)
    }

    async function worker (w: number): Promise<void> {
      for (let n = 0; load.running; n++) {
        const extra = extras[(w + n) % EXTRA]!
        switch ((w + n) % 5) {
          case 0: list('LIST by the owner', await call('GET', '/project/proj_one/key', owner)); break
          case 1: list('LIST by an extra key', await call('GET', '/project/proj_one/key', bearer(extra.secret))); break
          case 2: check('PATCH of a seed key', await call('PATCH', '/project/proj_one/key/key_read', key, { label: `w${w}.${n}`, roles: 'read' }), [200]); break
          case 3: check('PATCH of an extra key', await call('PATCH', `/project/proj_one/key/${extra.id}`, owner, { label: `w${w}.${n}` }), [200, 404]); break
          default: list('LIST by the admin key', await call('GET', '/project/proj_one/key', key))
        }
      }
    }

    const until = async (count: number): Promise<void> => { while (answers.length < count) await new Promise(resolve => setTimeout(resolve, 2)) }
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w))
    await until(WINDOW)
    const reset = await call('POST', '/__admin/reset', bearer(ADMIN_TOKEN))
    resetTimes.push(reset.answered - reset.sent)
    t.equal(reset.status, 200, `round ${round}: reset`)
    t.strictSame(reset.json, { created: 14 })
    await until(answers.length + WINDOW)
    load.running = false
    await Promise.all(workers)
    requests += answers.length

    t.strictSame(problems, [], `round ${round}: no 500, no other status, no partial table in ${answers.length} answers`)
    t.ok(lists.whole > 0 && lists.seed > 0, `round ${round}: lists saw the state before (${lists.whole}) and the seed after (${lists.seed})`)
    const overlapping = answers.filter(a => a.sent < reset.answered && a.answered > reset.sent).length
    t.ok(overlapping > 0, `round ${round}: ${overlapping} requests were in flight while the reset was`)
    const after = await call('GET', '/project/proj_one/key', owner)
    t.strictSame(after.json.data.map((k: { id: string }) => k.id).sort(), SEED_IDS, `round ${round}: the extra keys are gone`)
    for (const extra of extras) t.equal((await call('GET', '/project/proj_one/key', bearer(extra.secret))).status, 401, 'and their secrets are dead')
  }

  // The load has moved labels and last_used again; one more reset with nothing in flight is the seed, exactly.
  t.equal((await call('POST', '/__admin/reset', bearer(ADMIN_TOKEN))).status, 200)
  t.strictSame(table(), seed, 'after the last reset the table is the seed')

  const inProcess: number[] = []
  for (let i = 0; i < 50; i++) {
    const started = performance.now()
    resetToSeedNow(app.world)
    inProcess.push(performance.now() - started)
  }
  t.comment(`${requests} requests from ${WORKERS} clients over ${ROUNDS} rounds`)
  t.comment(`reset over HTTP under load: ${resetTimes.map(ms => ms.toFixed(1)).join(', ')} ms`)
  t.comment(`resetToSeedNow in process, 50 times: median ${median(inProcess).toFixed(2)} ms, max ${Math.max(...inProcess).toFixed(2)} ms`)
})
