/**
 * histogram(x): the count of every distinct value, as a MAP(x, BIGINT) sorted by value.
 *
 * approx_quantile(x, q | [q…]): a merging t-digest (Dunning) per group, compression 100, with
 * the arcsine scale function, so centroids stay small near both tails. Error: for inputs of up
 * to a few million values the answer's rank is within about 1% of q·n (typically well under
 * 0.5% in the middle, tighter at the tails). Groups of at most 500 values are never compressed
 * and answer exactly: the ⌈n·q⌉-th smallest value, as quantile_disc does. Integer, DATE, TIME
 * and TIMESTAMP inputs answer in their own type (rounded), others as DOUBLE.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { AggregateState, BoundAggregate } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import {
  BIGINT, BOOLEAN, DOUBLE, type LogicalType, type Value, isInteger, list, mapType, physicalOf,
} from '../../types/types.ts'
import { DATE_INFINITY } from '../../types/datetime.ts'
import { Vector, VectorBuilder, getValue } from '../../vector/vector.ts'
import { normalizeLiteralType } from '../../types/coercion.ts'
import { valueKey } from '../compare.ts'
import { histogramEntries } from '../list-map.ts'
import { argVector, growArray, sameState } from './state-util.ts'

type Bound = Omit<BoundAggregate, 'name' | 'nulls' | 'orderSensitive'>

class HistogramState implements AggregateState {
  private groups: (Map<string, { key: Value; count: bigint }> | null)[] = []
  constructor(private readonly keyType: LogicalType, private readonly returns: LogicalType) {}
  resize(groups: number): void { growArray(this.groups, groups, null) }
  private add(g: number, key: Value, n: bigint): void {
    let m = this.groups[g]
    if (m === null || m === undefined) { m = new Map(); this.groups[g] = m }
    const k = valueKey(key)
    const e = m.get(k)
    if (e === undefined) m.set(k, { key, count: n })
    else e.count += n
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    for (let i = 0; i < count; i++) {
      const x = getValue(v, i)
      if (x !== null) this.add(groupIds[i]!, x, 1n)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const m = o.groups[src[i]!]
      if (m !== null && m !== undefined) for (const e of m.values()) this.add(dst[i]!, e.key, e.count)
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.returns, groups)
    for (let g = 0; g < groups; g++) {
      const m = this.groups[g]
      b.push(m === null || m === undefined || m.size === 0 ? null : histogramEntries(m, this.keyType))
    }
    return b.finish()
  }
}

// ---- t-digest -----------------------------------------------------------------------------

const COMPRESSION = 100
/** values buffered before a merge; groups that never fill it answer exactly */
const BUFFER = 500

class Digest {
  means: number[] = []
  weights: number[] = []
  buffer: number[] = []
  bufferWeights: number[] = []
  total = 0
  min = Infinity
  max = -Infinity

  add(x: number, w: number): void {
    this.buffer.push(x)
    this.bufferWeights.push(w)
    this.total += w
    if (x < this.min) this.min = x
    if (x > this.max) this.max = x
    if (this.buffer.length >= BUFFER) this.compress()
  }

  private static k(q: number): number { return (COMPRESSION / (2 * Math.PI)) * Math.asin(2 * q - 1) }

