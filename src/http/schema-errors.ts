// A request part that fails its schema, worded as the one sentence the contract's 400 carries.
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'
import { explainRule } from '../domain/rules.js'

export function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

type SchemaError = FastifySchemaValidationError & { data?: unknown, parentSchema?: { properties?: object } }

/** A label or roles value the contract's pattern or length refused, in the rule's own sentence rather than the regex. */
function explained (error: SchemaError, dataVar: string): string | undefined {
  return dataVar === 'body' && typeof error.data === 'string' ? explainRule(error.instancePath.slice(1), error.data) : undefined
}

/**
 * One sentence naming the first problem of a request part, e.g. `Unknown property "foo" in request body`.
 * Ajv reports all errors in schema order; a label or roles value yields to a wrong type or an unknown property
 * elsewhere in the body, as it did when only code checked those values.
 */
export function formatSchemaErrors (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = (errors.find(e => explained(e, dataVar) === undefined) ?? errors[0]) as SchemaError
  const part = dataVar === 'body' ? 'request body' : dataVar
  const field = error.instancePath.slice(1).replace(/\//g, '.')
  const params = error.params as Record<string, unknown>
  const explanation = explained(error, dataVar)
  let message: string
  if (explanation !== undefined) {
    message = explanation
  } else if (error.keyword === 'additionalProperties') {
    message = `Unknown property ${JSON.stringify(params.additionalProperty)} in ${part}`
  } else if (error.keyword === 'minProperties' && field === '') {
    const names = Object.keys(error.parentSchema?.properties ?? {}).join(', ')
    message = `The ${part} must contain at least one of: ${names}`
  } else if (error.keyword === 'required') {
    message = `Missing required property ${JSON.stringify(params.missingProperty)} in ${part}`
  } else if (error.keyword === 'type' && field === '' && dataVar === 'body') {
    // The JSON parser already refuses non-object bodies, so this is a request without one.
    message = 'A request body is required: send a JSON object with Content-Type: application/json'
  } else if (error.keyword === 'type') {
    message = `${field === '' ? `The ${part}` : JSON.stringify(field)} must be a ${String(params.type)}, not ${describe(error.data)}`
  } else {
    message = `${field === '' ? `The ${part}` : JSON.stringify(field)} ${error.message ?? 'is invalid'}`
  }
  return new Error(message)
}
