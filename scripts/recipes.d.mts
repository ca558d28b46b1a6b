// Types of recipes.mjs, for the tests that read the documentation's recipes.
export interface RecipeBlock { name: string, lang: string, text: string, file: string, line: number }
export interface Recipe { name: string, lang: string, text: string, file: string }
export function recipeBlocks (root: string, file: string): RecipeBlock[]
export function readRecipes (root: string): Map<string, Recipe>
export function readRecipe (root: string, name: string): string
