/**
 * Fuses a bound expression into one JavaScript loop per chunk (DESIGN §3). Each node becomes a
 * few statements computing a value temp `tN` and a NULL flag `nN`; leaves read typed arrays.
 * Nodes the loop cannot express (kernel calls, casts, subqueries, nested types) are computed
 * first as whole vectors and read like columns.
 *
 * Only plan-derived text enters the source: temp names, operators, integer indexes, the
 * `inline` templates of bound functions (fed only temp names). Constants, parameters and
 * sets live in the `consts` array passed to the generated factory.
 */
import { assertNever } from '../errors.ts'
import { type BoundExpr, type CompareOp, exprChildren } from '../plan/expr.ts'
import {
  DECIMAL_FLOAT_MAX_WIDTH, type Interval, type LogicalType, type PhysicalType, physicalOf,
} from '../types/types.ts'
import type { CompiledExpression } from './env.ts'
import * as runtime from './runtime.ts'
import { defaultLiteral, isFlat } from './runtime.ts'

export interface Slot {
  /** JS expression of the value (a temp name or a literal) */
  readonly v: string
  /** JS expression that is true when the value is NULL */
  readonly n: string
}

/** What the generator needs from the compiler: constants, and vectors for nodes it cannot fuse. */
export interface FuseHost {
  constantOf(e: BoundExpr): unknown
  vectorOf(e: BoundExpr): CompiledExpression
}

/** Whether this node itself can be computed inside the loop (its children may still be vectors). */
export function isFusable(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'colref': case 'const': case 'param': return isFlat(e.type)
    case 'compare': return isFlat(e.left.type)
    // later arguments run only on rows the earlier ones leave undecided: kernels there must wait
    case 'and': case 'or': return !e.args.slice(1).some(mayRaise)
    case 'not': case 'is_null': return true
    case 'in_list': return isFlat(e.arg.type)
    case 'case': return isFlat(e.type) && !hasLazyHazard(e)
    case 'call':
      return e.fn.inline !== undefined && e.fn.nulls === 'propagate' && isFlat(e.type) &&
        e.args.every(a => isFlat(a.type))
    case 'cast': return widening(e.expr.type, e.type) !== undefined
    case 'subquery': return false
    default: return assertNever(e, 'expression')
  }
}

const INTEGER_DIGITS: Partial<Record<LogicalType['id'], number>> = { TINYINT: 3, SMALLINT: 5, INTEGER: 10 }
const INTEGER_RANK: Partial<Record<LogicalType['id'], number>> = { TINYINT: 1, SMALLINT: 2, INTEGER: 3, BIGINT: 4 }

/**
 * Casts that can never fail and need no lookup tables — integer widening, integers to
 * floating point or to a DECIMAL wide enough — are computed inside the loop; the binder adds
 * them around nearly every mixed-type comparison.
 */
export function widening(from: LogicalType, to: LogicalType): ((x: string) => string) | undefined {
  const fromRank = INTEGER_RANK[from.id]
  if (fromRank === undefined) {
    if (from.id === 'REAL' && to.id === 'DOUBLE') return x => x
    return undefined
  }
  const small = from.id !== 'BIGINT'
  switch (to.id) {
    case 'SMALLINT': case 'INTEGER': return small && fromRank < INTEGER_RANK[to.id]! ? x => x : undefined
    case 'BIGINT': return small ? x => `BigInt(${x})` : undefined
    case 'DOUBLE': return small ? x => x : x => `Number(${x})`
    case 'REAL': return small ? x => `Math.fround(${x})` : undefined
    case 'DECIMAL': {
      const digits = INTEGER_DIGITS[from.id]
      if (!small || digits === undefined || to.width > DECIMAL_FLOAT_MAX_WIDTH || to.width - to.scale < digits) return undefined
      const factor = 10 ** to.scale
      return x => `(${x} * ${factor})`
    }
    default: return undefined
  }
}

/**
 * A CASE branch may only run on rows that reach it. Inside the loop that holds for fused code,
 * but vector inputs are computed for all rows first: a kernel, cast or subquery in a branch
 * could raise an error for a row that never takes it. Such CASEs run by selection instead.
 */
function hasLazyHazard(e: Extract<BoundExpr, { kind: 'case' }>): boolean {
  const lazyParts = [...e.whens.flatMap((w, k) => k === 0 ? [w.then] : [w.when, w.then]), e.else]
  return lazyParts.some(mayRaise)
}

function mayRaise(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'call': return !isFusable(e) || e.args.some(mayRaise)
    case 'cast': return !isFusable(e) || mayRaise(e.expr)
    case 'subquery': return true
    default: return exprChildren(e).some(mayRaise)
  }
}

