/**
 * Aggregates that keep values per group: string_agg, list/array_agg, mode,
 * approx_count_distinct (exact distinct count) and the quantiles (median, quantile_cont,
 * quantile_disc), which sort each group's values at the end.
 */
import type { AggregateState, BoundAggregate } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import { GrizzlyError, SqlState } from '../../errors.ts'
import {
  BIGINT, BIGINT_MAX, DOUBLE, INTERVAL, type Interval, type LogicalType, TIMESTAMP, VARCHAR, type Value, list, physicalOf,
} from '../../types/types.ts'
import { Vector, VectorBuilder, getValue } from '../../vector/vector.ts'
import { compareValues, valueKey } from '../compare.ts'
import { argVector, growArray, sameState } from './state-util.ts'
import { textReader } from '../kernel-util.ts'
import { DATE_INFINITY, DATE_NEG_INFINITY, MICROS_PER_DAY } from '../../types/datetime.ts'

type Bound = Omit<BoundAggregate, 'name' | 'nulls' | 'orderSensitive'>

class StringAggState implements AggregateState {
  // parts are joined once at the end: repeated + would build deep rope strings
  private parts: (string[] | null)[] = []
  /** DuckDB requires one separator for the whole aggregate, so one is kept */
  private separator: string | null = null
  resize(groups: number): void { growArray(this.parts, groups, null) }
  private useSeparator(sep: string): void {
    if (this.separator === null) this.separator = sep
    else if (sep !== this.separator) {
      throw new GrizzlyError(SqlState.invalidParameterValue, 'string_agg: the separator must be a constant',
        { hint: "write the separator as a literal, e.g. string_agg(x, ', ')" })
    }
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), m = v.validity
    const text = textReader(v)
    const sepVec = args[1]
    const seps = sepVec === undefined ? null : sepVec.data as string[]
    const parts = this.parts
    if (seps === null) this.useSeparator(',')
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      if (seps !== null) this.useSeparator(sepVec!.validity !== null && sepVec!.validity[i] === 0 ? '' : seps[i]!)
      const g = groupIds[i]!
      const p = parts[g]
      if (p === null || p === undefined) parts[g] = [text(i)]
      else p.push(text(i))
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    if (o.separator !== null) this.useSeparator(o.separator)
    for (let i = 0; i < count; i++) {
      const p = o.parts[src[i]!] ?? null
      if (p === null) continue
      const cur = this.parts[dst[i]!] ?? null
      this.parts[dst[i]!] = cur === null ? p.slice() : cur.concat(p)
    }
  }
  finalize(groups: number): Vector {
    const out = new Array<string>(groups)
    let validity: Uint8Array | null = null
    const sep = this.separator ?? ','
    for (let g = 0; g < groups; g++) {
      const p = this.parts[g] ?? null
      if (p === null) { validity ??= new Uint8Array(groups).fill(1); validity[g] = 0; out[g] = ''; continue }
      out[g] = p.join(sep)
    }
    return new Vector(VARCHAR, groups, out, validity)
  }
}

