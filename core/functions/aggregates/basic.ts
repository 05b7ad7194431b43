/**
 * Counting and arithmetic aggregates: count(*), count, sum, avg, product, count_if,
 * bool_and/bool_or, bit_and/bit_or/bit_xor. Integer and DECIMAL sums are exact: they add in
 * doubles while the running total stays below 2^52 and spill into a bigint beyond that.
 */
import type { AggregateOverload, AggregateState } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import {
  BIGINT, BIGINT_MAX, BIGINT_MIN, BOOLEAN, DATE, DOUBLE, INTERVAL, type LogicalType, REAL, TIME, TIMESTAMP, TIMESTAMPTZ, TIMETZ, decimal, physicalOf,
} from '../../types/types.ts'
import { Vector } from '../../vector/vector.ts'
import { outOfRange } from '../kernel-util.ts'
import { INTEGER_TYPES } from '../operators.ts'
import { IntervalAvgState, TimeTzAvgState } from './temporal-avg.ts'
import { LaneSum } from './lane-sum.ts'
import {
  argVector, bigintOf, growF64, growI64, growU8, int64FromDoubles, rowOk, sameState, validityFromFlags,
} from './state-util.ts'

const SPILL = 2 ** 52
const SMALL = 2 ** 50

class CountState implements AggregateState {
  private counts = new Float64Array(16)
  constructor(private readonly star: boolean) {}
  resize(groups: number): void { this.counts = growF64(this.counts, groups) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const c = this.counts
    if (this.star || args.length === 0 || args.every(a => a.validity === null)) {
      for (let i = 0; i < count; i++) c[groupIds[i]!]!++
      return
    }
    for (let i = 0; i < count; i++) if (rowOk(args, i)) c[groupIds[i]!]!++
  }
  updateSingle(args: readonly Vector[], count: number): void {
    if (this.star || args.length === 0 || args.every(a => a.validity === null)) { this.counts[0]! += count; return }
    let n = 0
    for (let i = 0; i < count; i++) if (rowOk(args, i)) n++
    this.counts[0]! += n
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other).counts
    for (let i = 0; i < count; i++) this.counts[dst[i]!]! += o[src[i]!]!
  }
  finalize(groups: number): Vector {
    return new Vector(BIGINT, groups, int64FromDoubles(this.counts, groups), null)
  }
}

/** count_if(condition): rows where the condition is TRUE. */
class CountIfState implements AggregateState {
  private counts = new Float64Array(16)
  resize(groups: number): void { this.counts = growF64(this.counts, groups) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), d = v.data as Uint8Array, m = v.validity
    for (let i = 0; i < count; i++) if (d[i] === 1 && (m === null || m[i] === 1)) this.counts[groupIds[i]!]!++
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other).counts
    for (let i = 0; i < count; i++) this.counts[dst[i]!]! += o[src[i]!]!
  }
  finalize(groups: number): Vector {
    return new Vector(BIGINT, groups, int64FromDoubles(this.counts, groups), null)
  }
}