  compress(): void {
    if (this.buffer.length === 0) return
    const n = this.means.length + this.buffer.length
    const xs = new Float64Array(n), ws = new Float64Array(n)
    for (let i = 0; i < this.means.length; i++) { xs[i] = this.means[i]!; ws[i] = this.weights[i]! }
    for (let i = 0; i < this.buffer.length; i++) { xs[this.means.length + i] = this.buffer[i]!; ws[this.means.length + i] = this.bufferWeights[i]! }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!)
    const means: number[] = [], weights: number[] = []
    let curMean = xs[order[0]!]!, curWeight = ws[order[0]!]!
    let before = 0
    let kLeft = Digest.k(0)
    for (let j = 1; j < n; j++) {
      const x = xs[order[j]!]!, w = ws[order[j]!]!
      const q = (before + curWeight + w) / this.total
      if (Digest.k(Math.min(1, q)) - kLeft <= 1) {
        curMean += (x - curMean) * w / (curWeight + w)
        curWeight += w
      } else {
        means.push(curMean); weights.push(curWeight)
        before += curWeight
        kLeft = Digest.k(Math.min(1, before / this.total))
        curMean = x; curWeight = w
      }
    }
    means.push(curMean); weights.push(curWeight)
    this.means = means; this.weights = weights
    this.buffer = []; this.bufferWeights = []
  }

  /** Exact when nothing was merged yet; else interpolated between centroid centres. */
  quantile(q: number): number {
    if (this.means.length === 0 && this.bufferWeights.every(w => w === 1)) {
      const sorted = Float64Array.from(this.buffer).sort()
      return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!
    }
    this.compress()
    const n = this.means.length
    if (n === 1) return this.means[0]!
    const target = q * this.total
    let cum = 0
    for (let i = 0; i < n; i++) {
      const w = this.weights[i]!
      const centre = cum + w / 2
      if (target < centre) {
        if (i === 0) {
          // between the minimum and the first centre
          const t = w === 1 ? 0 : target / centre
          return this.min + t * (this.means[0]! - this.min)
        }
        const prevCentre = cum - this.weights[i - 1]! / 2
        const t = (target - prevCentre) / (centre - prevCentre)
        return this.means[i - 1]! + t * (this.means[i]! - this.means[i - 1]!)
      }
      cum += w
    }
    const lastCentre = this.total - this.weights[n - 1]! / 2
    const t = this.total === lastCentre ? 1 : (target - lastCentre) / (this.total - lastCentre)
    return this.means[n - 1]! + Math.min(1, t) * (this.max - this.means[n - 1]!)
  }

  mergeFrom(o: Digest): void {
    for (let i = 0; i < o.means.length; i++) this.add(o.means[i]!, o.weights[i]!)
    for (let i = 0; i < o.buffer.length; i++) this.add(o.buffer[i]!, o.bufferWeights[i]!)
  }
}

function checkFraction(q: number): number {
  if (!(q >= 0 && q <= 1)) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `approx_quantile needs quantiles between 0 and 1, got ${q}`,
      { hint: 'use e.g. 0.5 for the median or [0.25, 0.75] for the quartiles' })
  }
  return q
}

class ApproxQuantileState implements AggregateState {
  private digests: (Digest | null)[] = []
  private quantiles: number[] | null = null
  /** DECIMAL inputs arrive as scaled integers */
  private readonly unscale: number
  constructor(input: LogicalType, private readonly result: LogicalType, private readonly listResult: boolean) {
    this.unscale = input.id === 'DECIMAL' ? 10 ** input.scale : 1
  }
  resize(groups: number): void { growArray(this.digests, groups, null) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    if (this.quantiles === null && args[1] !== undefined) {
      for (let i = 0; i < count && this.quantiles === null; i++) {
        const q = getValue(args[1], i)
        if (q !== null) this.quantiles = (Array.isArray(q) ? q as Value[] : [q]).map(x => checkFraction(Number(x)))
      }
    }
    const p = v.physical
    const flat = p === 'i8' || p === 'i16' || p === 'i32' || p === 'f32' || p === 'f64' || p === 'date' ? v.data as ArrayLike<number> : null
    const valid = v.validity
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) continue
      const x = (flat !== null ? flat[i]! : Number(getValue(v, i))) / this.unscale
      if (x !== x) continue
      const g = groupIds[i]!
      let d = this.digests[g]
      if (d === null || d === undefined) { d = new Digest(); this.digests[g] = d }
      d.add(x, 1)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    this.quantiles ??= o.quantiles
    for (let i = 0; i < count; i++) {
      const d = o.digests[src[i]!]
      if (d === null || d === undefined) continue
      let mine = this.digests[dst[i]!]
      if (mine === null || mine === undefined) { mine = new Digest(); this.digests[dst[i]!] = mine }
      mine.mergeFrom(d)
    }
  }
  private cast(x: number): Value {
    const t = this.result
    if (t.id === 'BIGINT') return BigInt(Math.round(x))
    if (isInteger(t) || t.id === 'DATE' || t.id === 'TIME' || t.id === 'TIMESTAMP') return Math.round(x)
    return x
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.listResult ? list(this.result) : this.result, groups)
    const qs = this.quantiles ?? [0.5]
    for (let g = 0; g < groups; g++) {
      const d = this.digests[g]
      if (d === null || d === undefined || d.total === 0) { b.push(null); continue }
      const values = qs.map(q => this.cast(d.quantile(q)))
      b.push(this.listResult ? values : values[0]!)
    }
    return b.finish()
  }
}

