// The contract's label and roles schemas against the server's rules (src/domain/rules.ts): the schema never
// refuses a value the rules accept, and refuses every value they refuse except what JSON Schema cannot say.
// A failure prints fast-check's seed; FC_SEED=<seed> npx tap <this file> replays it.
import t from 'tap'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { parse } from 'yaml'
import { servedContractPath } from '../../src/paths.js'
import { normaliseLabel, normaliseRoles, RuleError } from '../../src/domain/rules.js'
import { labelArb, rolesArb } from '../properties/model.js'

interface StringSchema { type: 'string', minLength?: number, pattern?: string }
type Body = { content: { 'application/json': { schema: { properties: Record<string, StringSchema> } } } }
const served = parse(readFileSync(servedContractPath, 'utf8')) as { paths: Record<string, Record<string, { requestBody?: Body }>> }
const bodies = { create: served.paths['/project/{id}/key']!.post!.requestBody!, patch: served.paths['/project/{id}/key/{key_id}']!.patch!.requestBody! }
const fcOptions = { numRuns: 3000, ...(process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) }) }

/** JSON Schema's reading, as Ajv (the server) and Prism run it: lengths in code points, the pattern with the u flag. */
function schemaAccepts (schema: StringSchema, value: string): boolean {
  return [...value].length >= (schema.minLength ?? 0) && (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value))
}

function ruleAccepts (rule: (value: string) => string, value: string): boolean {
  try {
    rule(value)
    return true
  } catch (error) {
    if (error instanceof RuleError) return false
    throw error
  }
}

const LONE_SURROGATE = /\p{Cs}/gu
const distinctRoles = (roles: string): number => new Set(roles.split(',').map(role => role.trim())).size

for (const [operation, body] of Object.entries(bodies)) {
  const { label, roles } = body.content['application/json'].schema.properties
  t.test(`${operation}: the label schema refuses exactly what the rules refuse, but lone surrogates`, async t => {
    t.ok(label?.pattern, 'the contract gives label a pattern')
    const anyText = fc.string({ unit: fc.constantFrom('x', ' ', '\t', '\u3000', '\u0001', '\u0085', '\u2028', 'é', '\u{1F511}', '\ud800'), maxLength: 300 })
    fc.assert(fc.property(fc.oneof(labelArb, anyText), value => {
      // A lone surrogate is any other character to the pattern; only the rules refuse it.
      const expected = ruleAccepts(normaliseLabel, value.replace(LONE_SURROGATE, 'x'))
      if (schemaAccepts(label!, value) !== expected) throw new Error(`schema ${schemaAccepts(label!, value) ? 'accepts' : 'refuses'} ${JSON.stringify(value)} (${[...value].length} code points)`)
    }), fcOptions)
    t.ok(schemaAccepts(label!, ` ${'\u{1F511}'.repeat(255)} `), '255 code points between spaces pass, though 510 UTF-16 units')
    t.notOk(schemaAccepts(label!, 'x'.repeat(256)))
  })

  t.test(`${operation}: the roles schema refuses exactly what the rules refuse, but more than 32 distinct roles`, async t => {
    t.ok(roles?.pattern, 'the contract gives roles a pattern')
    const anyRoles = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ':', '_', '.', '*', '-', ',', ' ', '\t', '/', '!', 'é'), maxLength: 40 })
    fc.assert(fc.property(fc.oneof(rolesArb, anyRoles), value => {
      const expected = ruleAccepts(normaliseRoles, value) || (schemaAccepts(roles!, value) && distinctRoles(value) > 32)
      if (schemaAccepts(roles!, value) !== expected) throw new Error(`schema ${schemaAccepts(roles!, value) ? 'accepts' : 'refuses'} ${JSON.stringify(value)}`)
    }), fcOptions)
  })
}