/** Exact sum of integers or DECIMAL scaled integers; result BIGINT or DECIMAL(38, s). */
export class ExactSumState implements AggregateState {
  private lo = new Float64Array(16)
  private hi: bigint[] = []
  private has = new Uint8Array(16)
  constructor(private readonly returns: LogicalType) {}
  resize(groups: number): void {
    this.lo = growF64(this.lo, groups)
    this.has = growU8(this.has, groups)
  }
  private spill(g: number, amount: bigint): void {
    while (this.hi.length <= g) this.hi.push(0n)
    this.hi[g] = this.hi[g]! + amount
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), m = v.validity
    const lo = this.lo, has = this.has
    const d = v.data
    if (d instanceof BigInt64Array || Array.isArray(d)) {
      const a = d as ArrayLike<bigint>
      for (let i = 0; i < count; i++) {
        if (m !== null && m[i] === 0) continue
        const g = groupIds[i]!, x = a[i]!, f = Number(x)
        has[g] = 1
        // Number() is exact below 2^50, and cheaper than comparing bigints
        if (f < SMALL && f > -SMALL) {
          const s = lo[g]! + f
          if (s > SPILL || s < -SPILL) { this.spill(g, BigInt(s)); lo[g] = 0 } else lo[g] = s
        } else this.spill(g, x)
      }
      return
    }
    const a = d as Float64Array
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      const g = groupIds[i]!
      has[g] = 1
      const s = lo[g]! + a[i]!
      if (s > SPILL || s < -SPILL) { this.spill(g, BigInt(s)); lo[g] = 0 } else lo[g] = s
    }
  }
  updateSingle(args: readonly Vector[], count: number): void {
    const v = argVector(args, 0), m = v.validity, d = v.data
    if (!(d instanceof Float64Array)) { this.update(args, new Int32Array(count), count); return }
    // the running total stays in a local: the same additions in the same order as update
    let s = this.lo[0]!, any = false
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      any = true
      s += d[i]!
      if (s > SPILL || s < -SPILL) { this.spill(0, BigInt(s)); s = 0 }
    }
    this.lo[0] = s
    if (any) this.has[0] = 1
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      if (o.has[s] === 0) continue
      this.has[d] = 1
      this.spill(d, BigInt(o.lo[s]!) + (o.hi[s] ?? 0n))
    }
  }
  /** exact per-group totals */
  totals(groups: number): bigint[] {
    const totals = new Array<bigint>(groups)
    // q18 finalizes 1.5M small sums: no bigint made for them unless a group spilled
    for (let g = 0; g < groups; g++) { const h = this.hi[g]; totals[g] = h === undefined || h === 0n ? bigintOf(this.lo[g]!) : BigInt(this.lo[g]!) + h }
    return totals
  }
  finalize(groups: number): Vector {
    const totals = this.totals(groups)
    const validity = validityFromFlags(this.has, groups)
    if (this.returns.id === 'BIGINT') {
      const out = new BigInt64Array(groups)
      for (let g = 0; g < groups; g++) {
        const t = totals[g]!
        if (t > BIGINT_MAX || t < BIGINT_MIN) throw outOfRange(`Overflow in sum: ${t} does not fit BIGINT`, 'cast the argument to DECIMAL(38,0) or DOUBLE')
        out[g] = t
      }
      return new Vector(BIGINT, groups, out, validity)
    }
    if (physicalOf(this.returns) === 'f64') return new Vector(this.returns, groups, Float64Array.from(totals, Number), validity)
    return new Vector(this.returns, groups, totals, validity)
  }
}

/** sum / product of doubles. */
class FloatFoldState implements AggregateState {
  private acc: Float64Array<ArrayBuffer>
  private has = new Uint8Array(16)
  /** a sum without GROUP BY (updateSingle), until it is folded into group 0 */
  private readonly lanes = new LaneSum()
  constructor(private readonly product: boolean, private readonly returns: LogicalType) {
    this.acc = new Float64Array(16).fill(product ? 1 : 0)
  }
  resize(groups: number): void {
    this.acc = growF64(this.acc, groups, this.product ? 1 : 0)
    this.has = growU8(this.has, groups)
  }
  private settle(): void { this.lanes.addTo(this.acc) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    this.settle()
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    const acc = this.acc, has = this.has
    if (this.product) {
      for (let i = 0; i < count; i++) if (m === null || m[i] === 1) { const g = groupIds[i]!; acc[g]! *= a[i]!; has[g] = 1 }
    } else {
      for (let i = 0; i < count; i++) if (m === null || m[i] === 1) { const g = groupIds[i]!; acc[g]! += a[i]!; has[g] = 1 }
    }
  }
  updateSingle(args: readonly Vector[], count: number): void {
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    if (!this.product) { if (this.lanes.add(a, m, count) > 0) this.has[0] = 1; return }
    let acc = this.acc[0]!, any = false
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      any = true
      acc *= a[i]!
    }
    this.acc[0] = acc
    if (any) this.has[0] = 1
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    this.settle(); o.settle()
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      if (o.has[s] === 0) continue
      this.acc[d] = this.product ? this.acc[d]! * o.acc[s]! : this.acc[d]! + o.acc[s]!
      this.has[d] = 1
    }
  }
  finalize(groups: number): Vector {
    this.settle()
    const out = this.returns.id === 'REAL' ? Float32Array.from(this.acc.subarray(0, groups)) : this.acc.slice(0, groups)
    return new Vector(this.returns, groups, out, validityFromFlags(this.has, groups))
  }
}