class ListAggState implements AggregateState {
  private items: (Value[] | null)[] = []
  constructor(private readonly type: LogicalType) {}
  resize(groups: number): void { growArray(this.items, groups, null) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    for (let i = 0; i < count; i++) {
      const g = groupIds[i]!
      let arr = this.items[g]
      if (arr === null || arr === undefined) { arr = []; this.items[g] = arr }
      arr.push(getValue(v, i))
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const x = o.items[src[i]!] ?? null
      if (x === null) continue
      const cur = this.items[dst[i]!] ?? null
      this.items[dst[i]!] = cur === null ? x.slice() : cur.concat(x)
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(list(this.type), groups)
    for (let g = 0; g < groups; g++) b.push(this.items[g] ?? null)
    return b.finish()
  }
}

/**
 * Rows are numbered as states first see them, across all states, so that partial states built
 * from consecutive rows (a window's segment tree, merged in any order) still know which value
 * came first.
 */
let rowsSeen = 0

/** Per-group maps from a value's key to [value, count, first seen]: mode and distinct counting. */
class CountingState implements AggregateState {
  private maps: (Map<string, [Value, number, number]> | null)[] = []
  constructor(private readonly type: LogicalType, private readonly result: 'mode' | 'distinct') {}
  resize(groups: number): void { growArray(this.maps, groups, null) }
  private add(g: number, key: string, value: Value, n: number, first: number): void {
    let map = this.maps[g]
    if (map === null || map === undefined) { map = new Map(); this.maps[g] = map }
    const e = map.get(key)
    if (e === undefined) map.set(key, [value, n, first])
    else { e[1] += n; if (first < e[2]) e[2] = first }
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    for (let i = 0; i < count; i++) {
      const x = getValue(v, i)
      if (x === null) continue
      this.add(groupIds[i]!, valueKey(x), x, 1, rowsSeen++)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const map = o.maps[src[i]!]
      if (map === null || map === undefined) continue
      for (const [k, [value, n, first]] of map) this.add(dst[i]!, k, value, n, first)
    }
  }
  finalize(groups: number): Vector {
    if (this.result === 'distinct') {
      const out = new BigInt64Array(groups)
      for (let g = 0; g < groups; g++) out[g] = BigInt(this.maps[g]?.size ?? 0)
      return new Vector(BIGINT, groups, out, null)
    }
    const b = new VectorBuilder(this.type, groups)
    for (let g = 0; g < groups; g++) {
      const map = this.maps[g]
      if (map === null || map === undefined) { b.push(null); continue }
      // ties go to the value seen first (DuckDB keeps each value's first row the same way)
      let best: Value = null, bestN = 0, bestFirst = Infinity
      for (const [value, n, first] of map.values()) {
        if (n > bestN || (n === bestN && first < bestFirst)) { best = value; bestN = n; bestFirst = first }
      }
      b.push(best)
    }
    return b.finish()
  }
}

type QuantileKind = 'cont' | 'disc'

/** A quantile in [-1, 1]; a negative one counts from the top (DuckDB: -0.1 is 0.1 of the values descending). */
function checkQuantile(q: number): number {
  if (!(q >= -1 && q <= 1)) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `quantile must be between -1 and 1, got ${q}`,
      { hint: 'use e.g. 0.5 for the median or 0.9 for the 90th percentile (negative values count from the top)' })
  }
  return q
}

/** Number-valued stand-in for ordering and interpolation; null for types kept boxed. */
function numericOf(t: LogicalType): boolean {
  if (t.id === 'TIMETZ') return false
  const p = physicalOf(t)
  return p === 'i8' || p === 'i16' || p === 'i32' || p === 'i64' || p === 'f32' || p === 'f64' || p === 'date' || p === 'big'
}

