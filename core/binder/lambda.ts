/**
 * List functions with lambdas: list_transform / list_apply / apply / array_transform /
 * array_apply, list_filter / filter / array_filter, list_reduce / reduce / array_reduce (and the
 * list comprehension `[e FOR x IN l IF c]`, which the parser writes with them).
 *
 * The body is bound in a scope holding the lambda's parameters. Every other column it reads (and
 * every $n parameter) becomes a *capture*: an extra argument of the call, so the optimizer sees
 * and rewrites those reads like any other, while the body only refers to its own slots. The
 * body is compiled by core/expression over one chunk of all list elements at once (captured
 * values repeated per element), so a lambda costs one vectorized evaluation per input chunk —
 * per step for list_reduce — never one per element.
 */
import { GrizzlyError, InternalError, SqlState, notSupported } from '../errors.ts'
import { compileExpression, type CompiledExpression, type ExprEnv } from '../expression/index.ts'
import type { FunctionContext } from '../hooks/contracts.ts'
import type { Expr, FunctionCall, LambdaExpr } from '../parser/ast.ts'
import type { BoundExpr, ColumnId } from '../plan/expr.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { BIGINT, INTEGER, type LogicalType, list, typeToString } from '../types/types.ts'
import { concatVectors, DataChunk, gather, nullVector, Vector } from '../vector/vector.ts'
import type { ExprBinder } from './expression.ts'
import { castTo, ensureBoolean } from './functions.ts'
import { exprKey, rewriteExpr } from './rewrite.ts'
import { Scope } from './scope.ts'

type LambdaKind = 'transform' | 'filter' | 'reduce'

const LAMBDA_FUNCTIONS: ReadonlyMap<string, LambdaKind> = new Map([
  ['list_transform', 'transform'], ['list_apply', 'transform'], ['apply', 'transform'],
  ['array_transform', 'transform'], ['array_apply', 'transform'],
  ['list_filter', 'filter'], ['filter', 'filter'], ['array_filter', 'filter'],
  ['list_reduce', 'reduce'], ['reduce', 'reduce'], ['array_reduce', 'reduce'],
])

/** Lambda parameters and captures get ids of their own, below every real column id. */
const PARAM_ID = (k: number): ColumnId => -1 - k
const CAPTURE_ID = (k: number): ColumnId => -1000 - k

export function isLambdaFunction(name: string): boolean { return LAMBDA_FUNCTIONS.has(name) }

