// The GitHub Actions workflows cannot run here: action-validator (the workflow JSON schema, offline) checks them as
// a user would run it, and the release is held to what the README, the Dockerfile and package.json say.
import t from 'tap'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { readRecipe, readRecipes } from '../scripts/recipes.mjs'
import { packageRoot } from '../src/paths.js'

const read = (path: string): string => readFileSync(join(packageRoot, path), 'utf8')
// One of lab's tools (scripts/lab.mjs).
const validator = join(packageRoot, 'lab', 'node_modules', '.bin', 'action-validator')
const workflows = readdirSync(join(packageRoot, '.github', 'workflows')).filter(name => /\.ya?ml$/.test(name))
const pkg = JSON.parse(read('package.json')) as { version: string, license: string, engines: { node: string }, repository: { url: string } }
const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
const owner = /^https:\/\/github\.com\/([^/]+)\/basic-admin-mock$/.exec(repository)?.[1]

function validate (file: string): Promise<{ code: number, out: string }> {
  return new Promise(resolve => {
    execFile(validator, [file], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: stdout + stderr })
    })
  })
}

/** The documentation's GitHub Actions recipes: the YAML ones that are a workflow. */
const workflowRecipes = [...readRecipes(packageRoot).values()].filter(recipe => recipe.lang === 'yaml' && /^jobs:/m.test(recipe.text))

t.test('every workflow, and each GitHub Actions recipe of the documentation, pass action-validator', async t => {
  t.ok(workflows.includes('release.yml'), 'the release workflow is there')
  t.strictSame(workflowRecipes.map(recipe => recipe.name).sort(), ['docker-github-actions', 'drift-workflow', 'github-actions'], 'the recipes: the installed package, the image, the drift check')
  const dir = t.testdir()
  const recipes = workflowRecipes.map(recipe => {
    const file = join(dir, `${recipe.name}.yml`)
    writeFileSync(file, recipe.text)
    return file
  })
  for (const file of [...workflows.map(name => join(packageRoot, '.github', 'workflows', name)), ...recipes]) {
    const result = await validate(file)
    t.equal(result.code, 0, `${file} is a valid workflow`, { out: result.out })
  }
})

interface Step { uses?: string, with?: Record<string, unknown> }

t.test('the workflows and the recipes agree: one version of each action, and the Dockerfile\'s Node wherever Node is set up', async t => {
  const dockerMajor = Number(/^FROM node:(\d+)-bookworm-slim$/m.exec(read('Dockerfile'))?.[1])
  const documents = [
    ...workflows.map(name => ({ where: `.github/workflows/${name}`, text: read(join('.github', 'workflows', name)) })),
    ...workflowRecipes.map(recipe => ({ where: `${recipe.file} (recipe ${recipe.name})`, text: recipe.text }))
  ]
  const versions = new Map<string, string[]>()
  const nodes: string[] = []
  for (const { where, text } of documents) {
    const jobs = Object.values((parse(text) as { jobs: Record<string, { steps: Step[] }> }).jobs)
    for (const step of jobs.flatMap(job => job.steps)) {
      if (step.uses === undefined) continue
      const [action, version] = step.uses.split('@') as [string, string]
      versions.set(action, [...(versions.get(action) ?? []), `${version} in ${where}`])
      if (action === 'actions/setup-node') nodes.push(`${String(step.with?.['node-version'])} in ${where}`)
    }
  }
  t.ok((versions.get('actions/checkout') ?? []).length >= 4, 'checkout is used by the release and by both recipes')
  for (const [action, seen] of versions) {
    t.equal(new Set(seen.map(s => s.split(' ')[0])).size, 1, `${action}: one version everywhere`, { seen })
  }
  t.ok(nodes.length >= 3, 'setup-node is used by the release and the recipes')
  t.strictSame(nodes.filter(node => node.split(' ')[0] !== String(dockerMajor)), [], `every setup-node sets up Node ${dockerMajor}, the Dockerfile's`)
})

