/**
 * Function resolution and implicit casts: picks the scalar or aggregate overload whose
 * parameters the arguments reach with the least total implicit-cast cost (DuckDB's rule),
 * asks generic definitions (`bind`) for their types, and wraps arguments in casts.
 */
import { GrizzlyError, InternalError, SqlState, didYouMean } from '../errors.ts'
import type { BoundAggregate, BoundScalar, FunctionContext, ScalarKernel } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { BoundExpr, CallExpr } from '../plan/expr.ts'
import { STRING_LITERAL, implicitCastCost, isLiteralType, normalizeLiteralType } from '../types/coercion.ts'
import {
  BOOLEAN, type LogicalType, type StructType, type Value, typeEquals, typeToString,
} from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import { extensionHint } from './extension-functions.ts'
import { canCast } from '../functions/cast.ts'

/** PostgreSQL's ambiguous_function */
export const AMBIGUOUS_FUNCTION = '42725'

/** `expr` as `type`: unchanged when it already is, folded when it is a NULL constant. */
export function castTo(expr: BoundExpr, type: LogicalType, tryCast = false): BoundExpr {
  const target = normalizeLiteralType(type)
  if (typeEquals(expr.type, target)) {
    if (expr.type === target || !isLiteralType(expr.type)) return expr
    if (expr.kind === 'const') return { kind: 'const', value: expr.value, type: target }
    return expr
  }
  if (expr.kind === 'const' && expr.value === null) return { kind: 'const', value: null, type: target }
  if (expr.kind === 'const' && typeof expr.value === 'number' && Number.isInteger(expr.value)) {
    // integer constants widen without a runtime cast
    switch (target.id) {
      case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DOUBLE':
        if (expr.type.id === 'TINYINT' || expr.type.id === 'SMALLINT' || expr.type.id === 'INTEGER') {
          const fits = target.id === 'TINYINT' ? expr.value >= -128 && expr.value <= 127
            : target.id === 'SMALLINT' ? expr.value >= -32768 && expr.value <= 32767 : true
          if (fits) return { kind: 'const', value: expr.value, type: target }
        }
        break
      case 'BIGINT':
        if (expr.type.id === 'TINYINT' || expr.type.id === 'SMALLINT' || expr.type.id === 'INTEGER') {
          return { kind: 'const', value: BigInt(expr.value), type: target }
        }
        break
      default: break
    }
  }
  return { kind: 'cast', expr, type: target, try: tryCast }
}

/** Casts implicitly, or throws 42804 naming what needed the type. */
export function coerceTo(expr: BoundExpr, type: LogicalType, what: string, position: number): BoundExpr {
  if (implicitCastCost(expr.type, type) === undefined) {
    throw new GrizzlyError(SqlState.datatypeMismatch,
      `${what} must be type ${typeToString(type)}, not type ${typeToString(expr.type)}`,
      { position, hint: `add an explicit cast: CAST(… AS ${typeToString(type)})` })
  }
  return castTo(expr, type)
}

/** Conditions (WHERE, ON, AND, …) cast to BOOLEAN whatever can be cast, as DuckDB does. */
export function ensureBoolean(expr: BoundExpr, what: string, position: number): BoundExpr {
  if (implicitCastCost(expr.type, BOOLEAN) !== undefined) return castTo(expr, BOOLEAN)
  if (!canCast(normalizeLiteralType(expr.type), BOOLEAN)) return coerceTo(expr, BOOLEAN, `argument of ${what}`, position)
  return castTo(expr, BOOLEAN)
}

interface Candidate<T> { readonly bound: T; readonly argTypes: readonly LogicalType[]; readonly cost: number; readonly signature: string }

function signatureOf(name: string, args: readonly LogicalType[], varargs?: LogicalType): string {
  const parts = args.map(typeToString)
  if (varargs !== undefined) parts.push(`${typeToString(varargs)}...`)
  return `${name}(${parts.join(', ')})`
}

function costOf(from: readonly LogicalType[], to: readonly LogicalType[]): number | undefined {
  if (from.length !== to.length) return undefined
  let total = 0
  for (let i = 0; i < from.length; i++) {
    const c = implicitCastCost(from[i]!, to[i]!)
    if (c === undefined) return undefined
    total += c
  }
  return total
}

function expandVarargs(args: readonly LogicalType[], varargs: LogicalType | undefined, n: number): readonly LogicalType[] | undefined {
  if (varargs === undefined) return args.length === n ? args : undefined
  if (n < args.length) return undefined
  const out = [...args]
  while (out.length < n) out.push(varargs)
  return out
}

