/**
 * Building blocks for the date/time kernels: row mapping that skips NULL rows (their storage
 * may hold anything), cached unit parsing for constant part arguments, output allocation.
 */
import { GrizzlyError, InternalError } from '../errors.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
import { type LogicalType, type Value, physicalOf } from '../types/types.ts'
import { Vector, VectorBuilder, allocData } from '../vector/vector.ts'
import { type DatePartUnit, parseDatePartUnit } from '../types/datetime.ts'

export function rowValid(args: readonly Vector[], i: number): boolean {
  for (let k = 0; k < args.length; k++) {
    const v = args[k]!.validity
    if (v !== null && v[i] === 0) return false
  }
  return true
}

/**
 * A kernel computing each non-NULL row with `f`; `f` may return null to make the row NULL.
 * Slower than a typed loop (one call per row) but right for every output type.
 */
export function rowKernel(returns: LogicalType, f: (args: readonly Vector[], i: number) => Value): ScalarKernel {
  const physical = physicalOf(returns)
  if (physical === 'list' || physical === 'array' || physical === 'struct') {
    return (args, count) => {
      const b = new VectorBuilder(returns, count)
      for (let i = 0; i < count; i++) b.push(rowValid(args, i) ? f(args, i) : null)
      return b.finish()
    }
  }
  return (args, count) => {
    const data = allocData(physical, count)
    let validity: Uint8Array | null = null
    for (let i = 0; i < count; i++) {
      if (!rowValid(args, i)) {
        if (validity === null) validity = new Uint8Array(count).fill(1)
        validity[i] = 0
        continue
      }
      const v = f(args, i)
      if (v === null) {
        if (validity === null) validity = new Uint8Array(count).fill(1)
        validity[i] = 0
        continue
      }
      store(physical, data, i, v)
    }
    return new Vector(returns, count, data, validity)
  }
}

function store(physical: string, data: Vector['data'], i: number, v: Value): void {
  switch (physical) {
    case 'u8': (data as Uint8Array)[i] = v === true ? 1 : 0; return
    case 'i64': (data as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(v as number); return
    case 'big': (data as bigint[])[i] = v as bigint; return
    case 'null': return
    default: (data as unknown as Value[])[i] = v
  }
}

/** Remembers the last unit text, since the part argument is nearly always a constant. */
export class UnitCache {
  private text: string | undefined
  private unit: DatePartUnit = 'day'
  get(text: string): DatePartUnit {
    if (text !== this.text) { this.unit = parseDatePartUnit(text); this.text = text }
    return this.unit
  }
}

export function str(v: Vector, i: number): string { return (v.data as string[])[i]! }
export function num(v: Vector, i: number): number { return (v.data as Float64Array)[i]! }
export function big(v: Vector, i: number): bigint { return (v.data as BigInt64Array)[i]! }

/** Throws for non-GrizzlyErrors only; used by try_ variants. */
export function onlyUserErrors(e: unknown): void {
  if (!(e instanceof GrizzlyError) || e instanceof InternalError) throw e
}
