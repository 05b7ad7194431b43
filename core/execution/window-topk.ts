/**
 * Top-k per partition for a window whose only call is row_number / rank / dense_rank and whose
 * rows are kept only while that number is ≤ k (WindowNode.topK, set by the window_topn rule).
 * One pass keeps, per partition, a sorted list of at most k candidate rows; the rows that can
 * still be numbered ≤ k are then the whole answer, and the window numbers them exactly as over
 * all rows: every row ahead of a kept row is kept too, and the sort is stable, so ties and NULL
 * ordering do not change.
 */
import type { RankingKind } from '../optimizer/rules/window_topn.ts'
import type { Vector } from '../vector/vector.ts'
import { GroupTable } from './group-table.ts'
import { keyComparator, normalizedKey, type SortSpec } from './keys.ts'

/**
 * Indexes (ascending) of the rows of `count` whose number under `kind` can be ≤ k.
 * `partKeys` / `orderKeys` are the call's PARTITION BY and ORDER BY values over all rows.
 */
export function topKRows(kind: RankingKind, k: number, partKeys: readonly Vector[], orderKeys: readonly Vector[],
  specs: readonly SortSpec[], count: number): Int32Array {
  const partOf = new Int32Array(count)
  let parts = 1
  if (partKeys.length > 0 && count > 0) {
    const table = new GroupTable(partKeys.map(v => v.type))
    table.findOrCreate(partKeys, count, partOf)
    parts = table.size
  }
  // one numeric (or string) key compares as plain doubles in window order, the common case
  const single = orderKeys.length === 1 ? normalizedKey(orderKeys[0]!, specs[0]!, count) : null
  const cmp = single === null ? keyComparator(orderKeys, specs)
    : (i: number, j: number): number => { const a = single[i]!, b = single[j]!; return a < b ? -1 : a > b ? 1 : 0 }
  // per partition, candidate rows in window order, in one flat array: partition p's slots start
  // at base[p] and hold up to min(k, its row count). Row indexes grow, so a row equal to the last
  // candidate sorts after it (the sort is stable) and never displaces it
  const base = new Int32Array(parts + 1)
  for (let i = 0; i < count; i++) { const q = partOf[i]! + 1; base[q] = base[q]! + 1 }
  for (let p = 0; p < parts; p++) base[p + 1] = base[p]! + Math.min(k, base[p + 1]!)
  const slots = new Int32Array(base[parts]!)
  const len = new Int32Array(parts)
  for (let i = 0; i < count; i++) {
    const p = partOf[i]!, b = base[p]!, n = len[p]!
    if (n === k && cmp(i, slots[b + n - 1]!) >= 0) continue
    // first candidate that sorts after row i
    let lo = 0, hi = n
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cmp(slots[b + mid]!, i) <= 0) lo = mid + 1; else hi = mid }
    // dense_rank counts distinct values: a peer of a candidate adds nothing to the list
    if (kind === 'dense_rank' && lo > 0 && cmp(slots[b + lo - 1]!, i) === 0) continue
    const last = n === k ? n - 1 : n
    slots.copyWithin(b + lo + 1, b + lo, b + last)
    slots[b + lo] = i
    len[p] = last + 1
  }
  if (kind === 'row_number') return slots.sort()
  // rank / dense_rank: every peer of the k-th candidate (the k-th distinct value) is numbered ≤ k too
  const keep: number[] = []
  for (let i = 0; i < count; i++) {
    const p = partOf[i]!, n = len[p]!
    if (n < k || cmp(i, slots[base[p]! + n - 1]!) <= 0) keep.push(i)
  }
  return Int32Array.from(keep)
}