type Mode = { readonly kind: 'vector'; readonly type: LogicalType } | { readonly kind: 'predicate' }

/** Generated source plus the closure arguments it expects. */
export interface FusedProgram {
  readonly source: string
  readonly inputs: readonly CompiledExpression[]
  readonly consts: readonly unknown[]
}

export function generate(root: BoundExpr, host: FuseHost, mode: Mode): FusedProgram {
  return new Generator(host).program(root, mode)
}

class Generator {
  private readonly pre: string[] = []
  private readonly body: string[] = []
  private readonly inputs: CompiledExpression[] = []
  /** one input per column id (any number of references) or per other expression node */
  private readonly inputIndex = new Map<BoundExpr | number, number>()
  private readonly consts: unknown[] = []
  private tmp = 0
  private depth = 2

  constructor(private readonly host: FuseHost) {}

  program(root: BoundExpr, mode: Mode): FusedProgram {
    const r = this.emit(root)
    const lines: string[] = []
    lines.push('return function fused(chunk) {')
    lines.push('  const n = chunk.size')
    for (const l of this.pre) lines.push('  ' + l)
    if (mode.kind === 'predicate') {
      lines.push('  const sel = new Int32Array(n)')
      lines.push('  let count = 0')
      lines.push('  for (let i = 0; i < n; i++) {')
      lines.push(...this.body)
      lines.push(`    if (!(${r.n}) && ${r.v}) sel[count++] = i`)
      lines.push('  }')
      lines.push('  return { sel, count }')
    } else {
      const p = physicalOf(mode.type)
      lines.push(`  const out = ${allocation(p)}`)
      lines.push('  const valid = new Uint8Array(n)')
      lines.push('  let nulls = 0')
      lines.push('  for (let i = 0; i < n; i++) {')
      lines.push(...this.body)
      lines.push(`    if (${r.n}) { nulls++${needsFill(p) ? `; out[i] = ${defaultLiteral(p)}` : ''} }`)
      lines.push(`    else { valid[i] = 1; out[i] = ${p === 'u8' ? `${r.v} ? 1 : 0` : r.v} }`)
      lines.push('  }')
      lines.push('  return rt.makeVector(type, n, out, nulls === 0 ? null : valid)')
    }
    lines.push('}')
    return { source: lines.join('\n'), inputs: this.inputs, consts: this.consts }
  }

  private line(s: string): void { this.body.push('  '.repeat(this.depth) + s) }
  private open(s: string): void { this.line(s + ' {'); this.depth++ }
  private close(s = ''): void { this.depth--; this.line('}' + s) }
  private fresh(): number { return this.tmp++ }

  private constSlot(value: unknown): string {
    const k = this.consts.length
    this.consts.push(value)
    this.pre.push(`const k${k} = consts[${k}]`)
    return `k${k}`
  }

  /** A vector input, computed before the loop and read per row. */
  private vectorInput(e: BoundExpr): Slot {
    const key = e.kind === 'colref' ? e.id : e
    let k = this.inputIndex.get(key)
    const p = physicalOf(e.type)
    if (k === undefined) {
      k = this.inputs.length
      this.inputs.push(this.host.vectorOf(e))
      this.inputIndex.set(key, k)
      this.pre.push(`const x${k} = inputs[${k}](chunk)`, `const d${k} = x${k}.data`, `const m${k} = x${k}.validity`)
    }
    const t = this.fresh()
    const nullCheck = p === 'null' ? 'true' : `(m${k} !== null && m${k}[i] === 0)`
    this.line(`const n${t} = ${nullCheck}`)
    const read = p === 'u8' ? `d${k}[i] === 1` : isFlat(e.type) && p !== 'null' ? `d${k}[i]` : 'null'
    this.line(`const t${t} = ${read}`)
    return { v: `t${t}`, n: `n${t}` }
  }

