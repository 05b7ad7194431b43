/**
 * Order-based aggregates: min, max (every orderable type), arg_min/arg_max (min_by/max_by),
 * first/arbitrary, last, any_value. Numbers keep a Float64Array per group, BIGINT a
 * BigInt64Array; every other type keeps boxed values compared with the engine's order.
 */
import type { AggregateState, BoundAggregate } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import { type LogicalType, physicalOf, type Value } from '../../types/types.ts'
import { Vector, VectorBuilder, allocData, getValue } from '../../vector/vector.ts'
import { compareValues } from '../compare.ts'
import { argVector, growF64, growI64, growU8, rowOk, sameState, validityFromFlags } from './state-util.ts'

type Bound = Omit<BoundAggregate, 'name' | 'nulls' | 'orderSensitive'>

function isNumberPhysical(t: LogicalType): boolean {
  const p = physicalOf(t)
  return p === 'u8' || p === 'i8' || p === 'i16' || p === 'i32' || p === 'date' || p === 'f32' || p === 'f64'
}

/** min/max over number-backed types; NaN counts as the largest value. */
class NumberExtremeState implements AggregateState {
  private vals = new Float64Array(16)
  private has = new Uint8Array(16)
  constructor(private readonly type: LogicalType, private readonly max: boolean) {}
  resize(groups: number): void { this.vals = growF64(this.vals, groups); this.has = growU8(this.has, groups) }
  private fold(g: number, x: number): void {
    if (this.has[g] === 0) { this.vals[g] = x; this.has[g] = 1; return }
    const cur = this.vals[g]!
    const better = this.max ? (x > cur || (x !== x && cur === cur)) : (x < cur || (cur !== cur && x === x))
    if (better) this.vals[g] = x
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    const vals = this.vals, has = this.has
    if (m === null && this.max) {
      for (let i = 0; i < count; i++) {
        const g = groupIds[i]!, x = a[i]!
        if (has[g] === 0) { vals[g] = x; has[g] = 1 } else if (x > vals[g]! || (x !== x && vals[g] === vals[g])) vals[g] = x
      }
      return
    }
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) this.fold(groupIds[i]!, a[i]!)
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) if (o.has[src[i]!] === 1) this.fold(dst[i]!, o.vals[src[i]!]!)
  }
  finalize(groups: number): Vector {
    const out = allocData(physicalOf(this.type), groups) as Float64Array
    for (let g = 0; g < groups; g++) out[g] = this.vals[g]!
    return new Vector(this.type, groups, out, validityFromFlags(this.has, groups))
  }
}

class BigExtremeState implements AggregateState {
  private vals = new BigInt64Array(16)
  private has = new Uint8Array(16)
  constructor(private readonly type: LogicalType, private readonly max: boolean) {}
  resize(groups: number): void { this.vals = growI64(this.vals, groups); this.has = growU8(this.has, groups) }
  private fold(g: number, x: bigint): void {
    if (this.has[g] === 0) { this.vals[g] = x; this.has[g] = 1; return }
    if (this.max ? x > this.vals[g]! : x < this.vals[g]!) this.vals[g] = x
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as BigInt64Array, m = v.validity
    for (let i = 0; i < count; i++) if (m === null || m[i] === 1) this.fold(groupIds[i]!, a[i]!)
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) if (o.has[src[i]!] === 1) this.fold(dst[i]!, o.vals[src[i]!]!)
  }
  finalize(groups: number): Vector {
    return new Vector(this.type, groups, this.vals.slice(0, groups), validityFromFlags(this.has, groups))
  }
}

/** Boxed values per group; finalize builds a vector of `type`. */
abstract class BoxedState implements AggregateState {
  protected vals: Value[] = []
  protected has = new Uint8Array(16)
  constructor(protected readonly type: LogicalType) {}
  resize(groups: number): void {
    this.has = growU8(this.has, groups)
    while (this.vals.length < groups) this.vals.push(null)
  }
  abstract update(args: readonly Vector[], groupIds: Int32Array, count: number): void
  abstract combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void
  finalize(groups: number): Vector {
    const b = new VectorBuilder(this.type, groups)
    for (let g = 0; g < groups; g++) b.push(this.has[g] === 1 ? this.vals[g]! : null)
    return b.finish()
  }
}

class BoxedExtremeState extends BoxedState {
  constructor(type: LogicalType, private readonly max: boolean) { super(type) }
  private fold(g: number, x: Value): void {
    if (this.has[g] === 0) { this.vals[g] = x; this.has[g] = 1; return }
    const c = compareValues(x, this.vals[g]!, this.type)
    if (this.max ? c > 0 : c < 0) this.vals[g] = x
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    if (v.physical === 'str') {
      // strings compare with < directly, skipping the generic comparator
      const a = v.data as string[], m = v.validity
      for (let i = 0; i < count; i++) {
        if (m !== null && m[i] === 0) continue
        const g = groupIds[i]!, x = a[i]!
        if (this.has[g] === 0) { this.vals[g] = x; this.has[g] = 1 } else if (this.max ? x > (this.vals[g] as string) : x < (this.vals[g] as string)) this.vals[g] = x
      }
      return
    }
    for (let i = 0; i < count; i++) {
      const x = getValue(v, i)
      if (x !== null) this.fold(groupIds[i]!, x)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) if (o.has[src[i]!] === 1) this.fold(dst[i]!, o.vals[src[i]!]!)
  }
}