class QuantileState implements AggregateState {
  private values: (Value[] | null)[] = []
  private quantiles: number[] | null = null
  constructor(
    private readonly input: LogicalType, private readonly returns: LogicalType,
    private readonly kind: QuantileKind, private readonly fixed: readonly number[] | null,
    private readonly listResult: boolean,
  ) {
    if (fixed !== null) this.quantiles = fixed.map(checkQuantile)
    const p = physicalOf(input)
    this.flat = p === 'i8' || p === 'i16' || p === 'i32' || p === 'f32' || p === 'f64' || p === 'date'
  }
  private readonly flat: boolean
  /** WITHIN GROUP (ORDER BY x DESC): quantiles counted from the largest value */
  descending = false
  resize(groups: number): void { growArray(this.values, groups, null) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    if (this.quantiles === null && args[1] !== undefined) {
      for (let i = 0; i < count && this.quantiles === null; i++) {
        const q = getValue(args[1], i)
        if (q !== null) this.quantiles = (Array.isArray(q) ? q as number[] : [q as number]).map(x => checkQuantile(Number(x)))
      }
      if (this.quantiles !== null && this.quantiles.some(x => x < 0) && this.quantiles.some(x => x > 0)) {
        throw new GrizzlyError(SqlState.invalidParameterValue, 'the quantiles of one call must all count from the bottom or all from the top',
          { hint: 'use only fractions ≥ 0, or only fractions ≤ 0' })
      }
      // the fraction must be a constant: a per-row one (random()) is refused, as in DuckDB
      const first = this.quantiles === null ? undefined : valueKey(this.quantiles.length === 1 && !this.listResult ? this.quantiles[0]! : this.quantiles)
      for (let i = 0; first !== undefined && i < count; i++) {
        const q = getValue(args[1], i)
        if (q !== null && valueKey(Array.isArray(q) ? (q as Value[]).map(Number) : Number(q)) !== first) {
          throw new GrizzlyError(SqlState.invalidParameterValue, 'the quantile must be a constant',
            { hint: 'pass a literal fraction such as 0.5 or [0.25, 0.75]' })
        }
      }
    }
    // numbers stored in typed arrays are read directly: no boxing per row
    const flat = this.flat ? v.data as ArrayLike<number> : null
    const m = v.validity
    for (let i = 0; i < count; i++) {
      let x: Value
      if (flat !== null) {
        if (m !== null && m[i] === 0) continue
        x = flat[i]!
      } else {
        x = getValue(v, i)
        if (x === null) continue
      }
      const g = groupIds[i]!
      let arr = this.values[g]
      if (arr === null || arr === undefined) { arr = []; this.values[g] = arr }
      arr.push(x)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    this.quantiles ??= o.quantiles
    for (let i = 0; i < count; i++) {
      const x = o.values[src[i]!] ?? null
      if (x === null) continue
      const cur = this.values[dst[i]!] ?? null
      this.values[dst[i]!] = cur === null ? x.slice() : cur.concat(x)
    }
  }
  private pick(sorted: ArrayLike<Value>, q: number): Value {
    const n = sorted.length
    // DuckDB's discrete quantile: the ⌈n·q⌉-th smallest value
    if (this.kind === 'disc' || !numericOf(this.input)) return sorted[Math.max(0, Math.ceil(n * q) - 1)]!
    const pos = (n - 1) * q
    const lo = Math.floor(pos), hi = Math.ceil(pos)
    const result = this.returns.id === 'LIST' ? this.returns.child.id : this.returns.id
    if (result === 'TIMESTAMP' || result === 'TIMESTAMPTZ') return interpolateInstant(this.input, sorted[lo]!, sorted[hi]!, pos - lo)
    const a = Number(sorted[lo]!), b = Number(sorted[hi]!)
    const r = lo === hi ? a : a + (pos - lo) * (b - a)
    switch (result) {
      // DuckDB truncates the interpolated value back to the input's precision
      case 'DECIMAL': {
        const rounded = Math.trunc(r)
        return physicalOf(this.input) === 'big' || physicalOf(this.input) === 'i64' ? BigInt(rounded) : rounded
      }
      case 'TIME': return Math.trunc(r)
      default: return r
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.returns, groups)
    const qs = this.quantiles ?? [0.5]
    const numeric = numericOf(this.input)
    for (let g = 0; g < groups; g++) {
      const vals = this.values[g]
      if (vals === null || vals === undefined || vals.length === 0) { b.push(null); continue }
      let sorted: ArrayLike<Value>
      // a typed-array sort is numeric and puts NaN last, as the engine orders them
      if (this.flat) sorted = Float64Array.from(vals as number[]).sort()
      else if (numeric) sorted = vals.sort((x, y) => (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0)
      else sorted = vals.sort((x, y) => compareValues(x, y, this.input))
      if (this.descending) sorted = Array.prototype.slice.call(sorted).reverse() as Value[]
      let reversed: ArrayLike<Value> | undefined
      const picked = qs.map(q => {
        if (q >= 0 && !Object.is(q, -0)) return this.pick(sorted, q)
        reversed ??= Array.prototype.slice.call(sorted).reverse() as Value[]
        return this.pick(reversed, -q)
      })
      b.push(this.listResult ? picked : picked[0]!)
    }
    return b.finish()
  }
}

/**
 * Interpolates between two DATE / TIMESTAMP values as DuckDB does: in microseconds, with the
 * infinities as the 64-bit extremes they are stored as there (so one infinite end gives a finite
 * but far-away answer).
 */
function interpolateInstant(input: LogicalType, x: Value, y: Value, d: number): number {
  const a = instantMicros(input, x), b = instantMicros(input, y)
  const r = d === 0 ? a : Math.trunc(a + d * (b - a))
  return r >= INSTANT_MAX ? Infinity : r <= -INSTANT_MAX ? -Infinity : r
}

/** A DATE / TIMESTAMP / TIME as microseconds, infinities as the 64-bit extremes (DuckDB's storage). */
function instantMicros(input: LogicalType, v: Value): number {
  const n = v as number
  if (input.id === 'DATE') return n === DATE_INFINITY ? INSTANT_MAX : n === DATE_NEG_INFINITY ? -INSTANT_MAX : n * MICROS_PER_DAY
  return n === Infinity ? INSTANT_MAX : n === -Infinity ? -INSTANT_MAX : n
}

/** Microseconds as an INTERVAL of days and micros, capped at the 64-bit range. */
function microsToInterval(r: number): Interval {
  let m = BigInt(Math.trunc(r))
  if (m > BIGINT_MAX) m = BIGINT_MAX
  const day = BigInt(MICROS_PER_DAY)
  return { months: 0, days: Number(m / day), micros: Number(m % day) }
}

// 2^63 - 1 as a double
const INSTANT_MAX = 9223372036854775807

/** The state of a quantile over values ordered descending (percentile_disc(q) WITHIN GROUP (ORDER BY x DESC)). */
export function descendingQuantile(state: AggregateState): AggregateState {
  if (state instanceof QuantileState) state.descending = true
  return state
}

/** quantile_cont / median result type: DOUBLE for numbers, DECIMAL kept, DATE → TIMESTAMP. */
function continuousType(t: LogicalType): LogicalType {
  switch (t.id) {
    case 'DECIMAL': case 'TIMESTAMP': case 'TIMESTAMPTZ': case 'TIME': return t
    case 'DATE': return TIMESTAMP
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'REAL': case 'DOUBLE': return DOUBLE
    default: return t
  }
}

const CONTINUOUS_INPUTS: ReadonlySet<string> = new Set([
  'NULL', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'REAL', 'DOUBLE', 'DECIMAL', 'DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMPTZ',
])

function bindQuantile(kind: QuantileKind, median: boolean) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const t = argTypes[0]
    if (t === undefined || argTypes.length !== (median ? 1 : 2)) return undefined
    // quantile_cont interpolates, so only numbers and points in time (DuckDB); median also takes the rest
    if (kind === 'cont' && !median && !CONTINUOUS_INPUTS.has(t.id)) return undefined
    const scalarType = kind === 'cont' ? continuousType(t) : t
    const q = argTypes[1]
    const listQ = q !== undefined && (q.id === 'LIST' || q.id === 'ARRAY')
    // the quantile must be a number or a list of numbers (a NULL quantile is refused)
    if (q !== undefined && !listQ && !['DOUBLE', 'DECIMAL', 'REAL', 'INTEGER', 'BIGINT', 'TINYINT', 'SMALLINT'].includes(q.id)) return undefined
    const returns = listQ ? list(scalarType) : scalarType
    return {
      argTypes: median ? [t] : [t, listQ ? list(DOUBLE) : DOUBLE],
      returns,
      createState: () => new QuantileState(t, returns, kind, median ? [0.5] : null, listQ),
    }
  }
}