  emit(e: BoundExpr): Slot {
    if (!isFusable(e)) return this.vectorInput(e)
    switch (e.kind) {
      case 'colref': return this.vectorInput(e)
      case 'const': case 'param': {
        const value = this.host.constantOf(e)
        if (value === null || physicalOf(e.type) === 'null') return { v: defaultLiteral(physicalOf(e.type)), n: 'true' }
        return { v: this.constSlot(value), n: 'false' }
      }
      case 'compare': return this.compare(e.op, e.left, e.right)
      case 'and': case 'or': return this.logical(e.kind, e.args)
      case 'not': {
        const a = this.emit(e.arg)
        const t = this.fresh()
        this.line(`const t${t} = !${a.v}`)
        return { v: `t${t}`, n: a.n }
      }
      case 'is_null': {
        const a = this.emit(e.arg)
        const t = this.fresh()
        this.line(`const t${t} = ${e.not ? '!' : ''}(${a.n})`)
        return { v: `t${t}`, n: 'false' }
      }
      case 'case': return this.caseExpr(e)
      case 'in_list': return this.inList(e)
      case 'call': return this.inlineCall(e)
      case 'cast': {
        const a = this.emit(e.expr)
        const t = this.fresh()
        this.line(`const t${t} = (${a.n}) ? ${defaultLiteral(physicalOf(e.type))} : ${widening(e.expr.type, e.type)!(a.v)}`)
        return { v: `t${t}`, n: a.n }
      }
      case 'subquery': return this.vectorInput(e)
      default: return assertNever(e, 'expression')
    }
  }

  private compare(op: CompareOp, left: BoundExpr, right: BoundExpr): Slot {
    const l = this.emit(left), r = this.emit(right)
    const t = this.fresh()
    const type = left.type
    if (type.id === 'NULL' || physicalOf(type) === 'null') {
      if (op === 'distinct' || op === 'not_distinct') {
        this.line(`const t${t} = ${op === 'distinct' ? 'false' : 'true'}`)
        return { v: `t${t}`, n: 'false' }
      }
      return { v: 'false', n: 'true' }
    }
    if (op === 'distinct' || op === 'not_distinct') {
      const same = comparison('=', type, l.v, r.v)
      const whenBothValid = op === 'distinct' ? `!(${same})` : `(${same})`
      const whenSomeNull = op === 'distinct' ? `(${l.n}) !== (${r.n})` : `(${l.n}) === (${r.n})`
      this.line(`const t${t} = ((${l.n}) || (${r.n})) ? ${whenSomeNull} : ${whenBothValid}`)
      return { v: `t${t}`, n: 'false' }
    }
    this.line(`const n${t} = (${l.n}) || (${r.n})`)
    this.line(`const t${t} = n${t} ? false : ${comparison(op, type, l.v, r.v)}`)
    return { v: `t${t}`, n: `n${t}` }
  }

  /** Three-valued AND/OR; stops evaluating arguments once the answer is decided. */
  private logical(kind: 'and' | 'or', args: readonly BoundExpr[]): Slot {
    const t = this.fresh()
    const isAnd = kind === 'and'
    this.line(`let t${t} = ${isAnd ? 'true' : 'false'}`)
    this.line(`let n${t} = false`)
    args.forEach((arg, k) => {
      if (k > 0) this.open(`if (${isAnd ? '' : '!'}t${t})`)
      else this.open('')
      const a = this.emit(arg)
      this.line(`if (${a.n}) n${t} = true`)
      this.line(`else if (${isAnd ? '!' : ''}${a.v}) t${t} = ${isAnd ? 'false' : 'true'}`)
      this.close()
    })
    this.line(`if (${isAnd ? '!' : ''}t${t}) n${t} = false`)
    return { v: `t${t}`, n: `n${t}` }
  }

  private caseExpr(e: Extract<BoundExpr, { kind: 'case' }>): Slot {
    const t = this.fresh()
    const p = physicalOf(e.type)
    this.line(`let t${t} = ${defaultLiteral(p)}`)
    this.line(`let n${t} = true`)
    let opened = 0
    for (const w of e.whens) {
      const c = this.emit(w.when)
      this.open(`if (!(${c.n}) && ${c.v})`)
      const r = this.emit(w.then)
      this.line(`n${t} = ${r.n}`)
      this.line(`if (!n${t}) t${t} = ${r.v}`)
      this.depth--
      this.open('} else')
      opened++
    }
    const r = this.emit(e.else)
    this.line(`n${t} = ${r.n}`)
    this.line(`if (!n${t}) t${t} = ${r.v}`)
    for (let k = 0; k < opened; k++) this.close()
    return { v: `t${t}`, n: `n${t}` }
  }

