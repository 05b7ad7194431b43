/**
 * NULL-aware conditionals: coalesce, ifnull, nullif, if/iif, greatest, least. They choose
 * their type from the arguments (commonSuperType) and handle NULLs themselves.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundScalar, ScalarKernel } from '../hooks/contracts.ts'
import { commonSuperType, normalizeLiteralType } from '../types/coercion.ts'
import { BOOLEAN, type LogicalType } from '../types/types.ts'
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

function bindNullIf(argTypes: readonly LogicalType[]): Bound | undefined {
  if (argTypes.length !== 2) return undefined
  const t = unifiedType(argTypes)
  if (t === undefined) return undefined
  const kernel: ScalarKernel = (args, count) => {
    const [a, b] = args as [typeof args[0] & object, typeof args[0] & object]
    const choice = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const x = getValue(a, i)
      if (x === null) { choice[i] = -1; continue }
      const y = getValue(b, i)
      choice[i] = y !== null && compareValues(x, y, t) === 0 ? -1 : 0
    }
    return pickRows(t, [a], choice, count)
  }
  return { argTypes: [t, t], returns: t, invoke: kernel }
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
