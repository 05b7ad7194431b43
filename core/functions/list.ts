/**
 * LIST functions. Types come from the arguments (bind), so one definition serves every
 * element type. Element access gathers straight from the child vector; the rest work on
 * boxed values row by row, which keeps nested element types (lists of structs …) correct.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundScalar, FunctionContext, ScalarKernel } from '../hooks/contracts.ts'
import {
  BIGINT, BOOLEAN, INTEGER, type LogicalType, NULL_TYPE, VARCHAR, type Value, list,
} from '../types/types.ts'
import { Vector, VectorBuilder, gather, getValue, nullVector } from '../vector/vector.ts'
import { compareValues, valueKey } from './compare.ts'
import { unifiedType } from './conditional.ts'
import { codePoints } from './string.ts'
import { invalidParameter, rowValid } from './kernel-util.ts'
import { registerListAggregates } from './list-aggregates.ts'
import { registerMoreListFunctions } from './list-extra.ts'
import { registerMapFunctions } from './list-map.ts'
import { defaultDescending, defaultNullsFirst } from './settings.ts'

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>

/** The element type of a LIST (or fixed-size ARRAY) type, else undefined. */
export function elementType(t: LogicalType | undefined): LogicalType | undefined {
  if (t === undefined) return undefined
  if (t.id === 'LIST' || t.id === 'ARRAY') return t.child
  if (t.id === 'NULL') return NULL_TYPE
  return undefined
}

/** A LIST type for argument t (ARRAY → LIST; NULL → LIST(NULL)). */
function asListType(t: LogicalType): LogicalType | undefined {
  const c = elementType(t)
  return c === undefined ? undefined : list(c)
}

/** Runs fn on each valid row's items and builds a vector of `returns`. */
export function mapLists(returns: LogicalType, fn: (items: readonly Value[], i: number, args: readonly Vector[]) => Value): ScalarKernel {
  return (args, count) => {
    const b = new VectorBuilder(returns, count)
    const first = args[0]!
    for (let i = 0; i < count; i++) {
      if (!rowValid(args, i)) { b.push(null); continue }
      b.push(fn(getValue(first, i) as readonly Value[], i, args))
    }
    return b.finish()
  }
}

function lengthKernel(): ScalarKernel {
  return (args, count) => {
    const v = args[0]!
    const out = new BigInt64Array(count)
    if (v.offsets !== null) {
      const off = v.offsets
      for (let i = 0; i < count; i++) out[i] = BigInt(off[i + 1]! - off[i]!)
    } else if (v.type.id === 'ARRAY') out.fill(BigInt(v.type.size))
    return new Vector(BIGINT, count, out, null)
  }
}

function bindLength(argTypes: readonly LogicalType[]): Bound | undefined {
  const t = argTypes[0]
  if (argTypes.length !== 1 || t === undefined || (t.id !== 'LIST' && t.id !== 'ARRAY')) return undefined
  return { argTypes, returns: BIGINT, invoke: lengthKernel() }
}

/** 1-based position; negative counts from the end; 0 or out of range → -1. */
function resolveIndex(index: number, length: number): number {
  if (index > 0) return index <= length ? index - 1 : -1
  if (index < 0) return -index <= length ? length + index : -1
  return -1
}

function extractKernel(child: LogicalType): ScalarKernel {
  return (args, count) => {
    const lists = args[0]!, idx = args[1]!.data as ArrayLike<number | bigint>
    const listType = lists.type
    const sel = new Int32Array(count)
    const valid = new Uint8Array(count)
    let any = false
    for (let i = 0; i < count; i++) {
      if (!rowValid(args, i)) continue
      let start: number, len: number
      if (lists.offsets !== null) { start = lists.offsets[i]!; len = lists.offsets[i + 1]! - start }
      else { len = listType.id === 'ARRAY' ? listType.size : 0; start = i * len }
      const k = resolveIndex(Number(idx[i]!), len)
      if (k < 0) continue
      sel[i] = start + k
      valid[i] = 1
      any = true
    }
    const source = lists.children[0]
    if (!any || source === undefined || source.length === 0) return nullVector(child, count)
    const picked = gather(source, sel, count)
    const mask = new Uint8Array(count)
    for (let i = 0; i < count; i++) mask[i] = valid[i]! & (picked.validity === null ? 1 : picked.validity[i]!)
    return new Vector(child, count, picked.data, mask, picked.offsets, picked.children)
  }
}