/** mad (median absolute deviation) and entropy (base 2) over each group's values. */
class SpreadState implements AggregateState {
  private values: (number[] | null)[] = []
  private counts: (Map<string, number> | null)[] = []
  constructor(private readonly result: 'mad' | 'entropy', private readonly returns: LogicalType, private readonly scale: number) {}
  resize(groups: number): void { growArray(this.values, groups, null); growArray(this.counts, groups, null) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    for (let i = 0; i < count; i++) {
      const x = getValue(v, i)
      if (x === null) continue
      const g = groupIds[i]!
      if (this.result === 'mad') {
        let arr = this.values[g]
        if (arr === null || arr === undefined) { arr = []; this.values[g] = arr }
        arr.push(this.returns.id === 'INTERVAL' ? instantMicros(v.type, x) : Number(x))
      } else {
        let m = this.counts[g]
        if (m === null || m === undefined) { m = new Map(); this.counts[g] = m }
        const k = valueKey(x)
        m.set(k, (m.get(k) ?? 0) + 1)
      }
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      const vals = o.values[s]
      if (vals !== null && vals !== undefined) this.values[d] = (this.values[d] ?? []).concat(vals)
      const m = o.counts[s]
      if (m !== null && m !== undefined) {
        const mine = this.counts[d] ?? new Map<string, number>()
        for (const [k, n] of m) mine.set(k, (mine.get(k) ?? 0) + n)
        this.counts[d] = mine
      }
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.returns, groups)
    for (let g = 0; g < groups; g++) {
      if (this.result === 'entropy') {
        const m = this.counts[g]
        if (m === null || m === undefined) { b.push(0); continue }
        let total = 0
        for (const n of m.values()) total += n
        let h = 0
        for (const n of m.values()) h += (n / total) * Math.log2(total / n)
        b.push(h)
        continue
      }
      const vals = this.values[g]
      if (vals === null || vals === undefined || vals.length === 0) { b.push(null); continue }
      const sorted = Float64Array.from(vals).sort()
      const med = medianOf(sorted)
      const dev = Float64Array.from(sorted, x => Math.abs(x - med)).sort()
      const r = medianOf(dev)
      if (this.returns.id === 'INTERVAL') { b.push(microsToInterval(r)); continue }
      b.push(this.returns.id === 'DECIMAL' ? Math.trunc(r) : this.returns.id === 'BIGINT' ? BigInt(Math.trunc(r)) : r / this.scale)
    }
    return b.finish()
  }
}

