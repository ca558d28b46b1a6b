// An exchange checked against the served contract (the strict schemas the server validates with, src/schemas/generated/)
// and the seed's rules for stored key fields (src/domain/rules.ts): each violation with its JSON pointer.
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'
import { explainRule, KEY_FIELDS } from '../domain/rules.js'
import { CONTRACT_OPERATIONS } from '../operations/contract.js'
import * as contract from '../schemas/generated/index.js'

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i
// TypeBox knows no format until told: the contract's only one is date-time (RFC 3339).
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', value => TIME.test(value) && !Number.isNaN(Date.parse(value)))

export interface Violation { where: string, message: string }

const generated = contract as unknown as Record<string, unknown>
const responses = new Map(CONTRACT_OPERATIONS.map(operation => {
  const base = operation.id[0]!.toUpperCase() + operation.id.slice(1)
  return [operation.id, generated[`${base}ResponseSchemas`] as Record<string, TSchema>]
}))
const bodies = new Map(CONTRACT_OPERATIONS.map(operation => [operation.id, operation.body as TSchema | undefined]))

/** The JSON of a text, or undefined. */
export function parsed (text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) }
  } catch {
    return undefined
  }
}

function schemaViolations (schema: TSchema, value: unknown): Violation[] {
  return [...Value.Errors(schema, value)].slice(0, 20).map(error => ({ where: error.path, message: error.message }))
}

/**
 * What the request body breaks of its operation's schema, the first problem at each pointer, a label or roles value
 * in its rule's own sentence (as the mock's 400 words it); a body that is not JSON the mock's own checks word.
 */
export function requestViolations (operation: string, body: unknown): Violation[] {
  const schema = bodies.get(operation)
  if (schema === undefined) return []
  const seen = new Map<string, Violation>()
  for (const violation of schemaViolations(schema, body)) {
    if (seen.has(violation.where)) continue
    const field = violation.where.slice(1)
    const value = (body as Record<string, unknown> | null)?.[field]
    const rule = /^\/\w+$/.test(violation.where) && typeof value === 'string' ? explainRule(field, value) : undefined
    seen.set(violation.where, rule === undefined ? violation : { where: violation.where, message: rule })
  }
  return [...seen.values()]
}

/** A key object's fields as the seed's rules store them: a field its rule refuses or would store otherwise. */
function ruleViolations (value: unknown, pointer: string, out: Violation[]): void {
  if (typeof value !== 'object' || value === null) return
  for (const [field, rule] of Object.entries(KEY_FIELDS)) {
    const given = (value as Record<string, unknown>)[field]
    if (typeof given !== 'string') continue
    try {
      const stored = rule(given)
      if (stored !== given) out.push({ where: `${pointer}/${field}`, message: `is ${JSON.stringify(given.slice(0, 80))}, which the seed's rules store as ${JSON.stringify(stored.slice(0, 80))}` })
    } catch (error) {
      out.push({ where: `${pointer}/${field}`, message: `breaks the seed's rules: ${(error as Error).message}` })
    }
  }
}

/** What an answer breaks: a status the operation does not have, a type that is not JSON, its schema, the seed's rules. */
export function responseViolations (operation: string, status: number, contentType: string | undefined, text: string): Violation[] {
  const schemas = responses.get(operation)
  if (schemas === undefined) return []
  const schema = schemas[String(status)]
  if (schema === undefined) return [{ where: '', message: `status ${status} is not an answer of ${operation} (the contract has ${Object.keys(schemas).join(', ')})` }]
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) return [{ where: 'content-type', message: `is ${JSON.stringify(contentType ?? '(none)')}, not application/json` }]
  const body = parsed(text)
  if (body === undefined) return [{ where: '', message: `the body is not JSON: ${JSON.stringify(text.slice(0, 80))}` }]
  const found = schemaViolations(schema, body.value)
  if (status < 300) {
    const value = body.value as { key?: unknown, data?: unknown }
    ruleViolations(value?.key, '/key', found)
    if (Array.isArray(value?.data)) value.data.slice(0, 100).forEach((item, i) => ruleViolations(item, `/data/${i}`, found))
  }
  return found
}