/**
 * avg → DOUBLE. Floats add in doubles; integers and DECIMALs add exactly (as sum does) and the
 * exact total is divided once at the end, DECIMALs by count × 10^scale, so the mean is as close
 * to the true quotient as a double allows (DuckDB divides its HUGEINT sum the same way).
 */
class AvgState implements AggregateState {
  private sum = new Float64Array(16)
  private n = new Float64Array(16)
  /** the sum of floats without GROUP BY (updateSingle), until it is folded into group 0 */
  private readonly lanes = new LaneSum()
  private readonly exact: ExactSumState | null
  constructor(private readonly scale: number, exact: boolean) {
    this.exact = exact ? new ExactSumState(decimal(38, 0)) : null
  }
  get foldsExactly(): boolean { return this.exact !== null }
  resize(groups: number): void {
    this.sum = growF64(this.sum, groups); this.n = growF64(this.n, groups)
    this.exact?.resize(groups)
  }
  private settle(): void { this.lanes.addTo(this.sum) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    this.settle()
    const v = argVector(args, 0), m = v.validity
    const n = this.n
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) n[groupIds[i]!]!++
    if (this.exact !== null) { this.exact.update(args, groupIds, count); return }
    const a = v.data as Float64Array, sum = this.sum
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) sum[groupIds[i]!]! += a[i]!
  }
  updateSingle(args: readonly Vector[], count: number): void {
    const v = argVector(args, 0), m = v.validity
    let n = 0
    if (m === null) n = count
    else for (let i = 0; i < count; i++) if (m[i] === 1) n++
    this.n[0]! += n
    if (this.exact !== null) { this.exact.updateSingle(args, count); return }
    this.lanes.add(v.data as Float64Array, m, count)
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    this.settle(); o.settle()
    for (let i = 0; i < count; i++) { this.sum[dst[i]!]! += o.sum[src[i]!]!; this.n[dst[i]!]! += o.n[src[i]!]! }
    if (this.exact !== null && o.exact !== null) this.exact.combine(o.exact, src, dst, count)
  }
  finalize(groups: number): Vector {
    this.settle()
    const out = new Float64Array(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    const totals = this.exact?.totals(groups)
    const scaleFactor = 10n ** BigInt(this.scale)
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      if (n === 0) { nulls = true; continue }
      valid[g] = 1
      if (totals === undefined) { out[g] = this.sum[g]! / n; continue }
      out[g] = exactMean(totals[g]!, n, scaleFactor)
    }
    return new Vector(DOUBLE, groups, out, nulls ? valid : null)
  }
}

/** the mean of `n` scaled integers adding up to `total`, as close to the true quotient as a double allows */
export function exactMean(total: bigint, n: number, scaleFactor: bigint): number {
  const d = BigInt(n) * scaleFactor
  const q = total / d
  return Number(q) + Number(total - q * d) / Number(d)
}

/**
 * True when `state` folds DECIMAL scaled integers handed over as a Float64Array (all within
 * ±2^53) exactly as it folds their bigints: sum and avg of DECIMAL. The executor then skips
 * building bigints for wide DECIMAL arithmetic it can do in doubles (execution/exact-decimal.ts).
 */
export function takesScaledDoubles(state: AggregateState): boolean {
  return state instanceof ExactSumState || (state instanceof AvgState && state.foldsExactly)
}

