// Why an operation did not act: a domain value, returned (never thrown, so it cannot roll back a shared
// transaction). Each front door words it in its own terms: the HTTP table in src/http/refusals.ts, the CLI's
// one-line errors, startMockServer's TypeErrors. `rule` names the rule that refused (README "Status codes").

export type Refusal =
  /** No credential at all, or not a Bearer one. */
  | { kind: 'missing-credentials' }
  /** A bearer that is not a live credential: unknown, revoked, forged or expired. Never says which to the client. */
  | { kind: 'unknown-credential', reason: string }
  /** A live credential for the project that may not manage its keys. */
  | { kind: 'insufficient-scope' }
  /** The project or key is not there, or not visible to the caller: one answer for all. */
  | { kind: 'not-visible', reason: string }
  /**
   * The input breaks a rule. With a `field`, `message` is what it must be ("must be HS256 or RS256 (got ...)"), for
   * each front door to put after its own name of the input ("alg", --alg); without one, a whole sentence.
   */
  | { kind: 'bad-input', rule: string, field: string | undefined, message: string }

/** `unrecorded`: a read's bookkeeping write (last_used) that failed without changing the answer, for the log. */
export type Outcome<T> = { ok: true, value: T, unrecorded?: unknown } | { ok: false, refusal: Refusal }

export const done = <T>(value: T): Outcome<T> => ({ ok: true, value })
export const refused = <T = never>(refusal: Refusal): Outcome<T> => ({ ok: false, refusal })

export const unknownCredential = (reason: string): Refusal => ({ kind: 'unknown-credential', reason })
export const notVisible = (reason: string): Refusal => ({ kind: 'not-visible', reason })
export const INSUFFICIENT_SCOPE: Refusal = { kind: 'insufficient-scope' }
export const MISSING_CREDENTIALS: Refusal = { kind: 'missing-credentials' }
export const badInput = (rule: string, field: string | undefined, message: string): Refusal => ({ kind: 'bad-input', rule, field, message })