export function extremeState(type: LogicalType, max: boolean): AggregateState {
  if (isNumberPhysical(type)) return new NumberExtremeState(type, max)
  if (physicalOf(type) === 'i64') return new BigExtremeState(type, max)
  return new BoxedExtremeState(type, max)
}

/** arg_max(arg, val): arg of the row with the largest val (first such row wins). */
class ArgExtremeState extends BoxedState {
  private keys: Value[] = []
  constructor(type: LogicalType, private readonly keyType: LogicalType, private readonly max: boolean, private readonly keepNullArgs = false) { super(type) }
  override resize(groups: number): void {
    super.resize(groups)
    while (this.keys.length < groups) this.keys.push(null)
  }
  private fold(g: number, arg: Value, key: Value): void {
    if (this.has[g] === 0) { this.vals[g] = arg; this.keys[g] = key; this.has[g] = 1; return }
    const c = compareValues(key, this.keys[g]!, this.keyType)
    if (this.max ? c > 0 : c < 0) { this.vals[g] = arg; this.keys[g] = key }
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const a = argVector(args, 0), k = argVector(args, 1)
    for (let i = 0; i < count; i++) {
      if (this.keepNullArgs ? !k.isValid(i) : !rowOk(args, i)) continue
      this.fold(groupIds[i]!, getValue(a, i), getValue(k, i))
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) if (o.has[src[i]!] === 1) this.fold(dst[i]!, o.vals[src[i]!]!, o.keys[src[i]!]!)
  }
}

/** first / last (NULLs count as values) and any_value (first non-NULL). */
class PickState extends BoxedState {
  constructor(type: LogicalType, private readonly last: boolean, private readonly skipNulls: boolean) { super(type) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0)
    for (let i = 0; i < count; i++) {
      const g = groupIds[i]!
      if (!this.last && this.has[g] === 1) continue
      const x = getValue(v, i)
      if (x === null && this.skipNulls) continue
      this.vals[g] = x
      this.has[g] = 1
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      if (o.has[s] === 0) continue
      if (!this.last && this.has[d] === 1) continue
      this.vals[d] = o.vals[s]!
      this.has[d] = 1
    }
  }
}

function unary(make: (t: LogicalType) => AggregateState) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const t = argTypes[0]
    if (argTypes.length !== 1 || t === undefined) return undefined
    const type = t.id === 'NULL' ? t : t
    return { argTypes: [type], returns: type, createState: () => make(type) }
  }
}

export function registerMinMaxAggregates(hooks: Hooks): void {
  hooks.registerAggregate({ name: 'min', nulls: 'skip', description: 'smallest value', bind: unary(t => extremeState(t, false)) })
  hooks.registerAggregate({ name: 'max', nulls: 'skip', description: 'largest value', bind: unary(t => extremeState(t, true)) })
  for (const [name, aliases, max] of [['arg_max', ['max_by', 'argmax'], true], ['arg_min', ['min_by', 'argmin'], false]] as const) {
    hooks.registerAggregate({
      name, aliases: [...aliases], nulls: 'skip',
      description: `the first argument at the row where the second is ${max ? 'largest' : 'smallest'}`,
      bind: argTypes => {
        const [a, k] = argTypes
        if (argTypes.length !== 2 || a === undefined || k === undefined) return undefined
        return { argTypes, returns: a, createState: () => new ArgExtremeState(a, k, max) }
      },
    })
  }
  // arg_max_null / arg_min_null also return a NULL argument (rows with a NULL key are skipped)
  for (const [name, max] of [['arg_max_null', true], ['arg_min_null', false]] as const) {
    hooks.registerAggregate({
      name, nulls: 'handle',
      bind: argTypes => {
        const [a, k] = argTypes
        if (argTypes.length !== 2 || a === undefined || k === undefined) return undefined
        return { argTypes, returns: a, createState: () => new ArgExtremeState(a, k, max, true) }
      },
    })
  }
  hooks.registerAggregate({
    name: 'first', aliases: ['arbitrary'], nulls: 'handle', orderSensitive: true, description: 'the first value (NULL included)',
    bind: unary(t => new PickState(t, false, false)),
  })
  hooks.registerAggregate({
    name: 'last', nulls: 'handle', orderSensitive: true, description: 'the last value (NULL included)',
    bind: unary(t => new PickState(t, true, false)),
  })
  hooks.registerAggregate({
    name: 'any_value', nulls: 'handle', orderSensitive: true, description: 'the first non-NULL value',
    bind: unary(t => new PickState(t, false, true)),
  })
}