/** Picks the cheapest candidate; ties are ambiguous unless NULLs or string literals caused them. */
function pickBest<T>(name: string, argTypes: readonly LogicalType[], candidates: Candidate<T>[], position: number): Candidate<T> | undefined {
  if (candidates.length === 0) return undefined
  let best = candidates[0]!
  let tied: Candidate<T>[] = [best]
  for (const c of candidates.slice(1)) {
    if (c.cost < best.cost) { best = c; tied = [c] } else if (c.cost === best.cost) tied.push(c)
  }
  const untyped = argTypes.some(t => t.id === 'NULL' || isLiteralType(t))
  const distinctSignatures = new Set(tied.map(c => c.argTypes.map(typeToString).join(',')))
  if (distinctSignatures.size > 1 && !untyped) {
    throw new GrizzlyError(AMBIGUOUS_FUNCTION,
      `function ${name}(${argTypes.map(typeToString).join(', ')}) is ambiguous`,
      { position, hint: `candidates: ${tied.map(c => c.signature).join(', ')}; add explicit casts to pick one` })
  }
  return best
}

function noMatch(kind: string, name: string, argTypes: readonly LogicalType[], signatures: readonly string[], position: number): GrizzlyError {
  const shown = signatures.slice(0, 12)
  return new GrizzlyError(SqlState.undefinedFunction,
    `${kind} ${name}(${argTypes.map(t => typeToString(normalizeLiteralType(t))).join(', ')}) does not exist`,
    {
      position,
      hint: shown.length === 0 ? 'add explicit casts to the arguments'
        : `candidates: ${shown.join(', ')}${signatures.length > shown.length ? ', …' : ''}; you may need explicit casts`,
    })
}

/** Resolves a scalar function or operator call; throws 42883 when nothing fits. */
/** The value of a constant argument — a literal, or a list literal of literals (['year', 'month']) — else undefined. */
function constantValueOf(a: BoundExpr): Value | undefined {
  if (a.kind === 'const') return a.value
  if (a.kind === 'call' && a.fn.name === 'list_value' && a.args.every(x => x.kind === 'const')) {
    return a.args.map(x => (x as BoundExpr & { kind: 'const' }).value)
  }
  return undefined
}

export function bindScalarCall(hooks: Hooks, name: string, args: readonly BoundExpr[], position: number, fnCtx?: FunctionContext): CallExpr {
  const defs = hooks.scalar(name)
  if (defs === undefined || defs.length === 0) throw unknownFunction(hooks, name, position)
  const argTypes = args.map(a => a.type)
  const candidates: Candidate<BoundScalar>[] = []
  const signatures: string[] = []
  for (const def of defs) {
    for (const o of def.overloads ?? []) {
      signatures.push(signatureOf(name, o.args, o.varargs))
      const params = expandVarargs(o.args, o.varargs, args.length)
      if (params === undefined) continue
      const cost = costOf(argTypes, params)
      if (cost === undefined) continue
      candidates.push({
        cost, argTypes: params, signature: signatureOf(name, o.args, o.varargs),
        bound: {
          name: def.name, argTypes: params, returns: o.returns, nulls: def.nulls, volatility: def.volatility,
          invoke: o.invoke, ...(o.inline === undefined ? {} : { inline: o.inline }),
        },
      })
    }
    if (def.bind !== undefined) {
      const b = def.bind(argTypes, { constants: args.map(constantValueOf), ...(fnCtx === undefined ? {} : { ctx: fnCtx }) })
      if (b !== undefined) {
        const cost = costOf(argTypes, b.argTypes)
        if (cost !== undefined) {
          candidates.push({
            cost, argTypes: b.argTypes, signature: signatureOf(name, b.argTypes),
            bound: { ...b, name: def.name, nulls: def.nulls, volatility: def.volatility },
          })
        }
      }
    }
  }
  const best = pickBest(name, argTypes, candidates, position)
  if (best === undefined) {
    throw noMatch(name.match(/^[a-z_]/i) ? 'function' : 'operator', name, argTypes, signatures, position)
  }
  const fn = best.bound
  const returns = normalizeLiteralType(fn.returns)
  return {
    kind: 'call', fn: returns === fn.returns ? fn : { ...fn, returns },
    args: args.map((a, i) => castTo(a, fn.argTypes[i]!)), type: returns,
  }
}

