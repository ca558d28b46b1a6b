// Namespaces (README "Parallel suites"): an isolated world per name, chosen by the X-Mock-Namespace header.

export const NAMESPACE_HEADER = 'x-mock-namespace'
/** The world of requests without the header; `X-Mock-Namespace: default` names it too. */
export const DEFAULT_NAMESPACE = 'default'
const NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** The problem with a namespace name, or undefined when it is one. */
export function namespaceNameProblem (name: string): string | undefined {
  return NAME.test(name) ? undefined : `must be 1 to 64 characters of A-Z a-z 0-9 _ . - (got ${JSON.stringify(name.slice(0, 80))})`
}

/** Work given to a namespace after its drop began: nothing of it was done (docs/namespaces-and-faults.md). */
export class NamespaceDroppedError extends Error {
  constructor (readonly namespace: string) {
    super(`X-Mock-Namespace ${JSON.stringify(namespace)} was dropped while this request was in flight: nothing of it was done; send it again to act on the namespace as it is now`)
  }
}
