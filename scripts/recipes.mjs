// The documentation's recipes: a fenced block right after a `<!-- recipe: NAME -->` line, in README.md or docs/*.md.
// Tests and scripts/docker-check.mjs run them as written, so the text a user pastes is the text that is checked.
// Blocks of one name in one document are one recipe, joined in order (a page's examples that build on one another);
// one name in two documents is an error, so no copy can drift from the recipe that runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const MARKER = /^<!-- recipe: ([\w.-]+) -->$/

/** The recipe blocks of one document (a path from `root`), in order: { name, lang, text, file, line }. */
export function recipeBlocks (root, file) {
  const lines = readFileSync(join(root, file), 'utf8').split(/\r?\n/)
  const blocks = []
  lines.forEach((line, i) => {
    const marker = MARKER.exec(line)
    if (marker === null) return
    const fence = /^(`{3,})(\S*)$/.exec(lines[i + 1] ?? '')
    if (fence === null) throw new Error(`${file}:${i + 1}: the recipe marker must be followed by a fenced block`)
    const end = lines.findIndex((candidate, j) => j > i + 1 && candidate === fence[1])
    if (end === -1) throw new Error(`${file}:${i + 2}: the recipe's block is not closed`)
    blocks.push({ name: marker[1], lang: fence[2], text: lines.slice(i + 2, end).join('\n') + '\n', file, line: i + 2 })
  })
  return blocks
}

/** Every recipe of README.md and docs/*.md under `root`, by name: { name, lang, text, file }. */
export function readRecipes (root) {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).sort().map(name => join('docs', name)) : []
  const recipes = new Map()
  for (const file of ['README.md', ...docs]) {
    for (const block of recipeBlocks(root, file)) {
      const known = recipes.get(block.name)
      if (known !== undefined && known.file !== file) throw new Error(`recipe ${block.name} is in both ${known.file} and ${file}: keep one, link to it from the other`)
      recipes.set(block.name, known === undefined ? { name: block.name, lang: block.lang, text: block.text, file } : { ...known, text: known.text + block.text })
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
