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

t.test('every workflow, and the README\'s GitHub Actions recipe, pass action-validator', async t => {
  t.ok(workflows.includes('release.yml'), 'the release workflow is there')
  const recipe = join(t.testdir(), 'contract-tests.yml')
  writeFileSync(recipe, readRecipe(packageRoot, 'docker-github-services'))
  for (const file of [...workflows.map(name => join(packageRoot, '.github', 'workflows', name)), recipe]) {
    const result = await validate(file)
    t.equal(result.code, 0, `${file} is a valid workflow`, { out: result.out })
  }
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
  const images = [...readRecipes(packageRoot).values()].flatMap(recipe => [...recipe.text.matchAll(/ghcr\.io\/([^/\s]+)\/basic-admin-mock/g)].map(match => match[1]))
  t.ok(images.length >= 2, 'the docker-run and services recipes name the published image')
  t.same(new Set(images), new Set([owner]), 'every recipe names the image of package.json\'s repository owner')
})
