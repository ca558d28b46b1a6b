// The shipped command in few files (npm run build, after tsc): dist/src/cli.js and the checkpoint worker become esbuild
// bundles beside tsc's output, which the library entry (dist/src/index.js) keeps using. Loading some 800 modules one by
// one was most of a start (issue 29: start to /ready about 1.25 s unbundled, 0.85 s bundled, pinned). The commands
// the CLI loads lazily stay lazy (split chunks). Kept outside: the native addon, and selfsigned, which HTTPS loads
// with import() and uses by a named export (a bundled CommonJS package behind import() offers only its default).
import { build } from 'esbuild'
import { chmodSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src')

// Packages that find files of their own through __dirname: Swagger UI its assets, @fastify/swagger its package.json,
// pino and thread-stream their transport workers. Bundled, each of their files still gets its installed package's
// folder, resolved where the bundle runs.
const OWN_FILES = /^(.*[\\/]node_modules[\\/](@fastify[\\/]swagger|@fastify[\\/]swagger-ui|pino|thread-stream))[\\/].*\.js$/
const packageDirname = {
  name: 'package-dirname',
  setup (build) {
    build.onLoad({ filter: OWN_FILES }, ({ path }) => {
      const [, root, name] = OWN_FILES.exec(path)
      const folder = `require('node:path').join(require('node:path').dirname(require.resolve('${name.replace('\\', '/')}/package.json')), ${JSON.stringify(relative(root, dirname(path)))})`
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
  external: ['better-sqlite3', 'selfsigned'],
  plugins: [packageDirname],
  // The CommonJS packages inside call require() for Node's modules and the external ones.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Chained through tsc's maps to src/*.ts: stacks under --enable-source-maps and npm run coverage still name the sources.
  sourcemap: true,
  logLevel: 'warning'
})
chmodSync(join(out, 'cli.js'), 0o755)