/** Resolves an aggregate; returns the bound aggregate and the arguments cast to its types. */
export function bindAggregateCall(hooks: Hooks, name: string, args: readonly BoundExpr[], position: number): { fn: BoundAggregate; args: BoundExpr[] } {
  const defs = hooks.aggregate(name)
  if (defs === undefined || defs.length === 0) throw unknownFunction(hooks, name, position)
  const argTypes = args.map(a => a.type)
  const candidates: Candidate<BoundAggregate>[] = []
  const signatures: string[] = []
  for (const def of defs) {
    const orderSensitive = def.orderSensitive ?? false
    for (const o of def.overloads ?? []) {
      signatures.push(signatureOf(name, o.args))
      const cost = costOf(argTypes, o.args)
      if (cost === undefined) continue
      candidates.push({
        cost, argTypes: o.args, signature: signatureOf(name, o.args),
        bound: { name: def.name, argTypes: o.args, returns: o.returns, nulls: def.nulls, orderSensitive, createState: o.createState },
      })
    }
    if (def.bind !== undefined) {
      const b = def.bind(argTypes)
      if (b !== undefined) {
        const cost = costOf(argTypes, b.argTypes)
        if (cost !== undefined) {
          candidates.push({
            cost, argTypes: b.argTypes, signature: signatureOf(name, b.argTypes),
            bound: { ...b, name: def.name, nulls: def.nulls, orderSensitive },
          })
        }
      }
    }
  }
  const best = pickBest(name, argTypes, candidates, position)
  if (best === undefined) throw noMatch('aggregate', name, argTypes, signatures, position)
  const fn = best.bound
  const returns = normalizeLiteralType(fn.returns)
  return { fn: returns === fn.returns ? fn : { ...fn, returns }, args: args.map((a, i) => castTo(a, fn.argTypes[i]!)) }
}

export function unknownFunction(hooks: Hooks, name: string, position: number): GrizzlyError {
  return new GrizzlyError(SqlState.undefinedFunction, `function ${name} does not exist`,
    { position, hint: extensionHint(name) ?? didYouMean(name, hooks.allFunctionNames()) })
}

/** {'a': x, 'b': y} and ROW(x, y): the result vector is a struct over the argument vectors. */
export function structPackCall(names: readonly string[], args: readonly BoundExpr[]): CallExpr {
  const type: StructType = { id: 'STRUCT', fields: names.map((name, i) => ({ name, type: normalizeLiteralType(args[i]!.type) })) }
  const castArgs = args.map((a, i) => castTo(a, type.fields[i]!.type))
  const invoke: ScalarKernel = (vectors, count) => new Vector(type, count, null, null, null, [...vectors])
  return {
    kind: 'call', type, args: castArgs,
    fn: { name: 'struct_pack', argTypes: type.fields.map(f => f.type), returns: type, nulls: 'handle', volatility: 'immutable', invoke },
  }
}

/** (expr).field: reads one child of a struct vector; NULL where the struct is NULL. */
export function structExtractCall(arg: BoundExpr, field: string, position: number): CallExpr {
  const type = arg.type
  if (type.id !== 'STRUCT') {
    throw new GrizzlyError(SqlState.datatypeMismatch, `cannot access field "${field}" of type ${typeToString(type)}`,
      { position, hint: 'field access needs a STRUCT value' })
  }
  let index = type.fields.findIndex(f => f.name === field)
  if (index < 0) index = type.fields.findIndex(f => f.name.toLowerCase() === field.toLowerCase())
  if (index < 0) {
    throw new GrizzlyError(SqlState.undefinedColumn, `struct has no field "${field}"`,
      { position, hint: didYouMean(field, type.fields.map(f => f.name)) })
  }
  const fieldType = type.fields[index]!.type
  const invoke: ScalarKernel = (vectors, count) => {
    const s = vectors[0]
    const child = s?.children[index]
    if (s === undefined || child === undefined) throw new InternalError('struct vector without its field')
    if (s.validity === null) return child
    const validity = new Uint8Array(count)
    for (let i = 0; i < count; i++) validity[i] = s.validity[i]! & (child.validity === null ? 1 : child.validity[i]!)
    return new Vector(child.type, child.length, child.data, validity, child.offsets, child.children)
  }
  return {
    kind: 'call', type: fieldType, args: [arg],
    fn: { name: 'struct_extract', argTypes: [type], returns: fieldType, nulls: 'handle', volatility: 'immutable', invoke },
  }
}

export { STRING_LITERAL }
