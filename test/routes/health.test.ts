import t from 'tap'
import { build } from '../helper.js'

t.test('/health and /ready answer 200 {status:"ok"} without credentials', async t => {
  const { app } = await build(t)
  for (const url of ['/health', '/ready']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.equal(res.body, '{"status":"ok"}')
    t.equal(res.headers['content-type'], 'application/json')
  }
})
