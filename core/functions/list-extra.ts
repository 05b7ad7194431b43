/**
 * More LIST functions: append/prepend, has_any/has_all, intersect, resize, where/select and
 * array_to_string. Like list.ts they bind to the element type and work on boxed rows.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundScalar } from '../hooks/contracts.ts'
import { BIGINT, BOOLEAN, INTEGER, type LogicalType, VARCHAR, type Value, list } from '../types/types.ts'
import { formatValue } from '../types/format.ts'
import { VectorBuilder, getValue } from '../vector/vector.ts'
import { compareValues, valueKey } from './compare.ts'
import { unifiedType } from './conditional.ts'
import { elementType } from './list.ts'
import { invalidParameter } from './kernel-util.ts'

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>

/** Row-wise kernel over boxed arguments; `fn` returns the boxed result. */
function rowKernel(returns: LogicalType, fn: (values: readonly Value[]) => Value): Bound['invoke'] {
  return (args, count) => {
    const b = new VectorBuilder(returns, count)
    for (let i = 0; i < count; i++) b.push(fn(args.map(a => getValue(a, i))))
    return b.finish()
  }
}

function bindAppend(prepend: boolean) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    if (argTypes.length !== 2) return undefined
    const [lt, et] = prepend ? [argTypes[1]!, argTypes[0]!] : [argTypes[0]!, argTypes[1]!]
    const child = elementType(lt)
    if (child === undefined) return undefined
    const c = unifiedType([child, et])
    if (c === undefined) return undefined
    const listType = list(c)
    return {
      argTypes: prepend ? [c, listType] : [listType, c], returns: listType,
      invoke: rowKernel(listType, ([a, b]) => {
        const items = (prepend ? b : a) as readonly Value[] | null, x = prepend ? a! : b!
        if (items === null) return null
        return prepend ? [x, ...items] : [...items, x]
      }),
    }
  }
}

function bindTwoLists<R>(returns: (c: LogicalType) => LogicalType, fn: (a: readonly Value[], b: readonly Value[], c: LogicalType) => R) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    if (argTypes.length !== 2) return undefined
    const ca = elementType(argTypes[0]), cb = elementType(argTypes[1])
    if (ca === undefined || cb === undefined) return undefined
    const c = unifiedType([ca, cb])
    if (c === undefined) return undefined
    const r = returns(c)
    return {
      argTypes: [list(c), list(c)], returns: r,
      invoke: rowKernel(r, ([a, b]) => a === null || b === null ? null : fn(a as readonly Value[], b as readonly Value[], c) as Value),
    }
  }
}

function keysOf(items: readonly Value[]): Set<string> {
  const s = new Set<string>()
  for (const x of items) if (x !== null) s.add(valueKey(x))
  return s
}

export function registerMoreListFunctions(hooks: Hooks): void {
  const reg = (name: string, aliases: string[], bind: (t: readonly LogicalType[]) => Bound | undefined, nulls: 'propagate' | 'handle' = 'propagate') =>
    hooks.registerScalar({ name, aliases, nulls, volatility: 'immutable', bind })
  reg('list_append', ['array_append', 'array_push_back'], bindAppend(false), 'handle')
  reg('list_prepend', ['array_prepend', 'array_push_front'], bindAppend(true), 'handle')
  reg('list_has_any', ['array_has_any', '&&'], bindTwoLists(() => BOOLEAN, (a, b) => {
    const keys = keysOf(b)
    return a.some(x => x !== null && keys.has(valueKey(x)))
  }))
  reg('list_has_all', ['array_has_all', '@>'], bindTwoLists(() => BOOLEAN, (a, b) => {
    const keys = keysOf(a)
    return b.every(x => x === null || keys.has(valueKey(x)))
  }))
  reg('list_intersect', ['array_intersect'], bindTwoLists(c => list(c), (a, b, c) => {
    const keys = keysOf(b)
    const seen = new Set<string>()
    const out: Value[] = []
    for (const x of a) {
      if (x === null) continue
      const k = valueKey(x)
      if (keys.has(k) && !seen.has(k)) { seen.add(k); out.push(x) }
    }
    return out.sort((x, y) => compareValues(x, y, c))
  }))
  reg('list_resize', ['array_resize'], argTypes => {
    const lt = argTypes[0], child = elementType(lt)
    if (child === undefined || (argTypes.length !== 2 && argTypes.length !== 3)) return undefined
    if (!['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'].includes(argTypes[1]!.id)) return undefined
    const c = argTypes.length === 3 ? unifiedType([child, argTypes[2]!]) : child
    if (c === undefined) return undefined
    const listType = list(c)
    return {
      argTypes: argTypes.length === 3 ? [listType, BIGINT, c] : [listType, BIGINT], returns: listType,
      invoke: rowKernel(listType, ([items, size, fill]) => {
        if (items === null || size === null) return null
        const n = Number(size)
        if (n < 0) throw invalidParameter('list_resize: the size must not be negative')
        const arr = (items as readonly Value[]).slice(0, n)
        while (arr.length < n) arr.push(fill ?? null)
        return arr
      }),
    }
  }, 'handle')
  reg('list_where', ['array_where'], argTypes => {
    const child = elementType(argTypes[0]), mask = elementType(argTypes[1])
    if (argTypes.length !== 2 || child === undefined || mask === undefined || (mask.id !== 'BOOLEAN' && mask.id !== 'NULL')) return undefined
    const listType = list(child)
    return {
      argTypes: [listType, list(BOOLEAN)], returns: listType,
      invoke: rowKernel(listType, ([items, flags]) => {
        if (items === null || flags === null) return null
        const f = flags as readonly Value[]
        return (items as readonly Value[]).filter((_x, k) => f[k] === true)
      }),
    }
  })
  reg('list_select', ['array_select'], argTypes => {
    const child = elementType(argTypes[0]), idx = elementType(argTypes[1])
    if (argTypes.length !== 2 || child === undefined || idx === undefined) return undefined
    if (!['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'NULL'].includes(idx.id)) return undefined
    const listType = list(child)
    return {
      argTypes: [listType, list(BIGINT)], returns: listType,
      invoke: rowKernel(listType, ([items, picks]) => {
        if (items === null || picks === null) return null
        const arr = items as readonly Value[]
        return (picks as readonly Value[]).map(p => p === null ? null : arr[Number(p) - 1] ?? null)
      }),
    }
  })
  reg('array_to_string', ['list_to_string'], argTypes => {
    const child = elementType(argTypes[0])
    if (argTypes.length !== 2 || child === undefined || (argTypes[1]!.id !== 'VARCHAR' && argTypes[1]!.id !== 'NULL')) return undefined
    return {
      argTypes: [argTypes[0]!.id === 'NULL' ? list(INTEGER) : argTypes[0]!, VARCHAR], returns: VARCHAR,
      invoke: rowKernel(VARCHAR, ([items, sep]) => items === null || sep === null ? null : (items as readonly Value[])
        .filter(x => x !== null).map(x => typeof x === 'string' ? x : formatValue(child, x)).join(sep as string)),
    }
  })
}
