// A request part that fails its schema, worded as the one sentence the contract's 400 carries.
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'

export function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** One sentence naming the first problem of a request part, e.g. `Unknown property "foo" in request body`. */
export function formatSchemaErrors (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = errors[0] as FastifySchemaValidationError & { data?: unknown, parentSchema?: { properties?: object } }
  const part = dataVar === 'body' ? 'request body' : dataVar
  const field = error.instancePath.slice(1).replace(/\//g, '.')
  const params = error.params as Record<string, unknown>
  let message: string
  if (error.keyword === 'additionalProperties') {
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