t.test('action-validator rejects a workflow with a misspelt key, naming it', async t => {
  const broken = join(t.testdir(), 'broken.yml')
  writeFileSync(broken, read('.github/workflows/release.yml').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'))
  const result = await validate(broken)
  t.equal(result.code, 1)
  t.match(result.out, /Additional property 'runs_on' is not allowed/)
})

t.test('a version tag releases, after the suite on each supported Node line and the Docker check, the image the README names', async t => {
  const release = parse(read('.github/workflows/release.yml'))
  const dockerMajor = /^FROM node:(\d+)-bookworm-slim$/m.exec(read('Dockerfile'))?.[1]
  t.same(release.on, { push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } }, 'only version tags')
  t.same(release.jobs.test.strategy.matrix.node, [20, Number(dockerMajor)], "npm test on Node 20 and the image's Node")
  for (const major of release.jobs.test.strategy.matrix.node) t.ok(pkg.engines.node.split(' || ').includes(`${major}.x`), `engines lists ${major}.x`)
  t.match(release.jobs['docker-check'].steps.at(-1), { run: 'npm run docker:check' })
  for (const job of ['image', 'npm']) t.same(release.jobs[job].needs, ['test', 'docker-check'], `${job} waits for the tests and the Docker check`)

  const meta = release.jobs.image.steps.find((step: { id?: string }) => step.id === 'meta')
  // eslint-disable-next-line no-template-curly-in-string -- a GitHub expression, not a template
  t.equal(meta.with.images, 'ghcr.io/${{ github.repository_owner }}/basic-admin-mock')
  t.match(release.jobs.image.permissions, { packages: 'write' })
  t.match(release.jobs.npm.steps.at(-1), { run: 'npm publish --provenance --access public' })
  t.match(release.jobs.npm.permissions, { 'id-token': 'write' }, 'provenance signs with the job\'s OIDC token')

  t.ok(owner, `package.json's repository is https://github.com/<owner>/basic-admin-mock (${repository})`)
  t.match(read('Dockerfile'), `org.opencontainers.image.source="${repository}"`, 'the image label names the same repository')
})

t.test('until a release publishes the image, every Docker recipe builds it from the clone under one name, and the documents say what changes once published', async t => {
  const recipes = [...readRecipes(packageRoot).values()]
  t.strictSame(recipes.filter(recipe => /ghcr\.io/.test(recipe.text)).map(recipe => recipe.name), [], 'no recipe pulls an image that is not published')
  const build = readRecipe(packageRoot, 'docker-build')
  t.equal(build, 'docker build -t basic-admin-mock .\n', "the README's docker build, in the clone")
  t.match(readRecipe(packageRoot, 'docker-run'), / basic-admin-mock\n$/, 'docker run runs that image')
  t.match(parse(readRecipe(packageRoot, 'docker-compose')).services['basic-admin-mock'], { build: '.', image: 'basic-admin-mock' }, 'compose builds it under that name')
  t.equal(parse(readRecipe(packageRoot, 'docker-parallel-suites')).services['basic-admin-mock'].image, 'basic-admin-mock', 'the parallel suites run it')
  const ci = Object.values((parse(readRecipe(packageRoot, 'docker-github-actions')) as { jobs: Record<string, { steps: Array<Step & { run?: string }> }> }).jobs)[0]!
  const checkout = ci.steps.find(step => step.with?.repository !== undefined)
  t.match(checkout, { uses: /^actions\/checkout@/, with: { repository: `${owner}/basic-admin-mock`, path: 'basic-admin-mock' } }, "the CI job checks out package.json's repository")
  t.ok(ci.steps.some(step => step.run === 'docker build -t basic-admin-mock basic-admin-mock'), 'and builds that image from it')
  // Once published: the name the release pushes, with package.json's owner, wherever the documents name it.
  const published = ['README.md', ...readdirSync(join(packageRoot, 'docs')).map(name => join('docs', name))]
    .flatMap(file => [...read(file).matchAll(/ghcr\.io\/([^/\s`]+)\/basic-admin-mock/g)].map(match => `${match[1]} in ${file}`))
  t.ok(published.some(name => name.endsWith('README.md')), 'the README says what the published image will be')
  t.strictSame(published.filter(name => !name.startsWith(`${owner} `) && !name.startsWith('<owner> ')), [], `each names package.json's owner, ${owner}`)
})