const stringExtract: ScalarKernel = (args, count) => {
  const s = args[0]!.data as string[], idx = args[1]!.data as ArrayLike<number | bigint>
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    const cps = codePoints(s[i]!) ?? s[i]!
    const k = resolveIndex(Number(idx[i]!), cps.length)
    out[i] = k < 0 ? '' : cps[k]!
  }
  return new Vector(VARCHAR, count, out, null)
}

function bindExtract(argTypes: readonly LogicalType[]): Bound | undefined {
  const [t, idx] = argTypes
  if (argTypes.length !== 2 || t === undefined || idx === undefined) return undefined
  const indexType = idx.id === 'BIGINT' ? BIGINT : INTEGER
  if (!['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'NULL'].includes(idx.id)) return undefined
  if (t.id === 'VARCHAR') return { argTypes: [VARCHAR, indexType], returns: VARCHAR, invoke: stringExtract }
  const child = elementType(t)
  if (child === undefined) return undefined
  return { argTypes: [t.id === 'NULL' ? list(NULL_TYPE) : t, indexType], returns: child, invoke: extractKernel(child) }
}

/** list_slice(l, begin, end): 1-based, both ends inclusive, negatives from the end (DuckDB). */
function sliceBounds(begin: number | null, end: number | null, n: number): [number, number] {
  let from = begin === null ? 0 : begin > 0 ? begin - 1 : begin < 0 ? n + begin : 0
  let to = end === null ? n : end >= 0 ? end : n + end + 1
  from = Math.max(0, from)
  to = Math.min(n, to)
  return [from, Math.max(from, to)]
}

function bindSlice(argTypes: readonly LogicalType[]): Bound | undefined {
  const t = argTypes[0]
  if ((argTypes.length !== 3 && argTypes.length !== 4) || t === undefined) return undefined
  const ints = argTypes.slice(1).map(() => BIGINT)
  if (t.id === 'VARCHAR') {
    return {
      argTypes: [VARCHAR, ...ints], returns: VARCHAR,
      invoke: (args, count) => {
        const s = args[0]!.data as string[]
        const out = new Array<string>(count)
        for (let i = 0; i < count; i++) {
          const cps = codePoints(s[i]!)
          const n = cps === null ? s[i]!.length : cps.length
          const [from, to] = sliceBounds(numOrNull(args[1]!, i), numOrNull(args[2]!, i), n)
          out[i] = cps === null ? s[i]!.slice(from, to) : cps.slice(from, to).join('')
        }
        return new Vector(VARCHAR, count, out, args[0]!.validity === null ? null : new Uint8Array(args[0]!.validity))
      },
    }
  }
  const lt = asListType(t)
  if (lt === undefined) return undefined
  return {
    argTypes: [lt, ...ints], returns: lt,
    invoke: (args, count) => {
      const b = new VectorBuilder(lt, count)
      for (let i = 0; i < count; i++) {
        const items = getValue(args[0]!, i) as readonly Value[] | null
        if (items === null) { b.push(null); continue }
        const step = args[3] === undefined ? 1 : numOrNull(args[3], i) ?? 1
        if (step === 0) throw invalidParameter('list_slice step must not be zero')
        const [from, to] = sliceBounds(numOrNull(args[1]!, i), numOrNull(args[2]!, i), items.length)
        const picked: Value[] = []
        if (step > 0) for (let k = from; k < to; k += step) picked.push(items[k]!)
        else for (let k = to - 1; k >= from; k += step) picked.push(items[k]!)
        b.push(picked)
      }
      return b.finish()
    },
  }
}

function numOrNull(v: Vector, i: number): number | null {
  const x = getValue(v, i)
  return x === null ? null : Number(x)
}

/** (LIST(T), E) → common element type C; argTypes [LIST(C), C]. */
function listAndElement(argTypes: readonly LogicalType[]): [LogicalType, LogicalType] | undefined {
  const [t, e] = argTypes
  if (argTypes.length !== 2 || t === undefined || e === undefined) return undefined
  const child = elementType(t)
  if (child === undefined) return undefined
  const c = unifiedType([child, e])
  if (c === undefined) return undefined
  return [list(c), c]
}

function findIndex(items: readonly Value[], x: Value, t: LogicalType): number {
  for (let k = 0; k < items.length; k++) {
    const y = items[k]!
    if (x === null ? y === null : y !== null && compareValues(x, y, t) === 0) return k
  }
  return -1
}

function bindContains(argTypes: readonly LogicalType[]): Bound | undefined {
  const types = listAndElement(argTypes)
  if (types === undefined) return undefined
  const c = types[1]
  return {
    argTypes: types, returns: BOOLEAN,
    invoke: mapLists(BOOLEAN, (items, i, args) => findIndex(items, getValue(args[1]!, i), c) >= 0),
  }
}

function bindPosition(argTypes: readonly LogicalType[]): Bound | undefined {
  const types = listAndElement(argTypes)
  if (types === undefined) return undefined
  const c = types[1]
  return {
    argTypes: types, returns: INTEGER,
    invoke: (args, count) => {
      const b = new VectorBuilder(INTEGER, count)
      for (let i = 0; i < count; i++) {
        const items = getValue(args[0]!, i) as readonly Value[] | null
        if (items === null) { b.push(null); continue }
        const k = findIndex(items, getValue(args[1]!, i), c)
        b.push(k < 0 ? null : k + 1)
      }
      return b.finish()
    },
  }
}

function bindConcat(argTypes: readonly LogicalType[]): Bound | undefined {
  if (argTypes.length < 2) return undefined
  if (!argTypes.every(t => elementType(t) !== undefined)) return undefined
  const c = argTypes.every(t => t.id === 'NULL') ? INTEGER : unifiedType(argTypes.map(t => elementType(t)!))
  if (c === undefined) return undefined
  const lt = list(c)
  return {
    argTypes: argTypes.map(() => lt), returns: lt,
    invoke: (args, count) => {
      const b = new VectorBuilder(lt, count)
      for (let i = 0; i < count; i++) {
        const parts = args.map(a => getValue(a, i) as readonly Value[] | null)
        if (parts.every(p => p === null)) { b.push(null); continue }
        b.push(parts.flatMap(p => p ?? []))
      }
      return b.finish()
    },
  }
}

function bindListValue(argTypes: readonly LogicalType[]): Bound | undefined {
  // [] is a list of NULLs, as in DuckDB: it casts to a list of any type (coalesce(list(x), []))
  const c = argTypes.length === 0 ? NULL_TYPE : unifiedType(argTypes)
  if (c === undefined) return undefined
  const lt = list(c)
  return {
    argTypes: argTypes.map(() => c), returns: lt,
    invoke: (args, count) => {
      const b = new VectorBuilder(lt, count)
      for (let i = 0; i < count; i++) b.push(args.map(a => getValue(a, i)))
      return b.finish()
    },
  }
}

/** Unary LIST → LIST(same) transformation. */
function bindListTransform(fn: (items: readonly Value[], child: LogicalType, i: number, args: readonly Vector[]) => Value, extra: LogicalType[] = []) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    if (argTypes.length !== 1 + extra.length) return undefined
    const lt = asListType(argTypes[0]!)
    if (lt === undefined || lt.id !== 'LIST') return undefined
    for (let k = 0; k < extra.length; k++) {
      const a = argTypes[k + 1]!
      if (a.id !== extra[k]!.id && a.id !== 'NULL') return undefined
    }
    const child = lt.child
    return { argTypes: [lt, ...extra], returns: lt, invoke: mapLists(lt, (items, i, args) => fn(items, child, i, args)) }
  }
}

