/**
 * More statistics aggregates as DuckDB defines them: sem, skewness, kurtosis(_pop) (from power
 * sums), weighted_avg, compensated fsum/favg, sum of BOOLEAN, the regr_* family, and top-N forms
 * of min/max/arg_min/arg_max that return a LIST.
 */
import type { AggregateState, BoundAggregate } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import { BIGINT, BOOLEAN, DOUBLE, type LogicalType, type Value, list } from '../../types/types.ts'
import { Vector, VectorBuilder, getValue } from '../../vector/vector.ts'
import { compareValues } from '../compare.ts'
import { invalidParameter, outOfRange } from '../kernel-util.ts'
import { argVector, growArray, growF64, sameState } from './state-util.ts'
import { BivariateMoments } from './stats.ts'

type Bound = Omit<BoundAggregate, 'name' | 'nulls' | 'orderSensitive'>
type MomentResult = 'sem' | 'skewness' | 'kurtosis' | 'kurtosis_pop'

/** Power sums Σx, Σx², Σx³, Σx⁴ per group. */
class MomentState implements AggregateState {
  private n = new Float64Array(16)
  private s1 = new Float64Array(16)
  private s2 = new Float64Array(16)
  private s3 = new Float64Array(16)
  private s4 = new Float64Array(16)
  constructor(private readonly result: MomentResult) {}
  resize(groups: number): void {
    this.n = growF64(this.n, groups); this.s1 = growF64(this.s1, groups); this.s2 = growF64(this.s2, groups)
    this.s3 = growF64(this.s3, groups); this.s4 = growF64(this.s4, groups)
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      const g = groupIds[i]!, x = a[i]!, x2 = x * x
      this.n[g]!++; this.s1[g]! += x; this.s2[g]! += x2; this.s3[g]! += x2 * x; this.s4[g]! += x2 * x2
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      this.n[d]! += o.n[s]!; this.s1[d]! += o.s1[s]!; this.s2[d]! += o.s2[s]!; this.s3[d]! += o.s3[s]!; this.s4[d]! += o.s4[s]!
    }
  }
  private value(g: number): number | null {
    const n = this.n[g]!, sum = this.s1[g]!, sq = this.s2[g]!
    const used = this.result === 'sem' ? [sum, sq] : this.result === 'skewness' ? [sum, sq, this.s3[g]!] : [sum, sq, this.s3[g]!, this.s4[g]!]
    if (used.some(x => !Number.isFinite(x))) {
      throw outOfRange(`${this.result.toUpperCase()} is out of range`, 'the values are too large for the power sums in DOUBLE')
    }
    switch (this.result) {
      case 'sem': {
        if (n === 0) return null
        const varPop = Math.max(0, sq / n - (sum / n) * (sum / n))
        return Math.sqrt(varPop) / Math.sqrt(n)
      }
      case 'skewness': {
        if (n <= 2) return null
        const avg = sum / n
        const div = Math.sqrt(Math.pow((sq - sum * sum / n) / n, 3))
        if (div === 0) return NaN
        const temp = Math.sqrt(n * (n - 1)) / (n - 2)
        return temp * ((this.s3[g]! - 3 * sq * avg + 3 * sum * avg * avg) / n - avg * avg * avg) / div
      }
      case 'kurtosis': case 'kurtosis_pop': {
        if (this.result === 'kurtosis' ? n <= 3 : n === 0) return null
        const t = 1 / n
        const m4 = t * (this.s4[g]! - 4 * this.s3[g]! * sum * t + 6 * sq * sum * sum * t * t - 3 * Math.pow(sum, 4) * t * t * t)
        const m2 = t * (sq - sum * sum * t)
        if (m2 <= 0) return null
        if (this.result === 'kurtosis_pop') return m4 / (m2 * m2) - 3
        return (n - 1) * ((n + 1) * m4 / (m2 * m2) - 3 * (n - 1)) / ((n - 2) * (n - 3))
      }
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(DOUBLE, groups)
    for (let g = 0; g < groups; g++) {
      const r = this.value(g)
      if (r !== null && (r === Infinity || r === -Infinity)) throw outOfRange(`${this.result.toUpperCase()} is out of range`, 'the values are too large to combine in DOUBLE')
      b.push(r)
    }
    return b.finish()
  }
}