/** Binds a lambda list function call, or returns undefined when `name` is not one. */
export function bindLambdaCall(eb: ExprBinder, name: string, e: FunctionCall): BoundExpr | undefined {
  const kind = LAMBDA_FUNCTIONS.get(name)
  if (kind === undefined) return undefined
  const maxArgs = kind === 'reduce' ? 3 : 2
  const lambda = asLambda(e.args[1])
  if (e.args.length < 2 || e.args.length > maxArgs || lambda === undefined || lambda.kind !== 'lambda') {
    throw new GrizzlyError(SqlState.undefinedFunction, `${name} takes a list and a lambda${kind === 'reduce' ? ' (and an initial value)' : ''}`, {
      position: e.pos, hint: `write ${name}(list, x -> …)`,
    })
  }
  for (const a of e.args) if (a !== e.args[1] && a.kind === 'lambda') throw new GrizzlyError(SqlState.syntaxError, 'a lambda is only allowed as the second argument', { position: a.pos })
  let listArg = eb.bind(e.args[0]!)
  if (listArg.type.id === 'NULL') listArg = castTo(listArg, list(INTEGER))
  else if (listArg.type.id === 'ARRAY') listArg = castTo(listArg, list(listArg.type.child))
  if (listArg.type.id !== 'LIST') {
    throw new GrizzlyError(SqlState.datatypeMismatch, `${name} expects a list, not ${typeToString(listArg.type)}`, {
      position: e.args[0]!.pos, hint: 'pass a LIST value such as [1, 2, 3]',
    })
  }
  const element = listArg.type.child
  const initial = e.args[2] === undefined ? null : eb.bind(e.args[2])
  const maxParams = kind === 'reduce' ? 3 : 2
  const minParams = kind === 'reduce' ? 2 : 1
  if (lambda.params.length < minParams || lambda.params.length > maxParams) {
    throw new GrizzlyError(SqlState.syntaxError, `the lambda of ${name} takes ${minParams === maxParams - 1 ? `${minParams} or ${maxParams}` : `1 or 2`} parameters, not ${lambda.params.length}`, {
      position: lambda.pos, hint: kind === 'reduce' ? 'write (accumulator, element) -> … or (accumulator, element, index) -> …' : 'write x -> … or (x, index) -> …',
    })
  }
  const accType = kind === 'reduce' ? normalizeLiteralType(initial?.type.id === 'NULL' ? element : initial?.type ?? element) : element
  const paramTypes: LogicalType[] = kind === 'reduce' ? [accType, element, BIGINT] : [element, BIGINT]
  // fresh ids while binding (an enclosing lambda's parameters stay distinct), fixed slots after
  const paramIds = lambda.params.map(() => eb.binder.nextId())
  let body = bindBody(eb, lambda, paramTypes, paramIds)
  if (kind === 'filter') body = ensureBoolean(body, name, lambda.body.pos)
  else if (kind === 'reduce') body = castTo(body, accType)
  else body = castTo(body, normalizeLiteralType(body.type.id === 'NULL' ? INTEGER : body.type))

  const captures: BoundExpr[] = []
  const captureOf = new Map<string, ColumnId>()
  body = rewriteExpr(body, x => {
    if (x.kind === 'subquery') throw notSupported('subqueries in lambda expressions', lambda.pos)
    const param = x.kind === 'colref' ? paramIds.indexOf(x.id) : -1
    if (param >= 0) return { ...x, id: PARAM_ID(param) }
    if (x.kind === 'colref' || x.kind === 'param') {
      const key = exprKey(x)
      let id = captureOf.get(key)
      if (id === undefined) { id = CAPTURE_ID(captures.length); captureOf.set(key, id); captures.push(x) }
      return { kind: 'colref', id, type: x.type, name: `capture${captures.length}` }
    }
    return undefined
  })
  const env = eb.binder.ctx
  const layout = new Map<ColumnId, number>()
  lambda.params.forEach((_, k) => layout.set(PARAM_ID(k), k))
  captures.forEach((_, k) => layout.set(CAPTURE_ID(k), paramTypes.length + k))
  const compiled = new WeakMap<FunctionContext, CompiledExpression>()
  const compile = (fnCtx: FunctionContext): CompiledExpression => {
    let f = compiled.get(fnCtx)
    if (f === undefined) {
      const exprEnv: ExprEnv = {
        fnCtx, params: [], hooks: env.hooks,
        evaluateSubquery: () => { throw new InternalError('subquery in a lambda body') },
      }
      f = compileExpression(body, layout, exprEnv)
      compiled.set(fnCtx, f)
    }
    return f
  }
  const args = initial === null ? [listArg, ...captures] : [listArg, castTo(initial, accType), ...captures]
  const returns = kind === 'transform' ? list(body.type) : kind === 'filter' ? listArg.type : accType
  const firstCapture = initial === null ? 1 : 2
  const invoke = kind === 'transform' ? transformKernel(compile, returns, firstCapture)
    : kind === 'filter' ? filterKernel(compile, firstCapture)
      : reduceKernel(compile, accType, initial !== null, firstCapture, name)
  const volatile = containsCall(body, c => c.fn.volatility !== 'immutable')
  return {
    kind: 'call',
    fn: {
      name: `${name}[${lambda.params.join(',')}: ${exprKey(body)}]`,
      argTypes: args.map(a => a.type), returns, nulls: 'handle', volatility: volatile ? 'volatile' : 'immutable', invoke,
    },
    args, type: returns,
  }
}

/** `x -> 'k'` parses as JSON access; as a lambda function's argument it is a lambda. */
function asLambda(a: Expr | undefined): Expr | undefined {
  if (a?.kind === 'binary' && a.op === '->' && a.left.kind === 'column' && a.left.parts.length === 1) {
    return { kind: 'lambda', pos: a.pos, params: [a.left.parts[0]!], body: a.right }
  }
  return a
}

function bindBody(eb: ExprBinder, lambda: LambdaExpr, types: readonly LogicalType[], ids: readonly ColumnId[]): BoundExpr {
  const scope = new Scope(eb.scope, false)
  scope.addBinding('', null, lambda.params.map((p, k) => ({ id: ids[k]!, name: p, type: types[k]! })), lambda.pos)
  return eb.with(eb.sinks, scope).bind(lambda.body as Expr)
}

function containsCall(e: BoundExpr, test: (c: Extract<BoundExpr, { kind: 'call' }>) => boolean): boolean {
  let found = false
  rewriteExpr(e, x => { if (x.kind === 'call' && test(x)) found = true; return undefined })
  return found
}

/** Every element of the valid rows: its child index, owning row and 1-based position. */
function elementsOf(listVec: Vector, count: number): { sel: Int32Array; owner: Int32Array; position: BigInt64Array; offsets: Int32Array; total: number } {
  const off = listVec.offsets!
  let total = 0
  for (let i = 0; i < count; i++) if (listVec.isValid(i)) total += off[i + 1]! - off[i]!
  const sel = new Int32Array(total), owner = new Int32Array(total), position = new BigInt64Array(total)
  const offsets = new Int32Array(count + 1)
  let k = 0
  for (let i = 0; i < count; i++) {
    if (listVec.isValid(i)) {
      for (let j = off[i]!, p = 1; j < off[i + 1]!; j++, p++) { sel[k] = j; owner[k] = i; position[k] = BigInt(p); k++ }
    }
    offsets[i + 1] = k
  }
  return { sel, owner, position, offsets, total }
}

type Compile = (fnCtx: FunctionContext) => CompiledExpression

