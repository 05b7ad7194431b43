/**
 * The index ranges an IndexAccess stands for, with its value expressions computed: one range
 * for equality plus bounds, one per value for an IN list. Shared by the optimizer (to count
 * matches) and the index scan (to search).
 */
import type { IndexRange } from '../hooks/contracts.ts'
import type { BoundExpr } from '../plan/expr.ts'
import type { IndexAccess, IndexBound } from '../plan/logical.ts'
import type { LogicalType, Value } from '../types/types.ts'
import { probeValue } from './table-indexes.ts'

/** [] when nothing can match (a NULL value); `value` computes a probe expression */
export function indexRanges(access: Omit<IndexAccess, 'estimate'>, keyTypes: readonly LogicalType[], value: (e: BoundExpr) => Value): IndexRange[] {
  const m = access.equal.length
  const equal = new Array<Value>(m)
  for (let k = 0; k < m; k++) {
    const v = probeValue(value(access.equal[k]!), keyTypes[k]!)
    if (v === null) return []
    equal[k] = v
  }
  if (access.anyOf !== undefined) {
    const out: IndexRange[] = []
    const seen = new Set<unknown>()
    for (const e of access.anyOf) {
      const v = probeValue(value(e), keyTypes[m]!)
      // NULL in an IN list matches nothing; a repeated value once
      const key = typeof v === 'object' && v !== null ? JSON.stringify(v, (_k, x: unknown) => typeof x === 'bigint' ? `${x}n` : x) : v
      if (v === null || seen.has(key)) continue
      seen.add(key)
      out.push({ equal: [...equal, v], lower: null, upper: null })
    }
    return out
  }
  const lower = bound(access.lower, keyTypes[m]!, value), upper = bound(access.upper, keyTypes[m]!, value)
  if (lower?.value === null || upper?.value === null) return []
  return [{ equal, lower, upper }]
}

// a function of the module, not a closure per call: point lookups run this per execution
function bound(b: IndexBound | null, type: LogicalType, value: (e: BoundExpr) => Value): { value: Value; inclusive: boolean } | null {
  return b === null ? null : { value: probeValue(value(b.expr), type), inclusive: b.inclusive }
}

/** row ids of every range, ascending, each once */
export function searchAll(search: (range: IndexRange) => Float64Array, ranges: readonly IndexRange[]): Float64Array {
  if (ranges.length === 1) return search(ranges[0]!)
  const parts = ranges.map(search)
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { all.set(p, at); at += p.length }
  all.sort()
  let n = 0
  for (let i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!
  return all.subarray(0, n)
}