function sortItems(items: readonly Value[], child: LogicalType, descending: boolean, nullsFirst: boolean): Value[] {
  const nonNull = items.filter(x => x !== null)
  const nulls = items.length - nonNull.length
  nonNull.sort((a, b) => (descending ? -1 : 1) * compareValues(a, b, child))
  const pad = new Array<Value>(nulls).fill(null)
  return nullsFirst ? [...pad, ...nonNull] : [...nonNull, ...pad]
}

/**
 * list_sort(l [, order [, null order]]) and list_reverse_sort(l [, null order]): what is not
 * given comes from default_order / default_null_order, and the reverse sort flips the resolved
 * order, as DuckDB does.
 */
function sortOptions(args: readonly Vector[], i: number, reverse: boolean, ctx: FunctionContext): [boolean, boolean] {
  const name = reverse ? 'list_reverse_sort' : 'list_sort'
  const setting = (s: string): Value => ctx.setting(s)
  const orderArg = reverse ? undefined : args[1]
  const order = orderArg === undefined ? null : getValue(orderArg, i)
  let desc = defaultDescending(setting)
  if (typeof order === 'string') {
    const o = order.trim().toUpperCase()
    if (o === 'DESC' || o === 'DESCENDING') desc = true
    else if (o === 'ASC' || o === 'ASCENDING') desc = false
    else throw invalidParameter(`${name}: sort order must be 'ASC' or 'DESC', got '${order}'`)
  }
  if (reverse) desc = !desc
  const nullsArg = reverse ? args[1] : args[2]
  const nulls = nullsArg === undefined ? null : getValue(nullsArg, i)
  if (typeof nulls !== 'string') return [desc, defaultNullsFirst(setting, desc)]
  const n = nulls.trim().toUpperCase().replace(/\s+/g, ' ')
  if (n === 'NULLS FIRST') return [desc, true]
  if (n === 'NULLS LAST') return [desc, false]
  throw invalidParameter(`${name}: null order must be 'NULLS FIRST' or 'NULLS LAST', got '${nulls}'`)
}

