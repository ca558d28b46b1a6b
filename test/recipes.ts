// Recipes are the blocks of README.md and docs/*.md that a reader pastes: each follows a line
// `<!-- recipe: NAME -->`. Tests read them from the documents and run them as written (doctest style).
import { recipeBlocks } from '../scripts/recipes.mjs'
import { packageRoot } from '../src/paths.js'

export interface Recipe { name: string, lang: string, code: string, where: string }

/** Every recipe block of a document (a path from the package root), in document order (scripts/recipes.mjs reads them). */
export function recipesOf (document: string): Recipe[] {
  return recipeBlocks(packageRoot, document).map(block => ({ name: block.name, lang: block.lang, code: block.text, where: `${block.file}:${block.line}` }))
}

/** All blocks named `name`, joined in document order: a page's examples that build on one another run as one. */
export function recipe (recipes: Recipe[], name: string): Recipe {
  const blocks = recipes.filter(r => r.name === name)
  if (blocks.length === 0) throw new Error(`no recipe named ${name}`)
  return { name, lang: blocks[0]!.lang, code: blocks.map(b => b.code).join(''), where: blocks.map(b => b.where).join(', ') }
}

/**
 * The answers a recipe shows: `# {...}` lines in shell, `console.log(...)  // ...` comments in JavaScript.
 * `…` stands for anything that differs from run to run.
 */
export function shownOutput (recipe: Recipe): string[] {
  const pattern = recipe.lang === 'sh' ? /^# ([{[].*)$/ : /console\.log\(.*\)\s*\/\/ (.+)$/
  return recipe.code.split('\n').flatMap(line => {
    const match = pattern.exec(line)
    return match === null ? [] : [match[1]!]
  })
}

/**
 * Checks that the output is exactly the shown answers, in order, with only white space around them; returns
 * what differs first, or undefined when all match.
 */
export function compareOutput (output: string, shown: string[]): string | undefined {
  let at = 0
  for (const expected of shown) {
    const source = expected.split('…').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?')
    const pattern = new RegExp(`\\s*${source}`, 'y')
    pattern.lastIndex = at
    if (pattern.exec(output) === null) return `expected ${expected}\n but the output goes on with ${JSON.stringify(output.slice(at, at + 400))}`
    at = pattern.lastIndex
  }
  const rest = output.slice(at).trim()
  return rest === '' ? undefined : `output after the last answer shown: ${JSON.stringify(rest.slice(0, 400))}`
}
