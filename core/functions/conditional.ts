/**
 * NULL-aware conditionals: coalesce, ifnull, nullif, if/iif, greatest, least. They choose
 * their type from the arguments (commonSuperType) and handle NULLs themselves.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundScalar, ScalarKernel } from '../hooks/contracts.ts'
import { commonSuperType, normalizeLiteralType } from '../types/coercion.ts'
import { BOOLEAN, type LogicalType, type Value, physicalOf, typeEquals } from '../types/types.ts'
import { getValue } from '../vector/vector.ts'
import { compareValues } from './compare.ts'
import { pickRows } from './select.ts'

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>

/** The common type of `types`, with string literals as VARCHAR; undefined when there is none. */
export function unifiedType(types: readonly LogicalType[]): LogicalType | undefined {
  const t = commonSuperType(types)
  return t === undefined ? undefined : normalizeLiteralType(t)
}

function coalesceKernel(type: LogicalType): ScalarKernel {
  return (args, count) => {
    const choice = new Int32Array(count).fill(-1)
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < args.length; k++) {
        const m = args[k]!.validity
        if (m === null || m[i] === 1) { choice[i] = k; break }
      }
    }
    return pickRows(type, args, choice, count)
  }
}

export function bindCoalesce(argTypes: readonly LogicalType[]): Bound | undefined {
  if (argTypes.length === 0) return undefined
  const t = unifiedType(argTypes)
  if (t === undefined) return undefined
  return { argTypes: argTypes.map(() => t), returns: t, invoke: coalesceKernel(t) }
}

/**
 * Converts a value of numeric type `from` to numeric type `to` (both as the engine stores them),
 * or undefined when the pair is not a plain widening.
 */
function widen(from: LogicalType, to: LogicalType): ((x: Value) => Value) | undefined {
  const num = (t: LogicalType) => ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'REAL', 'DOUBLE', 'DECIMAL'].includes(t.id)
  if (from.id === 'DATE' && to.id === 'TIMESTAMP') return x => (x as number) * 86_400_000_000
  if (!num(from) || !num(to)) return undefined
  const fromScale = from.id === 'DECIMAL' ? from.scale : 0
  switch (to.id) {
    case 'REAL': case 'DOUBLE': return x => Number(x) / 10 ** fromScale
    case 'BIGINT': return fromScale === 0 ? x => BigInt(x as number | bigint) : undefined
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': return fromScale === 0 ? x => Number(x) : undefined
    case 'DECIMAL': {
      const up = to.scale - fromScale
      if (up < 0 || from.id === 'REAL' || from.id === 'DOUBLE') return undefined
      return physicalOf(to) === 'f64' ? x => Number(x) * 10 ** up : x => BigInt(x as number | bigint) * 10n ** BigInt(up)
    }
    default: return undefined
  }
}

/** nullif(a, b): compares in the common type but returns a in its own type (DuckDB). */
function bindNullIf(argTypes: readonly LogicalType[]): Bound | undefined {
  if (argTypes.length !== 2) return undefined
  const t = unifiedType(argTypes)
  if (t === undefined) return undefined
  const first = normalizeLiteralType(argTypes[0]!)
  const keepFirst = first.id !== 'NULL' && !typeEquals(first, t) ? widen(first, t) : undefined
  const outType = keepFirst !== undefined ? first : t
  const kernel: ScalarKernel = (args, count) => {
    const [a, b] = args as [typeof args[0] & object, typeof args[0] & object]
    const choice = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const x = getValue(a, i)
      if (x === null) { choice[i] = -1; continue }
      const y = getValue(b, i)
      const xc = keepFirst === undefined ? x : keepFirst(x)
      choice[i] = y !== null && compareValues(xc, y, t) === 0 ? -1 : 0
    }
    return pickRows(outType, [a], choice, count)
  }
  return { argTypes: [outType, t], returns: outType, invoke: kernel }
}

function bindIf(argTypes: readonly LogicalType[]): Bound | undefined {
  if (argTypes.length !== 3) return undefined
  const cond = argTypes[0]!
  if (cond.id !== 'BOOLEAN' && cond.id !== 'NULL') return undefined
  const t = unifiedType(argTypes.slice(1))
  if (t === undefined) return undefined
  const kernel: ScalarKernel = (args, count) => {
    const c = args[0]!
    const cd = c.data as Uint8Array | null, cm = c.validity
    const choice = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const truthy = cd !== null && (cm === null || cm[i] === 1) && cd[i] === 1
      choice[i] = truthy ? 1 : 2
    }
    return pickRows(t, args, choice, count)
  }
  return { argTypes: [BOOLEAN, t, t], returns: t, invoke: kernel }
}

/** greatest/least ignore NULL arguments (DuckDB); NULL only when all are NULL. */
function bindExtreme(sign: 1 | -1): (argTypes: readonly LogicalType[]) => Bound | undefined {
  return argTypes => {
    if (argTypes.length === 0) return undefined
    const t = unifiedType(argTypes)
    if (t === undefined) return undefined
    const numeric = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'DATE', 'TIME', 'TIMESTAMP', 'VARCHAR', 'DECIMAL'].includes(t.id)
    const kernel: ScalarKernel = (args, count) => {
      const choice = new Int32Array(count).fill(-1)
      if (numeric) {
        // plain < works for numbers, bigints and strings alike
        const datas = args.map(a => a.data as ArrayLike<number>)
        for (let k = 0; k < args.length; k++) {
          const d = datas[k]!, m = args[k]!.validity
          for (let i = 0; i < count; i++) {
            if (m !== null && m[i] === 0) continue
            const c = choice[i]!
            if (c < 0 || (sign > 0 ? d[i]! > datas[c]![i]! : d[i]! < datas[c]![i]!)) choice[i] = k
          }
        }
      } else {
        for (let i = 0; i < count; i++) {
          let best: ReturnType<typeof getValue> = null
          for (let k = 0; k < args.length; k++) {
            const x = getValue(args[k]!, i)
            if (x === null) continue
            if (best === null || sign * compareValues(x, best, t) > 0) { best = x; choice[i] = k }
          }
        }
      }
      return pickRows(t, args, choice, count)
    }
    return { argTypes: argTypes.map(() => t), returns: t, invoke: kernel }
  }
}

export function registerConditionalFunctions(hooks: Hooks): void {
  hooks.registerScalar({
    name: 'coalesce', nulls: 'handle', volatility: 'immutable',
    description: 'the first argument that is not NULL', bind: bindCoalesce,
  })
  hooks.registerScalar({
    name: 'ifnull', aliases: ['nvl'], nulls: 'handle', volatility: 'immutable',
    description: 'ifnull(a, b): a unless it is NULL, else b',
    bind: argTypes => argTypes.length === 2 ? bindCoalesce(argTypes) : undefined,
  })
  hooks.registerScalar({
    name: 'nullif', nulls: 'handle', volatility: 'immutable',
    description: 'nullif(a, b): NULL when a = b, else a', bind: bindNullIf,
  })
  hooks.registerScalar({
    name: 'if', aliases: ['iif'], nulls: 'handle', volatility: 'immutable',
    description: 'if(condition, then, else)', bind: bindIf,
  })
  hooks.registerScalar({
    name: 'greatest', nulls: 'handle', volatility: 'immutable',
    description: 'the largest argument, ignoring NULLs', bind: bindExtreme(1),
  })
  hooks.registerScalar({
    name: 'least', nulls: 'handle', volatility: 'immutable',
    description: 'the smallest argument, ignoring NULLs', bind: bindExtreme(-1),
  })
}
