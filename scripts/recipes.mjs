// The documentation's recipes: a fenced block right after a `<!-- recipe: NAME -->` line, in README.md or docs/*.md.
// Tests and scripts/docker-check.mjs run them as written, so the text a user pastes is the text that is checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const RECIPE = /^<!-- recipe: ([\w.-]+) -->\r?\n(`{3,})[^\n]*\n([\s\S]*?)\n\2[ \t]*$/gm

/** Every recipe of the documents under `root`, by name: { name, text, file }. A name used twice throws. */
export function readRecipes (root) {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).map(name => join('docs', name)) : []
  const recipes = new Map()
  for (const file of ['README.md', ...docs.sort()]) {
    for (const [, name, , text] of readFileSync(join(root, file), 'utf8').matchAll(RECIPE)) {
      if (recipes.has(name)) throw new Error(`recipe ${name} is in both ${recipes.get(name).file} and ${file}`)
      recipes.set(name, { name, text, file })
    }
  }
  return recipes
}

/** The text of one recipe; throws naming the recipe when no document has it. */
export function readRecipe (root, name) {
  const recipe = readRecipes(root).get(name)
  if (recipe === undefined) throw new Error(`no <!-- recipe: ${name} --> block in README.md or docs/*.md`)
  return recipe.text
}
