/**
 * MAP functions. A MAP(K, V) is a LIST of STRUCT(key, value) marked as a map (types.ts
 * `mapType`), so list functions (len, cardinality, unnest) apply as they are. Keys are unique
 * and never NULL; entries keep the order they were given in.
 *
 * map(keys, values), map(), map_from_entries(list of structs), map_keys, map_values,
 * map_entries, map_extract / element_at (a one-element list, or empty), map_extract_value (the
 * value or NULL: what m[k] binds to), map_contains.
 */
import type { BoundScalar } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import {
  BOOLEAN, type ListType, type LogicalType, NULL_TYPE, type StructType, type Value, isMap, list, mapParts, mapType, struct,
} from '../types/types.ts'
import { VectorBuilder, getValue } from '../vector/vector.ts'
import { compareValues, valueKey } from './compare.ts'
import { unifiedType } from './conditional.ts'
import { invalidParameter } from './kernel-util.ts'

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>
type Entry = { readonly key: Value; readonly value: Value }

function rowKernel(returns: LogicalType, fn: (values: readonly Value[]) => Value): Bound['invoke'] {
  return (args, count) => {
    const b = new VectorBuilder(returns, count)
    for (let i = 0; i < count; i++) b.push(fn(args.map(a => getValue(a, i))))
    return b.finish()
  }
}

/** Checks keys (no NULL, no repeats) and builds the entries. */
function entriesOf(keys: readonly Value[], values: readonly Value[]): Entry[] {
  if (keys.length !== values.length) {
    throw invalidParameter('The map key list does not align with the map value list', 'give map() as many keys as values')
  }
  const seen = new Set<string>()
  return keys.map((key, i) => {
    if (key === null) throw invalidParameter('Map keys can not be NULL', 'filter out NULL keys first')
    const k = valueKey(key)
    if (seen.has(k)) throw invalidParameter('Map keys must be unique', 'remove repeated keys first, e.g. with list_distinct')
    seen.add(k)
    return { key, value: values[i] ?? null }
  })
}

function listChild(t: LogicalType | undefined): LogicalType | undefined {
  if (t === undefined) return undefined
  if (t.id === 'LIST' || t.id === 'ARRAY') return t.child
  if (t.id === 'NULL') return NULL_TYPE
  return undefined
}

function bindMap(argTypes: readonly LogicalType[]): Bound | undefined {
  if (argTypes.length === 0) {
    const t = mapType(NULL_TYPE, NULL_TYPE)
    return { argTypes: [], returns: t, invoke: rowKernel(t, () => []) }
  }
  if (argTypes.length !== 2) return undefined
  const k = listChild(argTypes[0]), v = listChild(argTypes[1])
  if (k === undefined || v === undefined) return undefined
  const t = mapType(k, v)
  return {
    argTypes: [list(k), list(v)], returns: t,
    invoke: rowKernel(t, ([keys, values]) => keys === null || values === null ? null
      : entriesOf(keys as readonly Value[], values as readonly Value[])),
  }
}

function asMap(t: LogicalType | undefined): ListType | undefined {
  return t !== undefined && isMap(t) ? t : undefined
}

function bindFromEntries(argTypes: readonly LogicalType[]): Bound | undefined {
  const child = argTypes.length === 1 ? listChild(argTypes[0]) : undefined
  if (child === undefined || child.id !== 'STRUCT' || child.fields.length !== 2) return undefined
  const [kf, vf] = (child as StructType).fields
  const t = mapType(kf!.type, vf!.type)
  return {
    argTypes: [list(child)], returns: t,
    invoke: rowKernel(t, ([items]) => {
      if (items === null) return null
      const rows = items as readonly ({ readonly [f: string]: Value } | null)[]
      return entriesOf(rows.map(r => r?.[kf!.name] ?? null), rows.map(r => r?.[vf!.name] ?? null))
    }),
  }
}

function bindPart(part: 'key' | 'value') {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const m = asMap(argTypes[0])
    if (m === undefined || argTypes.length !== 1) return undefined
    const t = list(part === 'key' ? mapParts(m).key : mapParts(m).value)
    return { argTypes: [m], returns: t, invoke: rowKernel(t, ([x]) => x === null ? null : (x as readonly Entry[]).map(e => e[part])) }
  }
}

function bindEntries(argTypes: readonly LogicalType[]): Bound | undefined {
  const m = asMap(argTypes[0])
  if (m === undefined || argTypes.length !== 1) return undefined
  const { key, value } = mapParts(m)
  const t = list(struct([{ name: 'key', type: key }, { name: 'value', type: value }]))
  return { argTypes: [m], returns: t, invoke: rowKernel(t, ([x]) => x ?? null) }
}

/** The value under `key`, or undefined when the map has no such key. */
function lookup(entries: readonly Entry[], key: Value, keyType: LogicalType): Entry | undefined {
  return entries.find(e => compareValues(e.key, key, keyType) === 0)
}

function bindExtract(mode: 'list' | 'value' | 'contains') {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const m = asMap(argTypes[0])
    if (m === undefined || argTypes.length !== 2) return undefined
    const { key, value } = mapParts(m)
    const k = unifiedType([key, argTypes[1]!])
    if (k === undefined) return undefined
    const returns = mode === 'list' ? list(value) : mode === 'value' ? value : BOOLEAN
    const keyed = k === key ? m : mapType(k, value)
    return {
      argTypes: [keyed, k], returns,
      invoke: rowKernel(returns, ([x, wanted]) => {
        if (x === null) return null
        const hit = wanted === null || wanted === undefined ? undefined : lookup(x as readonly Entry[], wanted, k)
        if (mode === 'contains') return hit !== undefined
        if (mode === 'value') return hit === undefined ? null : hit.value
        return hit === undefined ? [] : [hit.value]
      }),
    }
  }
}

export function registerMapFunctions(hooks: Hooks): void {
  const reg = (name: string, aliases: string[], bind: (t: readonly LogicalType[]) => Bound | undefined, nulls: 'propagate' | 'handle', description: string) =>
    hooks.registerScalar({ name, aliases, nulls, volatility: 'immutable', bind, description })
  reg('map', [], bindMap, 'handle', 'a MAP from a list of keys and a list of values')
  reg('map_from_entries', [], bindFromEntries, 'propagate', 'a MAP from a list of {key, value} structs')
  reg('map_keys', [], bindPart('key'), 'propagate', 'the keys of a MAP, as a list')
  reg('map_values', [], bindPart('value'), 'propagate', 'the values of a MAP, as a list')
  reg('map_entries', [], bindEntries, 'propagate', 'the entries of a MAP, as a list of {key, value} structs')
  reg('map_extract', ['element_at'], bindExtract('list'), 'handle', 'the value under a key as a one-element list (empty when absent)')
  reg('map_extract_value', [], bindExtract('value'), 'handle', 'the value under a key, or NULL')
  reg('map_contains', ['map_contains_key'], bindExtract('contains'), 'handle', 'whether a MAP has a key')
}

/** Sorted (key, count) entries of a histogram, for the aggregate. */
export function histogramEntries(counts: ReadonlyMap<string, { key: Value; count: bigint }>, keyType: LogicalType): Entry[] {
  return [...counts.values()].sort((a, b) => compareValues(a.key, b.key, keyType)).map(e => ({ key: e.key, value: e.count }))
}