  private inList(e: Extract<BoundExpr, { kind: 'in_list' }>): Slot {
    const a = this.emit(e.arg)
    const t = this.fresh()
    const type = e.arg.type
    this.line(`let t${t} = false`)
    this.line(`let n${t} = ${a.n}`)
    const setKey = setKeyOf(type)
    if (setKey !== undefined && e.list.every(x => x.kind === 'const' || x.kind === 'param')) {
      const set = new Set<unknown>()
      let sawNull = false
      for (const x of e.list) {
        const v = this.host.constantOf(x)
        if (v === null) sawNull = true
        else set.add(setKey(v))
      }
      const s = this.constSlot(set)
      const key = type.id === 'INTERVAL' ? `rt.intervalKey(${a.v})` : a.v
      this.open(`if (!n${t})`)
      this.line(`if (${s}.has(${key})) t${t} = true`)
      if (sawNull) this.line(`else n${t} = true`)
      this.close()
    } else {
      const sawNull = this.fresh()
      this.line(`let n${sawNull} = false`)
      for (const x of e.list) {
        this.open(`if (!n${t} && !t${t})`)
        const item = this.emit(x)
        this.line(`if (${item.n}) n${sawNull} = true`)
        this.line(`else if (${comparison('=', type, a.v, item.v)}) t${t} = true`)
        this.close()
      }
      this.line(`if (!t${t} && n${sawNull}) n${t} = true`)
    }
    if (e.not) this.line(`if (!n${t}) t${t} = !t${t}`)
    return { v: `t${t}`, n: `n${t}` }
  }

  private inlineCall(e: Extract<BoundExpr, { kind: 'call' }>): Slot {
    const args = e.args.map(a => this.emit(a))
    const t = this.fresh()
    const nulls = args.map(a => `(${a.n})`).filter(s => s !== '(false)')
    const p = physicalOf(e.type)
    this.line(`const n${t} = ${nulls.length === 0 ? 'false' : nulls.join(' || ')}`)
    const template = e.fn.inline!(args.map(a => a.v))
    // keep in-loop values exactly what a stored vector would hold
    const value = p === 'u8' ? `!!(${template})` : p === 'f32' ? `Math.fround(${template})` : `(${template})`
    this.line(`const t${t} = n${t} ? ${defaultLiteral(p)} : ${value}`)
    return { v: `t${t}`, n: `n${t}` }
  }
}

/** How a value is keyed in a constant IN-list Set; undefined = this type needs the general path. */
function setKeyOf(type: LogicalType): ((v: unknown) => unknown) | undefined {
  switch (physicalOf(type)) {
    case 'blob': case 'list': case 'array': case 'struct': return undefined
    case 'interval': return v => runtime.intervalKey(v as Interval)
    case 'u8': return v => v === true || v === 1
    default: return v => v
  }
}

/** JS source comparing two non-NULL values of `type` (temps or literals). */
export function comparison(op: Exclude<CompareOp, 'distinct' | 'not_distinct'>, type: LogicalType, a: string, b: string): string {
  switch (type.id) {
    case 'REAL': case 'DOUBLE':
      // NaN equals itself and sorts above every number (PostgreSQL, DuckDB)
      switch (op) {
        case '=': return `(${a} === ${b} || (${a} !== ${a} && ${b} !== ${b}))`
        case '<>': return `!(${a} === ${b} || (${a} !== ${a} && ${b} !== ${b}))`
        case '<': return `(${a} < ${b} || (${a} === ${a} && ${b} !== ${b}))`
        case '<=': return `(${a} <= ${b} || ${b} !== ${b})`
        case '>': return `(${a} > ${b} || (${b} === ${b} && ${a} !== ${a}))`
        case '>=': return `(${a} >= ${b} || ${a} !== ${a})`
        default: return assertNever(op, 'comparison')
      }
    case 'BLOB': return `(rt.compareBytes(${a}, ${b}) ${jsOp(op)} 0)`
    case 'INTERVAL': return `(rt.intervalKey(${a}) ${jsOp(op)} rt.intervalKey(${b}))`
    default: return `(${a} ${jsOp(op)} ${b})`
  }
}

function jsOp(op: Exclude<CompareOp, 'distinct' | 'not_distinct'>): string {
  switch (op) {
    case '=': return '==='
    case '<>': return '!=='
    case '<': case '<=': case '>': case '>=': return op
    default: return assertNever(op, 'comparison')
  }
}

function allocation(p: PhysicalType): string {
  switch (p) {
    case 'u8': return 'new Uint8Array(n)'
    case 'i8': return 'new Int8Array(n)'
    case 'i16': return 'new Int16Array(n)'
    case 'i32': case 'date': return 'new Int32Array(n)'
    case 'i64': return 'new BigInt64Array(n)'
    case 'f32': return 'new Float32Array(n)'
    case 'f64': return 'new Float64Array(n)'
    case 'big': case 'str': case 'blob': case 'interval': return 'new Array(n)'
    case 'null': case 'list': case 'array': case 'struct': return 'null'
  }
}

function needsFill(p: PhysicalType): boolean {
  return p === 'big' || p === 'str' || p === 'blob' || p === 'interval'
}