/** bool_and / bool_or over BOOLEAN; a group's first value initialises it. */
class BoolFoldState implements AggregateState {
  private acc = new Uint8Array(16)
  private has = new Uint8Array(16)
  constructor(private readonly and: boolean) {}
  resize(groups: number): void {
    this.acc = growU8(this.acc, groups)
    this.has = growU8(this.has, groups)
  }
  private fold(g: number, x: number): void {
    if (this.has[g] === 0) { this.acc[g] = x; this.has[g] = 1; return }
    this.acc[g] = this.and ? this.acc[g]! & x : this.acc[g]! | x
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Uint8Array, m = v.validity
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) this.fold(groupIds[i]!, a[i]!)
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) if (o.has[src[i]!] === 1) this.fold(dst[i]!, o.acc[src[i]!]!)
  }
  finalize(groups: number): Vector {
    return new Vector(BOOLEAN, groups, this.acc.slice(0, groups), validityFromFlags(this.has, groups))
  }
}

/** bit_and / bit_or / bit_xor on one integer type; kept as bigint so BIGINT is exact. */
class BitFoldState implements AggregateState {
  private acc = new BigInt64Array(16)
  private has = new Uint8Array(16)
  constructor(private readonly op: 'and' | 'or' | 'xor', private readonly type: LogicalType) {
    if (op === 'and') this.acc.fill(-1n)
  }
  resize(groups: number): void {
    this.acc = growI64(this.acc, groups, this.op === 'and' ? -1n : 0n)
    this.has = growU8(this.has, groups)
  }
  private fold(g: number, x: bigint): void {
    const a = this.acc[g]!
    this.acc[g] = this.op === 'and' ? a & x : this.op === 'or' ? a | x : a ^ x
    this.has[g] = 1
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), m = v.validity, d = v.data as ArrayLike<number | bigint>
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) this.fold(groupIds[i]!, BigInt(d[i]!))
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) if (o.has[src[i]!] === 1) this.fold(dst[i]!, o.acc[src[i]!]!)
  }
  finalize(groups: number): Vector {
    const validity = validityFromFlags(this.has, groups)
    if (this.type.id === 'BIGINT') return new Vector(this.type, groups, this.acc.slice(0, groups), validity)
    const Ctor = this.type.id === 'INTEGER' ? Int32Array : this.type.id === 'SMALLINT' ? Int16Array : Int8Array
    const out = new Ctor(groups)
    for (let g = 0; g < groups; g++) out[g] = Number(BigInt.asIntN(32, this.acc[g]!))
    return new Vector(this.type, groups, out, validity)
  }
}

/**
 * avg of DATE / TIMESTAMP / TIME: sums offsets from the group's first value so large epoch
 * values keep their precision; DATE averages come out as TIMESTAMP (DuckDB).
 */
class TemporalAvgState implements AggregateState {
  private base = new Float64Array(16)
  private sum = new Float64Array(16)
  private n = new Float64Array(16)
  constructor(private readonly returns: LogicalType, private readonly unit: number) {}
  resize(groups: number): void { this.base = growF64(this.base, groups); this.sum = growF64(this.sum, groups); this.n = growF64(this.n, groups) }
  private add(g: number, x: number): void {
    if (this.n[g] === 0) this.base[g] = x
    this.sum[g]! += x - this.base[g]!
    this.n[g]!++
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), m = v.validity, a = v.data as Float64Array
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) this.add(groupIds[i]!, a[i]! * this.unit)
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      const n = o.n[s]!
      if (n === 0) continue
      if (this.n[d] === 0) { this.base[d] = o.base[s]!; this.sum[d] = o.sum[s]!; this.n[d] = n; continue }
      // other's values are its base plus offsets; re-express them against this group's base
      this.sum[d]! += (o.base[s]! - this.base[d]!) * n + o.sum[s]!
      this.n[d]! += n
    }
  }
  finalize(groups: number): Vector {
    const out = new Float64Array(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      if (n === 0) { nulls = true; continue }
      valid[g] = 1
      // truncate the exact mean toward zero, as an integer division of the total would
      const mean = this.base[g]! + this.sum[g]! / n
      out[g] = mean >= 0 ? this.base[g]! + Math.floor(this.sum[g]! / n) : this.base[g]! + Math.ceil(this.sum[g]! / n)
    }
    return new Vector(this.returns, groups, out, nulls ? valid : null)
  }
}

