// What a consumer's requests exercised (GET /__admin/coverage): answers counted by contract operation, status and,
// for a refusal, the rule that refused (docs/coverage.md). Held in memory, per world; a restart, a reset and
// DELETE /__admin/coverage start it again. Counting is two map reads and a write per answer, nothing more.

/** How often one operation answered one status, under one rule (null: not a refusal). */
export interface CoverageCount { operation: string, status: number, rule: string | null, count: number }

export function createCoverage (since: string) {
  // operation -> the status (a number), or "status rule" for a refusal -> answers
  const counts = new Map<string, Map<number | string, number>>()
  let started = since
  return {
    /** One answer of an operation; rule: the rule of the refusal answered, null for any other answer. */
    hit (operation: string, status: number, rule: string | null): void {
      let answers = counts.get(operation)
      if (answers === undefined) {
        answers = new Map()
        counts.set(operation, answers)
      }
      const key = rule === null ? status : `${status} ${rule}`
      answers.set(key, (answers.get(key) ?? 0) + 1)
    },
    counts (): CoverageCount[] {
      const out: CoverageCount[] = []
      for (const [operation, answers] of counts) {
        for (const [key, count] of answers) {
          if (typeof key === 'number') {
            out.push({ operation, status: key, rule: null, count })
          } else {
            const space = key.indexOf(' ')
            out.push({ operation, status: Number(key.slice(0, space)), rule: key.slice(space + 1), count })
          }
        }
      }
      return out
    },
    /** When counting began: the world's opening, or the last clear. */
    since: (): string => started,
    clear (at: string): void {
      counts.clear()
      started = at
    }
  }
}

export type Coverage = ReturnType<typeof createCoverage>
