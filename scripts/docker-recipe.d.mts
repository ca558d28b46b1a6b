// Types of docker-recipe.mjs, for the tests that import its parser.
export class RecipeError extends Error {}

export type Step =
  | { kind: 'workdir', line: number, path: string }
  | { kind: 'copy', line: number, from: number | undefined, chown: string | undefined, sources: string[], dest: string, intoDirectory: boolean }
  | { kind: 'run', line: number, command: string, env: Record<string, string>, workdir: string, user: string }

export interface Healthcheck {
  command: string[]
  interval?: number
  timeout?: number
  'start-period'?: number
  'start-interval'?: number
  retries?: number
}

export interface Stage {
  index: number
  name: string | undefined
  image: string
  line: number
  steps: Step[]
  env: Record<string, string>
  workdir: string
  user: string
  expose: number[]
  volumes: string[]
  healthcheck?: Healthcheck
  entrypoint?: string[]
  cmd?: string[]
}

export function parseDockerfile (text: string): { stages: Stage[], final: Stage }

export function dockerignore (text: string): (path: string) => boolean

export interface Compose {
  name: string
  service: Record<string, any>
  environment: Record<string, string>
  mounts: Array<{ type: 'bind' | 'volume', source: string, target: string, readOnly: boolean }>
  clients: Array<{ name: string, image: string | undefined, command: unknown, environment: Record<string, string> }>
}

export function readCompose (text: string): Compose

export function replay (options: { context: string, keep?: boolean, log?: (line: string) => void }): Promise<{ buildMs: number, totalMs: number, root: string }>