/** Kahan-Babuska compensated sum (fsum) and mean (favg). */
class KahanState implements AggregateState {
  private sum = new Float64Array(16)
  private err = new Float64Array(16)
  private n = new Float64Array(16)
  constructor(private readonly mean: boolean) {}
  resize(groups: number): void { this.sum = growF64(this.sum, groups); this.err = growF64(this.err, groups); this.n = growF64(this.n, groups) }
  private add(g: number, x: number): void {
    const s = this.sum[g]!, t = s + x
    this.err[g]! += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s
    this.sum[g] = t
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      this.add(groupIds[i]!, a[i]!)
      this.n[groupIds[i]!]!++
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      this.add(d, o.sum[s]!)
      this.err[d]! += o.err[s]!
      this.n[d]! += o.n[s]!
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(DOUBLE, groups)
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      if (n === 0) { b.push(null); continue }
      const total = this.sum[g]! + this.err[g]!
      b.push(this.mean ? total / n : total)
    }
    return b.finish()
  }
}

class WeightedAvgState implements AggregateState {
  private sum = new Float64Array(16)
  private weights = new Float64Array(16)
  private n = new Float64Array(16)
  resize(groups: number): void { this.sum = growF64(this.sum, groups); this.weights = growF64(this.weights, groups); this.n = growF64(this.n, groups) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const xv = argVector(args, 0), wv = argVector(args, 1)
    const x = xv.data as Float64Array, w = wv.data as Float64Array
    for (let i = 0; i < count; i++) {
      if ((xv.validity !== null && xv.validity[i] === 0) || (wv.validity !== null && wv.validity[i] === 0)) continue
      const g = groupIds[i]!
      this.sum[g]! += x[i]! * w[i]!; this.weights[g]! += w[i]!; this.n[g]!++
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      this.sum[d]! += o.sum[s]!; this.weights[d]! += o.weights[s]!; this.n[d]! += o.n[s]!
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(DOUBLE, groups)
    for (let g = 0; g < groups; g++) b.push(this.n[g] === 0 ? null : this.sum[g]! / this.weights[g]!)
    return b.finish()
  }
}

/** sum(BOOLEAN): the number of TRUE values. */
class BoolSumState implements AggregateState {
  private trues = new Float64Array(16)
  private seen = new Float64Array(16)
  resize(groups: number): void { this.trues = growF64(this.trues, groups); this.seen = growF64(this.seen, groups) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Uint8Array, m = v.validity
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      const g = groupIds[i]!
      this.trues[g]! += a[i]!; this.seen[g]!++
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) { this.trues[dst[i]!]! += o.trues[src[i]!]!; this.seen[dst[i]!]! += o.seen[src[i]!]! }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(BIGINT, groups)
    for (let g = 0; g < groups; g++) b.push(this.seen[g] === 0 ? null : BigInt(this.trues[g]!))
    return b.finish()
  }
}

type RegrResult = 'regr_avgx' | 'regr_avgy' | 'regr_count' | 'regr_slope' | 'regr_intercept' | 'regr_r2' | 'regr_sxx' | 'regr_syy' | 'regr_sxy'

