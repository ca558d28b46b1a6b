import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { contractPath, generateSchemas, outputDir, root } from '../../scripts/generate-schemas.js'
import { build } from '../helper.js'

t.test('the committed schemas are exactly what `npm run generate` makes from the contract', async t => {
  const fresh = generateSchemas(readFileSync(contractPath, 'utf8'))
  t.strictSame(readdirSync(outputDir).sort(), [...fresh.keys()].sort(), 'no missing or stale files')
  for (const [name, content] of fresh) {
    t.equal(readFileSync(join(outputDir, name), 'utf8'), content, `${name} is up to date (run npm run generate)`)
  }
})

t.test('the generator refuses contract keywords it would drop', async t => {
  const contract = (schema: object): string => JSON.stringify({
    paths: { '/x': { get: { summary: 'X', responses: { 200: { content: { 'application/json': { schema } } } } } } }
  })
  t.throws(() => generateSchemas(contract({ type: 'object', oneOf: [] })), /unsupported keyword "oneOf"/)
  t.throws(() => generateSchemas(contract({ type: 'file' })), /unsupported type file/)
  const nullable = generateSchemas(contract({ type: 'object', required: ['a'], properties: { a: { type: 'string', nullable: true }, b: { type: 'array', items: { type: 'integer' } } } }))
  t.match(nullable.get('x.ts'), 'a: Type.Union([Type.String(), Type.Null()]),\n  b: Type.Optional(Type.Array(Type.Integer()))')
})

// The seed of the shared contract sits beside the clone (as in CI); the copy here must stay verbatim.
const seed = join(root, '..', 'shared', 'contract', 'update-api-key.seed.yaml')
t.test('openapi/basic-admin.yaml holds the seed\'s PATCH operation verbatim', { skip: !existsSync(seed) && 'no shared/ beside this clone' }, async t => {
  const ours = parse(readFileSync(contractPath, 'utf8'))
  const theirs = parse(readFileSync(seed, 'utf8'))
  t.strictSame(ours.paths['/project/{id}/key/{key_id}'].patch, theirs.paths['/project/{id}/key/{key_id}'].patch)
  t.strictSame(ours.components, theirs.components)
})

t.test('/openapi.json serves the contract as it is', async t => {
  const { app } = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.strictSame(res.json(), parse(readFileSync(contractPath, 'utf8')))
})
