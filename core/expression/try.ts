/**
 * TRY(expr): the value of expr, or NULL on the rows where evaluating it raises an error. It is
 * a call whose function is marked with TRY_MARK; the compiler and the interpreter evaluate its
 * argument themselves: the whole chunk first, and only when that fails row by row, so a failing
 * row costs one re-evaluation per row of that chunk and the others nothing.
 */
import { GrizzlyError, InternalError } from '../errors.ts'
import type { BoundScalar } from '../hooks/contracts.ts'
import type { BoundExpr, CallExpr } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import { type DataChunk, type Vector, VectorBuilder, getValue } from '../vector/vector.ts'
import type { Layout } from './env.ts'
import { subChunk } from './interpreter.ts'

/** Marks the function of a TRY call (copied along when the function object is spread). */
const TRY_MARK = Symbol('try')

export function tryCall(arg: BoundExpr): CallExpr {
  const fn: BoundScalar & { [TRY_MARK]: true } = {
    name: 'try', argTypes: [arg.type], returns: arg.type, nulls: 'handle', volatility: 'immutable', [TRY_MARK]: true,
    invoke: () => { throw new InternalError('TRY is evaluated by the expression compiler, not as a kernel') },
  }
  return { kind: 'call', fn, args: [arg], type: arg.type }
}

export function isTryCall(e: BoundExpr): boolean {
  return e.kind === 'call' && (e.fn as { [TRY_MARK]?: true })[TRY_MARK] === true
}

/** Evaluates `arg` over the chunk, turning the errors of single rows into NULLs. */
export function evaluateTry(e: CallExpr, chunk: DataChunk, layout: Layout, arg: (chunk: DataChunk) => Vector): Vector {
  try {
    return arg(chunk)
  } catch (err) {
    if (!(err instanceof GrizzlyError) || err instanceof InternalError) throw err
  }
  const used = [...referencedColumns(e)].map(id => layout.get(id)).filter((x): x is number => x !== undefined)
  const out = new VectorBuilder(e.type, chunk.size)
  for (let i = 0; i < chunk.size; i++) {
    try {
      out.push(getValue(arg(subChunk(chunk, Int32Array.of(i), used)), 0))
    } catch (err) {
      if (!(err instanceof GrizzlyError) || err instanceof InternalError) throw err
      out.push(null)
    }
  }
  return out.finish()
}