/** regr_*(y, x) from the shared bivariate moments. */
class RegrState extends BivariateMoments {
  constructor(private readonly result: RegrResult) { super() }
  private value(g: number): Value {
    const n = this.n[g]!
    if (this.result === 'regr_count') return BigInt(n)
    if (n === 0) return null
    const sxx = this.m2x[g]!, syy = this.m2y[g]!, sxy = this.cxy[g]!
    switch (this.result) {
      case 'regr_avgx': return this.mx[g]!
      case 'regr_avgy': return this.my[g]!
      case 'regr_sxx': return sxx
      case 'regr_syy': return syy
      case 'regr_sxy': return sxy
      case 'regr_slope': return sxy / sxx
      // through a constant x the slope is NaN but the intercept NULL (DuckDB)
      case 'regr_intercept': return sxx === 0 ? null : this.my[g]! - (sxy / sxx) * this.mx[g]!
      case 'regr_r2': {
        if (sxx === 0) return null
        if (syy === 0) return 1
        const r = sxy / Math.sqrt(sxx * syy)
        return r * r
      }
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.result === 'regr_count' ? BIGINT : DOUBLE, groups)
    for (let g = 0; g < groups; g++) {
      // regr_r2 looks at x's variance first (DuckDB): a constant x gives NULL whatever y holds
      const r2Null = this.result === 'regr_r2' && this.m2x[g] === 0
      // only the moments the result is made of must be finite (regr_sxx(huge, 0) is 0)
      const r = this.result
      const needX = r === 'regr_sxx' || r === 'regr_slope' || r === 'regr_intercept' || r === 'regr_r2'
      const needY = r === 'regr_syy' || (r === 'regr_r2' && !r2Null)
      const needXY = r === 'regr_sxy' || r === 'regr_slope' || r === 'regr_intercept' || (r === 'regr_r2' && !r2Null)
      if ((needX && !Number.isFinite(this.m2x[g]!)) || (needY && !Number.isFinite(this.m2y[g]!)) || (needXY && !Number.isFinite(this.cxy[g]!))) {
        throw outOfRange(`${this.result.toUpperCase()} is out of range`, 'the values are too large to multiply in DOUBLE')
      }
      b.push(r2Null ? null : this.value(g))
    }
    return b.finish()
  }
}

/** min(x, n) / max(x, n) / arg_min(a, v, n) / arg_max(a, v, n): the top n as a LIST. */
class TopNState implements AggregateState {
  private tops: ({ key: Value; value: Value }[] | null)[] = []
  private limit: number
  /**
   * nullsLast: NULL keys and values take part, a NULL key ranking below every other key
   * (arg_max_nulls_last); single: no n argument, the result is the one best value.
   */
  constructor(
    private readonly valueType: LogicalType, private readonly keyType: LogicalType, private readonly max: boolean,
    private readonly withArg: boolean, private readonly nullsLast = false, private readonly single = false,
  ) {
    this.limit = single ? 1 : -1
  }
  /** true when key a ranks strictly before key b */
  private before(a: Value, b: Value): boolean {
    if (a === null) return false
    if (b === null) return true
    const c = compareValues(a, b, this.keyType)
    return this.max ? c > 0 : c < 0
  }
  resize(groups: number): void { growArray(this.tops, groups, null) }
  private insert(g: number, key: Value, value: Value): void {
    let top = this.tops[g]
    if (top === null || top === undefined) { top = []; this.tops[g] = top }
    // keep the list ordered best-first; n is small, so insertion is fine
    let at = top.length
    while (at > 0 && this.before(key, top[at - 1]!.key)) at--
    if (at >= this.limit) return
    top.splice(at, 0, { key, value })
    if (top.length > this.limit) top.pop()
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const nArg = this.single ? null : argVector(args, this.withArg ? 2 : 1)
    for (let i = 0; i < count; i++) {
      if (nArg !== null && this.limit < 0) {
        const n = getValue(nArg, i)
        if (n === null) continue
        const k = Number(n)
        if (!(k >= 1 && k < 1e6)) throw invalidParameter(`the number of values to keep must be between 1 and 1000000, got ${k}`)
        this.limit = k
      }
      const value = getValue(argVector(args, 0), i)
      const key = this.withArg ? getValue(argVector(args, 1), i) : value
      if (!this.nullsLast && (key === null || value === null)) continue
      this.insert(groupIds[i]!, key, value)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    if (this.limit < 0) this.limit = o.limit
    for (let i = 0; i < count; i++) for (const e of o.tops[src[i]!] ?? []) this.insert(dst[i]!, e.key, e.value)
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.single ? this.valueType : list(this.valueType), groups)
    for (let g = 0; g < groups; g++) {
      const top = this.tops[g]
      if (top === null || top === undefined) b.push(null)
      else b.push(this.single ? top[0]?.value ?? null : top.map(e => e.value))
    }
    return b.finish()
  }
}