function distinctItems(items: readonly Value[]): Value[] {
  const seen = new Set<string>()
  const out: Value[] = []
  for (const x of items) {
    if (x === null) continue
    const k = valueKey(x)
    if (!seen.has(k)) { seen.add(k); out.push(x) }
  }
  return out
}

function bindFlatten(argTypes: readonly LogicalType[]): Bound | undefined {
  const outer = argTypes[0]
  if (argTypes.length !== 1 || outer === undefined) return undefined
  const inner = elementType(outer)
  const c = inner === undefined ? undefined : elementType(inner)
  if (c === undefined || inner === undefined) return undefined
  const lt = list(c)
  return {
    argTypes: [list(list(c))], returns: lt,
    invoke: mapLists(lt, items => items.flatMap(x => (x ?? []) as readonly Value[])),
  }
}

function bindUnique(argTypes: readonly LogicalType[]): Bound | undefined {
  const lt = argTypes.length === 1 ? asListType(argTypes[0]!) : undefined
  if (lt === undefined) return undefined
  return { argTypes: [lt], returns: BIGINT, invoke: mapLists(BIGINT, items => BigInt(distinctItems(items).length)) }
}

export function registerListFunctions(hooks: Hooks): void {
  const reg = (name: string, aliases: string[], bind: (t: readonly LogicalType[]) => Bound | undefined, nulls: 'propagate' | 'handle' = 'propagate', description?: string) =>
    hooks.registerScalar({ name, aliases, nulls, volatility: 'immutable', bind, description })
  reg('list_value', ['list_pack'], bindListValue, 'handle', 'a list of the arguments')
  // length also has a VARCHAR overload in string.ts; both definitions are candidates
  reg('length', ['len', 'array_length'], bindLength)
  reg('cardinality', [], bindLength)
  reg('list_extract', ['list_element', 'array_extract'], bindExtract, 'propagate', 'element at a 1-based index; negative counts from the end')
  // a NULL bound means "from the start" / "to the end": that is how x[:2] and x[2:] arrive
  reg('list_slice', ['array_slice'], bindSlice, 'handle')
  reg('list_contains', ['list_has', 'array_contains', 'array_has'], bindContains)
  // contains(list, x) next to the string overload; `x IN [list]` binds to it
  reg('contains', [], argTypes => elementType(argTypes[0]) !== undefined && argTypes[0]!.id !== 'NULL' ? bindContains(argTypes) : undefined)
  reg('list_position', ['list_indexof', 'array_position', 'array_indexof'], bindPosition, 'handle')
  reg('list_concat', ['list_cat', 'array_concat', 'array_cat'], bindConcat, 'handle')
  hooks.registerScalar({
    name: '||', nulls: 'propagate', volatility: 'immutable', description: 'list concatenation',
    bind: argTypes => argTypes.some(t => t.id === 'LIST' || t.id === 'ARRAY') ? bindConcat(argTypes) : undefined,
  })
  for (const [name, aliases, reverse] of [['list_sort', ['array_sort'], false], ['list_reverse_sort', ['array_reverse_sort'], true]] as const) {
    reg(name, [...aliases], argTypes => {
      const lt = asListType(argTypes[0] ?? NULL_TYPE)
      const extra = argTypes.slice(1)
      if (lt === undefined || lt.id !== 'LIST' || extra.length > (reverse ? 1 : 2) || extra.some(a => a.id !== 'VARCHAR' && a.id !== 'NULL')) return undefined
      const child = lt.child
      const invoke: ScalarKernel = (args, count, ctx) =>
        mapLists(lt, (items, i) => {
          const [desc, nullsFirst] = sortOptions(args, i, reverse, ctx)
          return sortItems(items, child, desc, nullsFirst)
        })(args, count, ctx)
      return { argTypes: [lt, ...extra.map(() => VARCHAR)], returns: lt, invoke }
    })
  }
  reg('list_reverse', ['array_reverse'], bindListTransform(items => [...items].reverse()))
  reg('list_distinct', ['array_distinct'], bindListTransform(items => distinctItems(items)))
  reg('list_unique', ['array_unique'], bindUnique)
  reg('flatten', [], bindFlatten)
  registerListAggregates(hooks)
  registerMoreListFunctions(hooks)
  registerMapFunctions(hooks)
  registerRangeScalars(hooks)
}

