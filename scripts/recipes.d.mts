// Types of recipes.mjs, for the tests that read the documentation's recipes.
export interface Recipe { name: string, text: string, file: string }
export function readRecipes (root: string): Map<string, Recipe>
export function readRecipe (root: string, name: string): string
