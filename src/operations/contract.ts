// The contract's operations, from the schemas generated from it (src/schemas/generated/): what coverage counts, what
// a fault rule or a requests filter may name, and the statuses Prefer may ask for. Every front door reads it here.
import * as contract from '../schemas/generated/index.js'
import type { BodySchema, ContractOperation } from './coverage.js'

const generated = contract as unknown as Record<string, unknown>

/** `XRoute`, `XResponseSchemas` and `XBodySchema` for each operation, X being the operationId with a capital. */
export const CONTRACT_OPERATIONS: readonly ContractOperation[] = Object.keys(generated)
  .filter(name => name.endsWith('Route'))
  .map(name => {
    const base = name.slice(0, -'Route'.length)
    const route = generated[name] as { method: string, url: string }
    return {
      id: base[0]!.toLowerCase() + base.slice(1),
      method: route.method,
      path: route.url.replace(/:(\w+)/g, '{$1}'),
      statuses: Object.keys(generated[`${base}ResponseSchemas`] as object).map(Number),
      body: generated[`${base}BodySchema`] as BodySchema | undefined
    }
  })

export const OPERATION_IDS: readonly string[] = CONTRACT_OPERATIONS.map(operation => operation.id)
