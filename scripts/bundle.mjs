// The shipped command in few files (npm run build, after tsc): dist/src/cli.js and the checkpoint worker become esbuild
// bundles beside tsc's output, which the library entry (dist/src/index.js) keeps using. Loading some 800 modules one by
// one was most of a start (issue 29: start to /ready about 1.25 s unbundled, 0.85 s bundled, pinned). The commands
// the CLI loads lazily stay lazy (split chunks). Kept outside: the native addon, and the packages that read their own
// files from disk where a bundle would not find them (pino's transport workers).
import { build } from 'esbuild'
import { chmodSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src')

// Swagger UI serves its assets from its own folder, and @fastify/swagger reads its package.json (__dirname): bundled,
// each of their files still finds its installed package's folder, resolved where the bundle runs.
const SWAGGER = /^(.*[\\/]node_modules[\\/]@fastify[\\/](swagger|swagger-ui))[\\/].*\.js$/
const swaggerDirname = {
  name: 'swagger-dirname',
  setup (build) {
    build.onLoad({ filter: SWAGGER }, ({ path }) => {
      const [, root, name] = SWAGGER.exec(path)
      const folder = `require('node:path').join(require('node:path').dirname(require.resolve('@fastify/${name}/package.json')), ${JSON.stringify(relative(root, dirname(path)))})`
      return { contents: `var __dirname = ${folder};\n${readFileSync(path, 'utf8')}`, loader: 'js', resolveDir: dirname(path) }
    })
  }
}

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
  external: ['better-sqlite3', 'pino', 'thread-stream'],
  plugins: [swaggerDirname],
  // The CommonJS packages inside call require() for Node's modules and the external ones.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Chained through tsc's maps to src/*.ts: stacks under --enable-source-maps and npm run coverage still name the sources.
  sourcemap: true,
  logLevel: 'warning'
})
chmodSync(join(out, 'cli.js'), 0o755)