function isIntegerType(t: LogicalType | undefined): boolean {
  return t !== undefined && (t.id === 'TINYINT' || t.id === 'SMALLINT' || t.id === 'INTEGER' || t.id === 'BIGINT')
}

/** The top-N form of min/max (two arguments) or arg_min/arg_max (three), else undefined. */
export function bindTopN(max: boolean, withArg: boolean) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const arity = withArg ? 3 : 2
    if (argTypes.length !== arity || !isIntegerType(argTypes[arity - 1])) return undefined
    const value = argTypes[0]!, key = withArg ? argTypes[1]! : value
    return {
      argTypes: [...argTypes.slice(0, arity - 1), BIGINT], returns: list(value),
      createState: () => new TopNState(value, key, max, withArg),
    }
  }
}

/** arg_max_nulls_last(arg, val[, n]) / arg_min_nulls_last: NULLs take part and rank last. */
function bindNullsLast(max: boolean) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    if (argTypes.length !== 2 && argTypes.length !== 3) return undefined
    const [value, key] = argTypes as [LogicalType, LogicalType]
    const single = argTypes.length === 2
    if (!single && !isIntegerType(argTypes[2])) return undefined
    return {
      argTypes: single ? [value, key] : [value, key, BIGINT], returns: single ? value : list(value),
      createState: () => new TopNState(value, key, max, true, true, single),
    }
  }
}

export function registerExtraAggregates(hooks: Hooks): void {
  hooks.registerAggregate({ name: 'arg_max_nulls_last', nulls: 'handle', bind: bindNullsLast(true) })
  hooks.registerAggregate({ name: 'arg_min_nulls_last', nulls: 'handle', bind: bindNullsLast(false) })
  for (const result of ['sem', 'skewness', 'kurtosis', 'kurtosis_pop'] as const) {
    hooks.registerAggregate({ name: result, nulls: 'skip', overloads: [{ args: [DOUBLE], returns: DOUBLE, createState: () => new MomentState(result) }] })
  }
  hooks.registerAggregate({ name: 'fsum', aliases: ['kahan_sum', 'sumkahan'], nulls: 'skip', description: 'compensated (Kahan-Babuska) sum',
    overloads: [{ args: [DOUBLE], returns: DOUBLE, createState: () => new KahanState(false) }] })
  hooks.registerAggregate({ name: 'favg', nulls: 'skip', description: 'compensated mean',
    overloads: [{ args: [DOUBLE], returns: DOUBLE, createState: () => new KahanState(true) }] })
  hooks.registerAggregate({ name: 'weighted_avg', aliases: ['wavg'], nulls: 'skip', description: 'weighted_avg(value, weight)',
    overloads: [{ args: [DOUBLE, DOUBLE], returns: DOUBLE, createState: () => new WeightedAvgState() }] })
  hooks.registerAggregate({ name: 'sum', nulls: 'skip', overloads: [{ args: [BOOLEAN], returns: BIGINT, createState: () => new BoolSumState() }] })
  const regr: RegrResult[] = ['regr_avgx', 'regr_avgy', 'regr_count', 'regr_slope', 'regr_intercept', 'regr_r2', 'regr_sxx', 'regr_syy', 'regr_sxy']
  for (const result of regr) {
    hooks.registerAggregate({
      name: result, nulls: 'skip',
      overloads: [{ args: [DOUBLE, DOUBLE], returns: result === 'regr_count' ? BIGINT : DOUBLE, createState: () => new RegrState(result) }],
    })
  }
}