function elementChunk(listVec: Vector, captures: readonly Vector[], el: ReturnType<typeof elementsOf>): DataChunk {
  const child = listVec.children[0]!
  return new DataChunk([
    gather(child, el.sel, el.total),
    new Vector(BIGINT, el.total, el.position, null),
    ...captures.map(c => gather(c, el.owner, el.total)),
  ], el.total)
}

function transformKernel(compile: Compile, returns: LogicalType, firstCapture: number) {
  return (args: readonly Vector[], count: number, fnCtx: FunctionContext): Vector => {
    const listVec = args[0]!
    const el = elementsOf(listVec, count)
    const values = compile(fnCtx)(elementChunk(listVec, args.slice(firstCapture), el))
    return new Vector(returns, count, null, listVec.validity === null ? null : listVec.validity.slice(0, count), el.offsets, [values])
  }
}

function filterKernel(compile: Compile, firstCapture: number) {
  return (args: readonly Vector[], count: number, fnCtx: FunctionContext): Vector => {
    const listVec = args[0]!
    const el = elementsOf(listVec, count)
    const chunk = elementChunk(listVec, args.slice(firstCapture), el)
    const keep = compile(fnCtx)(chunk)
    const bits = keep.data as Uint8Array
    const kept = new Int32Array(el.total)
    const offsets = new Int32Array(count + 1)
    let n = 0
    for (let i = 0, k = 0; i < count; i++) {
      for (; k < el.offsets[i + 1]!; k++) if (keep.isValid(k) && bits[k] === 1) kept[n++] = k
      offsets[i + 1] = n
    }
    const child = gather(chunk.columns[0]!, kept, n)
    return new Vector(listVec.type, count, null, listVec.validity === null ? null : listVec.validity.slice(0, count), offsets, [child])
  }
}

/**
 * list_reduce: step s folds element s+1 of every list that long into its accumulator, one
 * vectorized evaluation per step.
 */
function reduceKernel(compile: Compile, accType: LogicalType, hasInitial: boolean, firstCapture: number, name: string) {
  return (args: readonly Vector[], count: number, fnCtx: FunctionContext): Vector => {
    const listVec = args[0]!, captures = args.slice(firstCapture)
    const off = listVec.offsets!, child = listVec.children[0]!
    const f = compile(fnCtx)
    // accumulator per row, starting from the initial value or the first element
    let acc: Vector
    let maxLen = 0
    for (let i = 0; i < count; i++) {
      if (!listVec.isValid(i)) continue
      const len = off[i + 1]! - off[i]!
      if (len === 0 && !hasInitial) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `Cannot perform ${name} on an empty input list`, {
          hint: 'pass an initial value as the third argument, or filter out empty lists',
        })
      }
      if (len > maxLen) maxLen = len
    }
    let first = 0
    if (hasInitial) acc = args[1]!
    else {
      const sel = new Int32Array(count)
      for (let i = 0; i < count; i++) sel[i] = listVec.isValid(i) ? off[i]! : -1
      acc = gatherAllowingNull(child, sel, count, accType)
      first = 1
    }
    for (let s = first; s < maxLen; s++) {
      const rows: number[] = []
      for (let i = 0; i < count; i++) if (listVec.isValid(i) && off[i + 1]! - off[i]! > s) rows.push(i)
      if (rows.length === 0) break
      const rowSel = Int32Array.from(rows)
      const elemSel = Int32Array.from(rows, i => off[i]! + s)
      const n = rows.length
      const position = new BigInt64Array(n).fill(BigInt(s + 1))
      const stepped = f(new DataChunk([
        gather(acc, rowSel, n), gather(child, elemSel, n), new Vector(BIGINT, n, position, null),
        ...captures.map(c => gather(c, rowSel, n)),
      ], n))
      // rows that stepped take the new value, the others keep theirs
      const merged = concatVectors(accType, [acc, stepped])
      const pick = new Int32Array(count)
      for (let i = 0; i < count; i++) pick[i] = i
      for (let k = 0; k < n; k++) pick[rows[k]!] = count + k
      acc = gather(merged, pick, count)
    }
    if (listVec.validity === null) return acc
    const out = gather(acc, Int32Array.from({ length: count }, (_, i) => i), count)
    const validity = out.validity === null ? new Uint8Array(count).fill(1) : out.validity.slice()
    for (let i = 0; i < count; i++) if (!listVec.isValid(i)) validity[i] = 0
    out.validity = validity
    return out
  }
}

/** gather with -1 meaning NULL (rows whose list is NULL). */
function gatherAllowingNull(v: Vector, sel: Int32Array, count: number, type: LogicalType): Vector {
  if (v.length === 0) return nullVector(type, count)
  let anyNull = false
  const fixed = new Int32Array(count)
  for (let i = 0; i < count; i++) { if (sel[i]! < 0) { anyNull = true; fixed[i] = 0 } else fixed[i] = sel[i]! }
  const out = gather(v, fixed, count)
  if (!anyNull) return out
  const validity = out.validity === null ? new Uint8Array(count).fill(1) : out.validity.slice()
  for (let i = 0; i < count; i++) if (sel[i]! < 0) validity[i] = 0
  out.validity = validity
  return out
}
