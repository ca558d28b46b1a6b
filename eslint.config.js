import { createRequire } from 'node:module'

// neostandard is one of lab's tools (scripts/lab.mjs), not this package's own dependency.
const { default: neostandard } = await import(createRequire(new URL('lab/package.json', import.meta.url)).resolve('neostandard'))

// What a front door may not touch on a world (docs/architecture.md): its parts are the operations' to use. The
// layer check (npm run layers) sees imports only; this sees `request.world.journal` and the like.
const WORLD_PARTS = '/^(db|journal|faults|coverage|keys|members|memory|transact|transactNow|emptyTables)$/'
const FRONT_DOORS = ['src/app.ts', 'src/server.ts', 'src/cli.ts', 'src/cli/**', 'src/settings/**', 'src/tls-listener.ts', 'src/mock-server.ts', 'src/index.ts', 'src/drift/**', 'src/proxy/**', 'src/testcontainers/**', 'src/http/**', 'src/plugins/**', 'src/routes/**']

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.tap/**', 'lab/**']
  }),
  {
    files: FRONT_DOORS,
    rules: {
      'no-restricted-syntax': ['error',
        { selector: `MemberExpression[object.name=/[wW]orld$/][property.name=${WORLD_PARTS}]`, message: 'A front door acts on a world through an operation (src/operations/), never its stores, journal, faults or database' },
        { selector: `MemberExpression[object.property.name=/^(world|default)$/][property.name=${WORLD_PARTS}]`, message: 'A front door acts on a world through an operation (src/operations/), never its stores, journal, faults or database' }]
    }
  }
]
