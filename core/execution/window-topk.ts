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
import { keyComparator, type SortSpec } from './keys.ts'

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
  const cmp = keyComparator(orderKeys, specs)
  // per partition, candidate rows in window order: row indexes grow, so a row equal to the last
  // candidate sorts after it (the sort is stable) and never displaces it
  const lists: number[][] = Array.from({ length: parts }, () => [])
  for (let i = 0; i < count; i++) {
    const list = lists[partOf[i]!]!
    const n = list.length
    if (n === k && cmp(i, list[n - 1]!) >= 0) continue
    // first candidate that sorts after row i
    let lo = 0, hi = n
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cmp(list[mid]!, i) <= 0) lo = mid + 1; else hi = mid }
    // dense_rank counts distinct values: a peer of a candidate adds nothing to the list
    if (kind === 'dense_rank' && lo > 0 && cmp(list[lo - 1]!, i) === 0) continue
    list.splice(lo, 0, i)
    if (list.length > k) list.pop()
  }
  if (kind === 'row_number') {
    const out: number[] = []
    for (const list of lists) for (const i of list) out.push(i)
    return Int32Array.from(out).sort()
  }
  // rank / dense_rank: every peer of the k-th candidate (the k-th distinct value) is numbered ≤ k too
  const keep: number[] = []
  for (let i = 0; i < count; i++) {
    const list = lists[partOf[i]!]!
    if (list.length < k || cmp(i, list[list.length - 1]!) <= 0) keep.push(i)
  }
  return Int32Array.from(keep)
}
