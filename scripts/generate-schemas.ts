// Applies openapi/basic-admin.overlay.yaml to openapi/basic-admin.yaml (openapi-format, an Overlay 1.0
// implementation), writes the result to openapi/basic-admin.served.yaml (what /openapi.json serves) and turns
// its operations into TypeBox schemas in src/schemas/generated/. `npm run generate` writes them; the test
// suite calls generateAll() and fails when a committed copy differs.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openapiOverlay } from 'openapi-format'
import { parse, stringify } from 'yaml'
import { contractPath, overlayPath, packageRoot, servedContractJsonPath, servedContractPath } from '../src/paths.js'

export const root = packageRoot
export { contractPath, overlayPath, servedContractJsonPath, servedContractPath }
export const outputDir = join(root, 'src', 'schemas', 'generated')

type JsonSchema = Record<string, unknown>
interface Parameter { in: string, name: string, required?: boolean, schema: JsonSchema, description?: string }
interface Operation {
  operationId?: string
  /** The seed's PATCH has no operationId; the overlay names it here. */
  'x-mock-operation-id'?: string
  summary?: string
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const
// Keywords passed through as TypeBox options; anything else stops the generator
// so that no part of the contract is dropped silently.
const OPTION_KEYWORDS = new Set(['description', 'format', 'minLength', 'maxLength', 'pattern',
  'minimum', 'maximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'additionalProperties'])
const STRUCTURE_KEYWORDS = new Set(['type', 'properties', 'required', 'items', 'nullable', 'enum'])

const HEADER = `// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// \`npm run generate\` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.
`
const SERVED_HEADER = `# Generated from basic-admin.yaml with basic-admin.overlay.yaml applied, by \`npm run generate\`
# (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate. The server serves this
# document at /openapi.json and validates requests with the schemas made from it.
`

function quote (value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

function literal (value: unknown): string {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`unsupported literal ${JSON.stringify(value)}`)
}

function key (name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name)
}

function options (schema: JsonSchema, where: string): string {
  const entries: string[] = []
  for (const [name, value] of Object.entries(schema)) {
    if (STRUCTURE_KEYWORDS.has(name)) continue
    if (!OPTION_KEYWORDS.has(name)) throw new Error(`${where}: unsupported keyword "${name}"`)
    entries.push(`${name}: ${literal(value)}`)
  }
  return entries.length === 0 ? '' : `{ ${entries.join(', ')} }`
}

function withOptions (call: string, args: string[], opts: string): string {
  return `Type.${call}(${[...args, ...(opts === '' ? [] : [opts])].join(', ')})`
}

function emit (schema: JsonSchema, indent: string, where: string): string {
  const opts = options(schema, where)
  let code: string
  if (Array.isArray(schema.enum)) {
    code = withOptions('Union', [`[${schema.enum.map(v => `Type.Literal(${literal(v)})`).join(', ')}]`], opts)
  } else {
    switch (schema.type) {
      case 'string': code = withOptions('String', [], opts); break
      case 'integer': code = withOptions('Integer', [], opts); break
      case 'number': code = withOptions('Number', [], opts); break
      case 'boolean': code = withOptions('Boolean', [], opts); break
      case 'array':
        code = withOptions('Array', [emit(schema.items as JsonSchema, indent, `${where}.items`)], opts)
        break
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
        const required = new Set((schema.required ?? []) as string[])
        const inner = indent + '  '
        const lines = Object.entries(properties).map(([name, property]) => {
          const value = emit(property, inner, `${where}.${name}`)
          return `${inner}${key(name)}: ${required.has(name) ? value : `Type.Optional(${value})`}`
        })
        code = withOptions('Object', [lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n${indent}}`], opts)
        break
      }
      default: throw new Error(`${where}: unsupported type ${String(schema.type)}`)
    }
  }
  return schema.nullable === true ? `Type.Union([${code}, Type.Null()])` : code
}

function pascal (text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ')
    .map(word => word === word.toUpperCase() ? word[0] + word.slice(1).toLowerCase() : word[0]!.toUpperCase() + word.slice(1))
    .join('')
}

function kebab (name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}

function operationFile (name: string, method: string, path: string, operation: Operation): string {
  const out: string[] = [HEADER, "import { Type } from '@sinclair/typebox'", '']
  out.push(`export const ${name}Route = { method: '${method.toUpperCase()}', url: ${quote(path.replace(/\{(\w+)\}/g, ':$1'))} } as const`, '')
  const parameters = operation.parameters ?? []
  if (parameters.length > 0) {
    const properties: Record<string, JsonSchema> = {}
    const required: string[] = []
    for (const p of parameters) {
      if (p.in !== 'path') throw new Error(`${name}: only path parameters are supported, found ${p.in} "${p.name}"`)
      properties[p.name] = { ...p.schema, ...(p.description === undefined ? {} : { description: p.description }) }
      if (p.required === true) required.push(p.name)
    }
    out.push(`export const ${name}ParamsSchema = ${emit({ type: 'object', properties, required }, '', `${name}.params`)}`, '')
  }
  const body = operation.requestBody?.content['application/json']?.schema
  if (body !== undefined) {
    // The server rejects unknown properties: the contract must say so rather than the generator adding it.
    if (body.additionalProperties !== false) throw new Error(`${name}: the request body schema must have additionalProperties: false`)
    out.push(`export const ${name}BodySchema = ${emit(body, '', `${name}.body`)}`, '')
  }
  const statuses = Object.keys(operation.responses)
  for (const status of statuses) {
    const schema = operation.responses[status]?.content?.['application/json']?.schema
    if (schema === undefined) throw new Error(`${name}: response ${status} has no application/json schema`)
    out.push(`export const ${name}Response${status}Schema = ${emit(schema, '', `${name}.${status}`)}`, '')
  }
  out.push(`export const ${name}ResponseSchemas = {`)
  out.push(statuses.map(status => `  ${status}: ${name}Response${status}Schema`).join(',\n'))
  out.push('}', '')
  return out.join('\n')
}

/** Every generated file, by name, from the contract's text. */
export function generateSchemas (contract: string): Map<string, string> {
  const document = parse(contract) as { paths: Record<string, Record<string, Operation>> }
  const files = new Map<string, string>()
  const names: string[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method]
      if (operation === undefined) continue
      const name = pascal(operation.operationId ?? operation['x-mock-operation-id'] ?? operation.summary ?? `${method} ${path}`)
      names.push(name)
      files.set(`${kebab(name)}.ts`, operationFile(name, method, path, operation))
    }
  }
  files.set('index.ts', HEADER + '\n' + names.map(n => `export * from './${kebab(n)}.js'`).join('\n') + '\n')
  return files
}

/** The contract with the overlay applied; fails on an action that matched nothing, so none goes stale silently. */
export async function applyOverlay (contract: string, overlay: string): Promise<Record<string, unknown>> {
  const overlaySet = parse(overlay) as { overlay?: string, actions: Array<{ target: string }> }
  if (overlaySet.overlay !== '1.0.0') throw new Error(`the overlay must be an Overlay 1.0.0 document, not ${String(overlaySet.overlay)}`)
  const { data, resultData } = await openapiOverlay(parse(contract), { overlaySet })
  const unused = (resultData.unusedActions ?? []) as Array<{ target: string }>
  if (unused.length > 0) throw new Error(`overlay actions that changed nothing: ${unused.map(action => action.target).join(', ')}`)
  return data as Record<string, unknown>
}

/** Every generated file (openapi/basic-admin.served.yaml, its JSON twin and src/schemas/generated/*), by absolute path. */
export async function generateAll (): Promise<Map<string, string>> {
  const served = await applyOverlay(readFileSync(contractPath, 'utf8'), readFileSync(overlayPath, 'utf8'))
  const files = new Map([[servedContractPath, SERVED_HEADER + stringify(served, { lineWidth: 0 })]])
  files.set(servedContractJsonPath, JSON.stringify(served, null, 2) + '\n')
  for (const [name, content] of generateSchemas(JSON.stringify(served))) files.set(join(outputDir, name), content)
  return files
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await generateAll()
  mkdirSync(outputDir, { recursive: true })
  for (const stale of readdirSync(outputDir)) if (!files.has(join(outputDir, stale))) rmSync(join(outputDir, stale))
  for (const [path, content] of files) writeFileSync(path, content)
  console.error(`wrote ${[...files.keys()].map(path => relative(root, path)).join(', ')}`)
}
