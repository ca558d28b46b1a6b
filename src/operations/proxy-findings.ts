// What the validating proxy (src/proxy/, docs/drift.md) found in the exchanges it forwarded, kept bounded: equal
// findings are one row with a count, at most `maxRows` rows (later new ones are only counted as dropped), each text
// cut to 300 characters. GET /__admin/drift and mock.drift() read it through the control plane.

/** request/response: the exchange broke the served contract; disagreement: the mock would have answered otherwise. */
export type ProxyFindingKind = 'request' | 'response' | 'disagreement' | 'transport' | 'server-error'

export interface ProxyFinding {
  /** The contract's operationId, or METHOD and path for a request no operation takes. */
  operation: string
  kind: ProxyFindingKind
  /** The status the client got (the target's, or the proxy's 502/504); null when the answer broke off. */
  status: number | null
  /** A JSON pointer into the body, or a header's name. */
  where?: string
  message: string
}

export interface ProxyFindingRow extends ProxyFinding {
  count: number
  first: string
  last: string
}

export interface ProxyDriftReport {
  target: string
  since: string
  /** Exchanges forwarded, and how many of them had a finding. */
  exchanges: number
  withFindings: number
  /** Findings by kind, every one counted (dropped rows too). */
  counts: Record<ProxyFindingKind, number>
  violations: number
  disagreements: number
  /** Findings not kept as rows once maxRows distinct ones were kept. */
  dropped: number
  operations: Array<{ operation: string, kinds: Array<{ kind: ProxyFindingKind, count: number, findings: ProxyFindingRow[] }> }>
}

const KINDS: ProxyFindingKind[] = ['request', 'response', 'disagreement', 'transport', 'server-error']
const MAX_TEXT = 300

const cut = (text: string): string => text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text

export function createProxyFindings (target: string, maxRows = 1000) {
  const since = new Date().toISOString()
  const rows = new Map<string, ProxyFindingRow>()
  const counts = Object.fromEntries(KINDS.map(kind => [kind, 0])) as Record<ProxyFindingKind, number>
  let exchanges = 0
  let withFindings = 0
  let dropped = 0
  // Exchanges whose answer is still on its way: a report waits for them, so a client that has its answer finds it counted.
  const pending = new Set<Promise<unknown>>()

  return {
    target,
    /** Counts an exchange and keeps its findings once `analysed` settles. */
    track (analysed: Promise<ProxyFinding[]>): void {
      exchanges++
      const settled = analysed.then(findings => {
        if (findings.length > 0) withFindings++
        for (const raw of findings) {
          const finding = { ...raw, message: cut(raw.message), ...(raw.where === undefined ? {} : { where: cut(raw.where) }) }
          counts[finding.kind]++
          const key = JSON.stringify([finding.operation, finding.kind, finding.status, finding.where ?? '', finding.message])
          const now = new Date().toISOString()
          const row = rows.get(key)
          if (row !== undefined) {
            row.count++
            row.last = now
          } else if (rows.size < maxRows) rows.set(key, { ...finding, count: 1, first: now, last: now })
          else dropped++
        }
      }, () => {}).finally(() => pending.delete(settled))
      pending.add(settled)
    },
    /** Every exchange in flight analysed. */
    async settled (): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
    report (): ProxyDriftReport {
      const byOperation = new Map<string, Map<ProxyFindingKind, ProxyFindingRow[]>>()
      for (const row of rows.values()) {
        const kinds = byOperation.get(row.operation) ?? new Map<ProxyFindingKind, ProxyFindingRow[]>()
        byOperation.set(row.operation, kinds)
        kinds.set(row.kind, [...(kinds.get(row.kind) ?? []), { ...row }])
      }
      const operations = [...byOperation].sort(([a], [b]) => a.localeCompare(b)).map(([operation, kinds]) => ({
        operation,
        kinds: KINDS.filter(kind => kinds.has(kind)).map(kind => {
          const findings = kinds.get(kind)!.sort((a, b) => b.count - a.count)
          return { kind, count: findings.reduce((sum, row) => sum + row.count, 0), findings }
        })
      }))
      return {
        target,
        since,
        exchanges,
        withFindings,
        counts: { ...counts },
        violations: counts.request + counts.response + counts.transport + counts['server-error'],
        disagreements: counts.disagreement,
        dropped,
        operations
      }
    }
  }
}

export type ProxyFindings = ReturnType<typeof createProxyFindings>