function bindApproxQuantile(argTypes: readonly LogicalType[]): Bound | undefined {
  const [t, q] = argTypes
  if (t === undefined || q === undefined || argTypes.length !== 2) return undefined
  const p = physicalOf(t)
  const ok = isInteger(t) || t.id === 'DOUBLE' || t.id === 'REAL' || t.id === 'DECIMAL' || t.id === 'DATE' || t.id === 'TIME' || t.id === 'TIMESTAMP'
  if (!ok || p === 'big') return undefined
  const listQ = q.id === 'LIST' || q.id === 'ARRAY'
  if (!listQ && !['DOUBLE', 'DECIMAL', 'REAL', 'INTEGER', 'BIGINT', 'TINYINT', 'SMALLINT'].includes(q.id)) return undefined
  const result = isInteger(t) || t.id === 'DATE' || t.id === 'TIME' || t.id === 'TIMESTAMP' ? t : DOUBLE
  return {
    argTypes: [t, listQ ? list(DOUBLE) : DOUBLE],
    returns: listQ ? list(result) : result,
    createState: () => new ApproxQuantileState(t, result, listQ),
  }
}

function bindHistogram(argTypes: readonly LogicalType[]): Bound | undefined {
  const t = argTypes[0]
  if (t === undefined || argTypes.length !== 1) return undefined
  const key = normalizeLiteralType(t)
  const returns = mapType(key, BIGINT)
  return { argTypes: [key], returns, createState: () => new HistogramState(key, returns) }
}

/**
 * The key of the extra bin histogram(x, bins) puts values above the last bin in, as DuckDB:
 * the largest value of an integer type, infinity for floating point and dates, '' for text.
 */
function otherBinKey(t: LogicalType): Value | undefined {
  switch (t.id) {
    case 'TINYINT': return 127
    case 'SMALLINT': return 32767
    case 'INTEGER': return 2147483647
    case 'BIGINT': return 9223372036854775807n
    case 'REAL': case 'DOUBLE': case 'TIMESTAMP': case 'TIMESTAMPTZ': return Infinity
    case 'DATE': return DATE_INFINITY
    case 'VARCHAR': return ''
    default: return undefined
  }
}

function bindIsOtherBin(argTypes: readonly LogicalType[]) {
  if (argTypes.length !== 1) return undefined
  const t = normalizeLiteralType(argTypes[0]!)
  const other = otherBinKey(t)
  return {
    argTypes: [t], returns: BOOLEAN,
    invoke: (args: readonly Vector[], count: number): Vector => {
      const out = new Uint8Array(count)
      if (other !== undefined) for (let i = 0; i < count; i++) out[i] = getValue(args[0]!, i) === other ? 1 : 0
      return new Vector(BOOLEAN, count, out, null)
    },
  }
}

export function registerSketchAggregates(hooks: Hooks): void {
  hooks.registerScalar({
    name: 'is_histogram_other_bin', nulls: 'propagate', volatility: 'immutable', bind: bindIsOtherBin,
    description: "TRUE for the key of histogram's bin of values above the last boundary",
  })
  hooks.registerAggregate({ name: 'histogram', nulls: 'skip', description: 'count of each distinct value, as a MAP sorted by value', bind: bindHistogram })
  hooks.registerAggregate({
    // reservoir_quantile answers from a sample in DuckDB: the digest serves it with the same bounds
    name: 'approx_quantile', aliases: ['reservoir_quantile'], nulls: 'skip', bind: bindApproxQuantile,
    description: 'approximate quantile(s) from a t-digest (exact for groups of at most 500 values)',
  })
}