function medianOf(sorted: Float64Array): number {
  const n = sorted.length
  const pos = (n - 1) / 2, lo = Math.floor(pos), hi = Math.ceil(pos)
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!)
}

export function registerCollectingAggregates(hooks: Hooks): void {
  hooks.registerAggregate({
    name: 'mad', nulls: 'skip', description: 'median absolute deviation',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      if (t.id === 'DECIMAL') return { argTypes, returns: t, createState: () => new SpreadState('mad', t, 1) }
      // temporal values: the deviation is a span of time (DuckDB)
      if (t.id === 'DATE' || t.id === 'TIMESTAMP' || t.id === 'TIMESTAMPTZ' || t.id === 'TIME') {
        return { argTypes, returns: INTERVAL, createState: () => new SpreadState('mad', INTERVAL, 1) }
      }
      if (!['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'REAL', 'DOUBLE'].includes(t.id)) return undefined
      return { argTypes, returns: DOUBLE, createState: () => new SpreadState('mad', DOUBLE, 1) }
    },
  })
  hooks.registerAggregate({
    name: 'entropy', nulls: 'skip', description: 'Shannon entropy (base 2) of the values',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      return { argTypes, returns: DOUBLE, createState: () => new SpreadState('entropy', DOUBLE, 1) }
    },
  })
  hooks.registerAggregate({
    name: 'string_agg', aliases: ['group_concat', 'listagg'], nulls: 'skip', orderSensitive: true,
    description: "joins the non-NULL values with a separator (default ',')",
    bind: argTypes => {
      if (argTypes.length !== 1 && argTypes.length !== 2) return undefined
      const value = argTypes[0]!.id === 'NULL' ? VARCHAR : argTypes[0]!
      // values of any type are joined as their text, as DuckDB does
      return { argTypes: argTypes.length === 1 ? [value] : [value, VARCHAR], returns: VARCHAR, createState: () => new StringAggState() }
    },
  })
  hooks.registerAggregate({
    name: 'list', aliases: ['array_agg'], nulls: 'handle', orderSensitive: true, description: 'the values as a LIST, NULLs included',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      return { argTypes, returns: list(t), createState: () => new ListAggState(t) }
    },
  })
  hooks.registerAggregate({
    name: 'mode', nulls: 'skip', description: 'the most frequent value',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      return { argTypes, returns: t, createState: () => new CountingState(t, 'mode') }
    },
  })
  hooks.registerAggregate({
    name: 'approx_count_distinct', nulls: 'skip', description: 'number of distinct values (computed exactly)',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 1 || t === undefined) return undefined
      return { argTypes, returns: BIGINT, createState: () => new CountingState(t, 'distinct') }
    },
  })
  hooks.registerAggregate({ name: 'median', nulls: 'skip', description: 'the middle value (interpolated)', bind: bindQuantile('cont', true) })
  hooks.registerAggregate({ name: 'quantile_cont', aliases: ['percentile_cont'], nulls: 'skip', description: 'interpolated quantile', bind: bindQuantile('cont', false) })
  hooks.registerAggregate({ name: 'quantile_disc', aliases: ['quantile', 'percentile_disc'], nulls: 'skip', description: 'quantile picked from the values', bind: bindQuantile('disc', false) })
}
