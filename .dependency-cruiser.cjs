// The layers of docs/architecture.md, checked in npm test (npm run layers): each may import only from the layers
// below it, and nothing below the front doors knows Fastify.
//   front doors: src/app.ts, server.ts, cli.ts, mock-server.ts, index.ts, http/, plugins/, routes/, schemas/
//   operations:  src/operations/          (what the API does, as data in and data or a refusal out)
//   world:       src/world.ts, namespaces.ts (a database with its stores, memory, journal, clock, unit of work; one per namespace)
//   stores:      src/stores/              (rows in, rows out)
//   db:          src/db/                  (connections, migrations, transactions, checkpoints)
//   domain:      src/domain/              (pure rules and values, importable from every layer)
// Every front door: HTTP (app, server, tls-listener, http/, plugins/, routes/), settings/, the CLI (cli.ts, cli/, drift/, proxy/), in-process (mock-server, index), the image from a test (testcontainers/).
const FRONT_DOORS = '^src/(http|plugins|routes|drift|proxy|cli|settings|testcontainers)/|^src/(app|server|tls-listener|cli|mock-server|index)\\.ts$'

const below = {
  // The contract's generated schemas are values (TypeBox), no HTTP: the operations read the contract's operations from them.
  operations: ['^src/operations/', '^src/schemas/generated/', '^src/(world|namespaces)\\.ts$', '^src/stores/', '^src/db/', '^src/domain/', '^src/paths\\.ts$'],
  world: ['^src/(world|namespaces)\\.ts$', '^src/stores/', '^src/db/', '^src/domain/', '^src/paths\\.ts$'],
  stores: ['^src/stores/', '^src/db/', '^src/domain/'],
  db: ['^src/db/', '^src/domain/'],
  domain: ['^src/domain/']
}

const layerRule = (layer, from) => ({
  name: `${layer}-imports-only-below`,
  comment: `${layer} may import only from itself and the layers below it`,
  severity: 'error',
  from: { path: from },
  to: { path: '^src/', pathNot: below[layer] }
})

module.exports = {
  forbidden: [
    layerRule('operations', '^src/operations/'),
    layerRule('world', '^src/(world|namespaces)\\.ts$'),
    layerRule('stores', '^src/stores/'),
    layerRule('db', '^src/db/'),
    layerRule('domain', '^src/domain/'),
    {
      name: 'front-doors-skip-no-layer',
      comment: 'every front door (HTTP, the CLI, startMockServer) reaches data through operations and the world, never a store or the database',
      severity: 'error',
      from: { path: FRONT_DOORS },
      to: { path: '^src/(stores|db)/' }
    },
    {
      name: 'no-fastify-below-the-front-doors',
      comment: 'operations, the world, stores, db and domain know nothing of HTTP',
      severity: 'error',
      from: { path: '^src/(operations|stores|db|domain)/|^src/(world|namespaces)\\.ts$' },
      to: { path: '(^|/)node_modules/(fastify|fastify-plugin|@fastify/[^/]+)/' }
    },
    {
      name: 'testcontainers-runs-no-server',
      comment: "basic-admin-mock/testcontainers runs in the user's test process and talks to the image over HTTP: of the server, only types",
      severity: 'error',
      from: { path: '^src/testcontainers/' },
      to: { path: '^src/', pathNot: '^src/testcontainers/', dependencyTypesNot: ['type-only'] }
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] }
  }
}