function rangeList(start: bigint, stop: bigint, step: bigint, inclusive: boolean): bigint[] {
  if (step === 0n) throw invalidParameter('range step must not be zero', 'use a positive or negative step')
  const out: bigint[] = []
  const limit = 10_000_000
  for (let x = start; step > 0n ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop); x += step) {
    out.push(x)
    if (out.length > limit) throw invalidParameter(`range would produce more than ${limit} values`)
  }
  return out
}

function registerRangeScalars(hooks: Hooks): void {
  for (const [name, inclusive] of [['range', false], ['generate_series', true]] as const) {
    const lt = list(BIGINT)
    const kernel: ScalarKernel = (args, count) => {
      const b = new VectorBuilder(lt, count)
      for (let i = 0; i < count; i++) {
        const vals = args.map(a => getValue(a, i) as bigint | null)
        if (vals.some(v => v === null)) { b.push(null); continue }
        if (args.length === 1) b.push(rangeList(0n, vals[0]!, 1n, inclusive))
        else b.push(rangeList(vals[0]!, vals[1]!, vals[2] ?? 1n, inclusive))
      }
      return b.finish()
    }
    hooks.registerScalar({
      name, nulls: 'propagate', volatility: 'immutable',
      description: inclusive ? 'a list from start to stop inclusive' : 'a list from start up to (not including) stop',
      overloads: [
        { args: [BIGINT], returns: lt, invoke: kernel },
        { args: [BIGINT, BIGINT], returns: lt, invoke: kernel },
        { args: [BIGINT, BIGINT, BIGINT], returns: lt, invoke: kernel },
      ],
    })
  }
}

