// The Dockerfile and docker-compose.yml as scripts/docker-recipe.mjs reads them (its full replay runs in .ci/run).
import t from 'tap'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dockerignore, parseDockerfile, readCompose, RecipeError } from '../scripts/docker-recipe.mjs'
import { startMockServer } from '../src/index.js'
import { packageRoot } from '../src/paths.js'
import { parseFixture } from '../src/domain/fixture.js'

const read = (path: string): string => readFileSync(join(packageRoot, path), 'utf8')
const { stages, final } = parseDockerfile(read('Dockerfile'))
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>, files: string[] }

/** Runs an exec-form command with exactly this environment (plus PATH); never longer than 10 s. */
function exec (argv: string[], env: Record<string, string>): Promise<{ code: number, out: string }> {
  return new Promise(resolve => {
    execFile(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: stdout + stderr })
    })
  })
}

t.test('the Dockerfile builds in a node builder stage and runs in a slim one, as STYLE describes', async t => {
  t.same(stages.map(s => [s.name, s.image]), [['build', 'node:20-bookworm'], [undefined, 'node:20-bookworm-slim']])
  const [build] = stages
  const runs = (stage: typeof final): string[] => stage.steps.flatMap(step => step.kind === 'run' ? [step.command] : [])
  t.ok(runs(build!).some(command => /^npm ci\b.*&& npm prune --omit=dev\b/.test(command)), 'npm ci builds (prepare), then dev dependencies go')
  t.same(runs(final).filter(command => !command.startsWith('apt-get ')), [], 'the runtime compiles nothing')
  t.match(runs(final), [/apt-get install -y --no-install-recommends tini\b.*rm -rf \/var\/lib\/apt\/lists/])

  t.equal(final.user, 'node', 'non-root')
  t.match(final.env, { NODE_ENV: 'production', HOST: '0.0.0.0' })
  t.same(final.volumes, ['/data'])
  t.match(final.env.DATABASE_PATH, /^\/data\//, 'the database is in the volume')
  t.same(final.expose, [Number(final.env.PORT)])
  t.same(final.entrypoint, ['/usr/bin/tini', '--'], 'an init process forwards signals')
  t.same(final.cmd, pkg.scripts.start!.replace(/^exec /, '').split(' '), 'CMD is what npm start runs')
  t.match(final.healthcheck, { interval: 10_000, timeout: 3_000, 'start-period': 10_000, retries: 3 })
  t.equal(final.healthcheck!.command[0], 'node')
  t.match(final.healthcheck!.command.join(' '), /\/health'/)

  const copied = final.steps.flatMap(step => step.kind === 'copy' ? step.sources.map(source => step.intoDirectory ? `${step.dest}/${source.split('/').at(-1)}` : step.dest) : [])
  for (const needed of ['/app/package.json', '/app/node_modules', ...pkg.files.map(path => `/app/${path.split('/')[0]}`)]) {
    t.ok(copied.includes(needed), `the runtime has ${needed}`)
  }
  t.match(final.steps.find(step => step.kind === 'copy' && step.dest === '/data'), { from: 0, chown: 'node:node' }, '/data belongs to node, so a fresh volume is writable')
})

t.test('.dockerignore keeps dependencies, builds, data and databases out of the build context', async t => {
  const ignored = dockerignore(read('.dockerignore'))
  for (const path of ['node_modules', 'node_modules/fastify/package.json', 'dist/src/cli.js', 'data/basic-admin.db', '.git/HEAD', 'local.db', 'local.db-wal']) t.ok(ignored(path), path)
  for (const path of ['src/cli.ts', 'package.json', 'migrations/001_initial.sql', 'openapi/basic-admin.yaml', 'src/db/database.ts']) t.notOk(ignored(path), path)

  const rules = dockerignore('# a comment\n**/*.log\nbuild/\n!build/keep.txt\n/tmp?\n')
  t.same(['a.log', 'x/y/z.log', 'build/out.js', 'build/keep.txt', 'tmp1', 'tmp12', 'src/tmp1'].map(rules), [true, true, true, false, true, false, false])
})

t.test('the parser fails, naming the line, on whatever the replay does not understand', async t => {
  const cases: Array<[string, RegExp]> = [
    ['FROM node:20\nARG VERSION=1\n', /^Dockerfile line 2: ARG is not understood by scripts\/docker-recipe\.mjs/],
    ['FROM node:20\nADD https://example.com/x.tgz /x\n', /^Dockerfile line 2: ADD is not understood/],
    ['FROM node:20\nCOPY --chmod=755 a b\n', /^Dockerfile line 2: COPY --chmod is not understood/],
    ['FROM node:20\nCOPY src/*.ts ./\n', /^Dockerfile line 2: COPY with quotes or wildcards is not understood/],
    ['FROM node:20\nCOPY --from=nowhere /a /b\n', /^Dockerfile line 2: COPY --from=nowhere \(not an earlier stage\) is not understood/],
    ['FROM node:20\nRUN ["npm", "ci"]\n', /^Dockerfile line 2: RUN in exec form is not understood/],
    ['FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n', /^Dockerfile line 2: RUN --mount is not understood/],
    ['FROM node:20\nCMD node dist/src/cli.js serve\n', /^Dockerfile line 2: CMD must be in exec form/],
    ['FROM node:20\nENV PATH=/app/bin:$PATH\n', /^Dockerfile line 2: a variable in ENV is not understood/],
    ['FROM node:20\nHEALTHCHECK NONE\n', /^Dockerfile line 2: HEALTHCHECK NONE is not understood/],
    ['FROM node:20\nHEALTHCHECK --interval=often CMD ["true"]\n', /^Dockerfile line 2: HEALTHCHECK --interval=often is not valid/],
    ['FROM node:20\nEXPOSE 53/udp\n', /^Dockerfile line 2: EXPOSE 53\/udp is not understood/],
    ['FROM --platform=linux/arm64 node:20\n', /^Dockerfile line 1: FROM --platform is not understood/],
    ['# escape=`\nFROM node:20\n', /^Dockerfile line 1: the parser directive escape is not understood/],
    ['WORKDIR /app\nFROM node:20\n', /^Dockerfile line 1: WORKDIR before the first FROM/],
    ['FROM node:20\nRUN npm ci && \\\n', /^Dockerfile line 2: the last instruction ends with a line continuation/],
    ['# nothing\n', /^the Dockerfile has no FROM/]
  ]
  for (const [text, message] of cases) {
    const error = ((): unknown => { try { parseDockerfile(text) } catch (error) { return error } })()
    t.ok(error instanceof RecipeError, `a RecipeError for ${JSON.stringify(text)}`)
    t.match((error as Error).message, message)
  }
})

t.test('continuations, comments inside them, both ENV forms and stage references parse as Docker reads them', async t => {
  const { stages } = parseDockerfile([
    '# syntax=docker/dockerfile:1',
    'FROM node:20 AS Build',
    'WORKDIR /app',
    'ENV A=1 B="two words" C=\'single\'',
    'ENV LEGACY some value',
    'RUN npm ci \\',
    '  # a comment inside the continuation',
    '  && npm run build',
    'FROM node:20-slim',
    'WORKDIR srv',
    'COPY --from=build /app/dist dist',
    'COPY --from=0 /app/package.json /app/package-lock.json ./'
  ].join('\n'))
  t.same(stages[0]!.env, { A: '1', B: 'two words', C: 'single', LEGACY: 'some value' })
  t.match(stages[0]!.steps[1], { kind: 'run', line: 6, command: 'npm ci   && npm run build', env: { A: '1' }, workdir: '/app' })
  t.same(stages[1]!.workdir, '/srv')
  t.match(stages[1]!.steps.slice(1), [
    { kind: 'copy', from: 0, sources: ['/app/dist'], dest: '/srv/dist', intoDirectory: false },
    { kind: 'copy', from: 0, sources: ['/app/package.json', '/app/package-lock.json'], dest: '/srv', intoDirectory: true }
  ])
})

t.test('docker-compose.yml runs the image with the mounted example fixture, its healthcheck, and a client that waits for it', async t => {
  const compose = readCompose(read('docker-compose.yml'))
  const port = final.expose[0]!
  t.equal(compose.name, 'basic-admin-mock')
  t.same(compose.service.ports, [`${port}:${port}`])
  t.same(compose.service.healthcheck.test, ['CMD', ...final.healthcheck!.command], "the image's HEALTHCHECK, word for word")
  const fixtureMount = compose.mounts.find(mount => mount.source === './examples/fixture.json')
  t.match(fixtureMount, { type: 'bind', readOnly: true })
  t.equal(compose.environment.SEED_FILE, fixtureMount!.target, 'SEED_FILE is the mounted fixture')
  t.match(compose.mounts.find(mount => mount.type === 'volume'), { source: 'basic-admin-data', target: final.volumes[0] })
  t.ok(Buffer.byteLength(compose.environment.JWT_SECRET ?? '') >= 32, 'a JWT_SECRET the server accepts')
  const fixture = parseFixture(read('examples/fixture.json'))
  t.throws(() => readCompose(read('docker-compose.yml').replace('    image: basic-admin-mock\n', '    image: basic-admin-mock\n    user: root\n')),
    { message: /^docker-compose\.yml basic-admin-mock\.user is not understood/ }, 'a setting the replay would ignore fails it')

  const [client] = compose.clients
  t.equal(compose.clients.length, 1)
  t.match(client, { name: 'example-client', image: final.image, environment: { MOCK_URL: `http://basic-admin-mock:${port}` } })
  t.ok(fixture.projects!.some(p => p.keys!.some(k => k.value === client!.environment.MOCK_KEY && k.roles === 'admin')), "the client's key is an admin key of the fixture")

  // The client's command and the healthcheck against the fixture, in process: what the replay does with the image.
  const mock = await startMockServer({ fixture: join(packageRoot, 'examples', 'fixture.json') })
  t.teardown(() => mock.close())
  const healthy = await exec(final.healthcheck!.command, { PORT: new URL(mock.url).port })
  t.equal(healthy.code, 0, 'the healthcheck passes on a running server', { out: healthy.out })
  const ran = await exec(client!.command as string[], { ...client!.environment, MOCK_URL: mock.url })
  t.equal(ran.code, 0, 'the client exits 0', { out: ran.out })
  t.match(ran.out, /^200 \{"key":\{"id":"key_ci","label":"Renamed from docker compose",/)
  await mock.close()
  const down = await exec(final.healthcheck!.command, { PORT: new URL(mock.url).port })
  t.equal(down.code, 1, 'the healthcheck fails once the server is gone')
})
