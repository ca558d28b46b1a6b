// The shipped command in few files (npm run build, after tsc): dist/src/cli.js and the checkpoint worker become esbuild
// bundles beside tsc's output, which the library entry (dist/src/index.js) keeps using. Loading some 800 modules one by
// one was most of a start (issue 29: start to /ready about 1.25 s unbundled, 0.85 s bundled, pinned). The commands
// the CLI loads lazily stay lazy (split chunks). Kept outside: the native addon, and the packages that read their own
// files from disk (Swagger UI's assets, @fastify/swagger's package.json, pino's transport workers).
import { build } from 'esbuild'
import { chmodSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src')
await build({
  // The worker by the name the bundled checkpointer asks for: ./checkpoint-worker.js beside its chunk.
  entryPoints: { cli: join(out, 'cli.js'), 'checkpoint-worker': join(out, 'db', 'checkpoint-worker.js') },
  outdir: out,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'cli-[name]-[hash]',
  external: ['better-sqlite3', '@fastify/swagger', '@fastify/swagger-ui', 'pino', 'thread-stream'],
  // The CommonJS packages inside call require() for Node's modules and the external ones.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Chained through tsc's maps to src/*.ts: stacks under --enable-source-maps and npm run coverage still name the sources.
  sourcemap: true,
  logLevel: 'warning'
})
chmodSync(join(out, 'cli.js'), 0o755)
