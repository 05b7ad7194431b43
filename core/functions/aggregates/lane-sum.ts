/**
 * An ungrouped DOUBLE sum in four accumulators. One running sum is a chain of dependent
 * additions, bound by the add's latency rather than by memory; four independent ones let the
 * additions overlap. The k-th value added (NULLs skipped, counted across every call) goes to
 * accumulator k mod 4 and the total is (a0 + a1) + (a2 + a3), so the result depends on the
 * values and their order only, never on how they were cut into chunks.
 */
export class LaneSum {
  private readonly acc = new Float64Array(4)
  /** values added so far */
  private k = 0

  get count(): number { return this.k }

  get total(): number {
    const a = this.acc
    return (a[0]! + a[1]!) + (a[2]! + a[3]!)
  }

  /** adds `data[i]` for `i < n` where `valid` is null or `valid[i]` is 1; returns how many it added */
  add(data: Float64Array, valid: Uint8Array | null, n: number): number {
    const acc = this.acc
    const before = this.k
    let k = before, i = 0
    if (valid !== null) {
      for (; i < n; i++) if (valid[i] === 1) acc[k++ & 3]! += data[i]!
      this.k = k
      return k - before
    }
    // the first values go on from where the last call stopped, up to accumulator 0
    for (; i < n && (k & 3) !== 0; i++) acc[k++ & 3]! += data[i]!
    const end = i + ((n - i) & ~3)
    let a0 = acc[0]!, a1 = acc[1]!, a2 = acc[2]!, a3 = acc[3]!
    for (let j = i; j < end; j += 4) { a0 += data[j]!; a1 += data[j + 1]!; a2 += data[j + 2]!; a3 += data[j + 3]! }
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    k += end - i
    for (i = end; i < n; i++) acc[k++ & 3]! += data[i]!
    this.k = k
    return n
  }

  /** adds the total to group 0 of a state's sums (when anything was added) and starts again from zero */
  addTo(sums: Float64Array): void {
    if (this.k === 0) return
    sums[0]! += this.total
    this.acc.fill(0)
    this.k = 0
  }
}