function sumOverloadFor(t: LogicalType): AggregateOverload | undefined {
  switch (t.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER':
      return { args: [t], returns: BIGINT, createState: () => new ExactSumState(BIGINT) }
    case 'BIGINT': {
      const r = decimal(38, 0)
      return { args: [t], returns: r, createState: () => new ExactSumState(r) }
    }
    case 'REAL': case 'DOUBLE':
      return { args: [t], returns: DOUBLE, createState: () => new FloatFoldState(false, DOUBLE) }
    default: return undefined
  }
}

export function registerBasicAggregates(hooks: Hooks): void {
  hooks.registerAggregate({
    name: 'count_star', nulls: 'handle', description: 'count(*): number of rows',
    overloads: [{ args: [], returns: BIGINT, createState: () => new CountState(true) }],
  })
  hooks.registerAggregate({
    name: 'count', nulls: 'skip', description: 'number of non-NULL values',
    overloads: [{ args: [], returns: BIGINT, createState: () => new CountState(true) }],
    bind: argTypes => argTypes.length === 1 ? { argTypes, returns: BIGINT, createState: () => new CountState(false) } : undefined,
  })
  hooks.registerAggregate({
    name: 'sum', nulls: 'skip', description: 'sum; exact for integers and DECIMAL',
    overloads: [...INTEGER_TYPES, REAL, DOUBLE].map(t => sumOverloadFor(t)!),
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t?.id !== 'DECIMAL') return undefined
      const r = decimal(38, t.scale)
      return { argTypes, returns: r, createState: () => new ExactSumState(r) }
    },
  })
  hooks.registerAggregate({
    name: 'avg', aliases: ['mean'], nulls: 'skip', description: 'arithmetic mean as DOUBLE',
    overloads: [
      ...INTEGER_TYPES.map(t => ({ args: [t], returns: DOUBLE, createState: () => new AvgState(0, true) })),
      ...[REAL, DOUBLE].map(t => ({ args: [t], returns: DOUBLE, createState: () => new AvgState(0, false) })),
      { args: [DATE], returns: TIMESTAMP, createState: () => new TemporalAvgState(TIMESTAMP, 86_400_000_000) },
      { args: [TIMESTAMP], returns: TIMESTAMP, createState: () => new TemporalAvgState(TIMESTAMP, 1) },
      { args: [TIME], returns: TIME, createState: () => new TemporalAvgState(TIME, 1) },
      { args: [TIMESTAMPTZ], returns: TIMESTAMPTZ, createState: () => new TemporalAvgState(TIMESTAMPTZ, 1) },
      { args: [TIMETZ], returns: TIMETZ, createState: () => new TimeTzAvgState() },
      { args: [INTERVAL], returns: INTERVAL, createState: () => new IntervalAvgState() },
    ],
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t?.id !== 'DECIMAL') return undefined
      return { argTypes, returns: DOUBLE, createState: () => new AvgState(t.scale, true) }
    },
  })
  hooks.registerAggregate({
    name: 'product', nulls: 'skip', description: 'product of the values as DOUBLE',
    overloads: [{ args: [DOUBLE], returns: DOUBLE, createState: () => new FloatFoldState(true, DOUBLE) }],
  })
  hooks.registerAggregate({
    name: 'count_if', aliases: ['countif'], nulls: 'skip', description: 'number of rows where the condition is TRUE',
    overloads: [{ args: [BOOLEAN], returns: BIGINT, createState: () => new CountIfState() }],
  })
  hooks.registerAggregate({
    name: 'bool_and', aliases: ['every'], nulls: 'skip',
    overloads: [{ args: [BOOLEAN], returns: BOOLEAN, createState: () => new BoolFoldState(true) }],
  })
  hooks.registerAggregate({
    name: 'bool_or', nulls: 'skip',
    overloads: [{ args: [BOOLEAN], returns: BOOLEAN, createState: () => new BoolFoldState(false) }],
  })
  for (const op of ['and', 'or', 'xor'] as const) {
    hooks.registerAggregate({
      name: `bit_${op}`, nulls: 'skip',
      overloads: INTEGER_TYPES.map(t => ({ args: [t], returns: t, createState: () => new BitFoldState(op, t) })),
    })
  }
}
