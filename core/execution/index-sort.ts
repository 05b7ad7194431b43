/**
 * Stable sort of row indexes by keys already turned into doubles (keys.ts `normalizedKey`).
 * A bottom-up merge sort over Int32Arrays whose comparison V8 inlines: `Int32Array.sort` with a
 * comparator calls back into JavaScript for each of the n log n comparisons, which was most of
 * a window's or ORDER BY's time (1M rows by two keys: ≈20M calls). Equal keys (two NULLs are the
 * same infinity) keep their input order, so ties need no row-index comparison. A first key of
 * small-range integers (a window's PARTITION BY column) is placed by a counting sort instead.
 */

/** insertion-sorted runs before merging: short runs sort faster without merge overhead */
const RUN = 24

/** sorts `order` (row indexes into the keys) in place by keys[0], then keys[1], … ascending */
export function sortIndexesByKeys(order: Int32Array, keys: readonly Float64Array[]): void {
  const n = order.length
  if (n < 2 || keys.length === 0) return
  if (keys.length <= 2) { sortCarried(order, keys[0]!, keys[1] ?? null); return }
  // three or more keys from here
  const a0 = keys[0]!, a1 = keys[1]!
  const rest = keys.slice(2)
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n)
    for (let i = lo + 1; i < hi; i++) {
      const x = order[i]!
      let j = i - 1
      while (j >= lo && compare(a0, a1, rest, order[j]!, x) > 0) { order[j + 1] = order[j]!; j-- }
      order[j + 1] = x
    }
  }
  if (n <= RUN) return
  let src: Int32Array = order, dst: Int32Array = new Int32Array(n)
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n)
      let i = lo, j = mid, k = lo
      // an already ordered pair of runs is copied as is
      if (mid >= hi || compare(a0, a1, rest, src[mid - 1]!, src[mid]!) <= 0) {
        dst.set(src.subarray(lo, hi), lo)
        continue
      }
      while (i < mid && j < hi) {
        const x = src[i]!, y = src[j]!
        if (compare(a0, a1, rest, x, y) <= 0) { dst[k++] = x; i++ } else { dst[k++] = y; j++ }
      }
      while (i < mid) dst[k++] = src[i++]!
      while (j < hi) dst[k++] = src[j++]!
    }
    const t = src; src = dst; dst = t
  }
  if (src !== order) order.set(src)
}

function compare(a0: Float64Array, a1: Float64Array, rest: readonly Float64Array[], i: number, j: number): number {
  let x = a0[i]!, y = a0[j]!
  if (x < y) return -1
  if (x > y) return 1
  x = a1[i]!; y = a1[j]!
  if (x < y) return -1
  if (x > y) return 1
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k]!
    x = a[i]!; y = a[j]!
    if (x < y) return -1
    if (x > y) return 1
  }
  return 0
}

/**
 * One or two keys: the key values travel with their row index through the merge passes, so each
 * pass reads and writes memory in order instead of looking keys up at random row positions.
 */
function sortCarried(order: Int32Array, key0: Float64Array, key1: Float64Array | null): void {
  const n = order.length
  if (n > RUN && countingSort(order, key0, key1)) return
  let k0: Float64Array = new Float64Array(n), k1: Float64Array = new Float64Array(key1 === null ? 0 : n)
  let ix: Int32Array = order
  for (let p = 0; p < n; p++) { const r = order[p]!; k0[p] = key0[r]!; if (key1 !== null) k1[p] = key1[r]! }
  const two = key1 !== null
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n)
    for (let i = lo + 1; i < hi; i++) {
      const x0 = k0[i]!, x1 = two ? k1[i]! : 0, xi = ix[i]!
      let j = i - 1
      while (j >= lo) {
        const y0 = k0[j]!
        if (y0 < x0 || (y0 === x0 && (!two || !(k1[j]! > x1)))) break
        k0[j + 1] = y0; if (two) k1[j + 1] = k1[j]!; ix[j + 1] = ix[j]!
        j--
      }
      k0[j + 1] = x0; if (two) k1[j + 1] = x1; ix[j + 1] = xi
    }
  }
  if (n <= RUN) return
  let d0: Float64Array = new Float64Array(n), d1: Float64Array = new Float64Array(two ? n : 0), dx: Int32Array = new Int32Array(n)
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n)
      let i = lo, j = mid, k = lo
      while (i < mid && j < hi) {
        const a = k0[i]!, b = k0[j]!
        // stable: the left run wins ties (equal infinities for NULLs included)
        const left = a < b || (!(a > b) && (!two || !(k1[i]! > k1[j]!)))
        if (left) { d0[k] = a; if (two) d1[k] = k1[i]!; dx[k++] = ix[i++]! } else { d0[k] = b; if (two) d1[k] = k1[j]!; dx[k++] = ix[j++]! }
      }
      while (i < mid) { d0[k] = k0[i]!; if (two) d1[k] = k1[i]!; dx[k++] = ix[i++]! }
      while (j < hi) { d0[k] = k0[j]!; if (two) d1[k] = k1[j]!; dx[k++] = ix[j++]! }
    }
    let t: Float64Array = k0; k0 = d0; d0 = t
    t = k1; k1 = d1; d1 = t
    const u = ix; ix = dx; dx = u
  }
  if (ix !== order) order.set(ix)
}

/**
 * A first key of integers spanning no more values than there are rows (PARTITION BY a group
 * column, ORDER BY a small-range key) is placed by a stable counting sort in two passes; the
 * rows of each run of equal first keys are then sorted by the second key. False (nothing done)
 * for other keys, NULLs (infinities) included.
 */
function countingSort(order: Int32Array, key0: Float64Array, key1: Float64Array | null): boolean {
  const n = order.length
  let min = Infinity, max = -Infinity
  for (let p = 0; p < n; p++) {
    const x = key0[order[p]!]!
    if (!Number.isInteger(x)) return false
    if (x < min) min = x
    if (x > max) max = x
  }
  const range = max - min + 1
  if (range > n) return false
  const starts = new Int32Array(range + 1)
  for (let p = 0; p < n; p++) starts[key0[order[p]!]! - min + 1]!++
  for (let v = 0; v < range; v++) starts[v + 1]! += starts[v]!
  const out = new Int32Array(n)
  const next = starts.slice(0, range)
  for (let p = 0; p < n; p++) { const r = order[p]!; out[next[key0[r]! - min]!++] = r }
  if (key1 !== null) {
    for (let v = 0; v < range; v++) {
      const from = starts[v]!, to = starts[v + 1]!
      if (to - from > 1) sortCarried(out.subarray(from, to), key1, null)
    }
  }
  order.set(out)
  return true
}
