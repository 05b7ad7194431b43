/**
 * unnest(list) in the SELECT list. Each call becomes a column of an Unnest node placed after
 * windows and QUALIFY, before the projection (where DuckDB evaluates it). unnest(unnest(x))
 * and `recursive := true` over nested lists stack Unnest nodes, one per level.
 */
import { GrizzlyError, SqlState, notSupported } from '../errors.ts'
import type { Expr, FunctionCall } from '../parser/ast.ts'
import type { BoundExpr, ColumnId, OutputColumn } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { INTEGER, list, typeToString } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { ExprBinder } from './expression.ts'
import { castTo, structExtractCall } from './functions.ts'
import { colref } from './scope.ts'

interface UnnestCall { list: BoundExpr; readonly column: OutputColumn; readonly level: number }

export class UnnestCollector {
  private readonly calls: UnnestCall[] = []
  private readonly levelOf = new Map<ColumnId, number>()

  constructor(private readonly b: Binder) {}

  get size(): number { return this.calls.length }

  /**
   * A SELECT item that is unnest(struct value): one column per field, as DuckDB expands it.
   * undefined when the item is anything else.
   */
  structColumns(eb: ExprBinder, e: Expr): { name: string; expr: BoundExpr }[] | undefined {
    if (e.kind !== 'function' || e.over !== null || e.name[e.name.length - 1]!.toLowerCase() !== 'unnest' || e.args.length !== 1) return undefined
    if (eb.binder.ctx.hooks.scalar('unnest') !== undefined) return undefined
    const arg = eb.bind(e.args[0]!)
    if (arg.type.id !== 'STRUCT') return undefined
    return arg.type.fields.map(f => ({ name: f.name, expr: structExtractCall(arg, f.name, e.pos) }))
  }

  add(eb: ExprBinder, call: FunctionCall): BoundExpr {
    const positional = call.args.filter(a => a.kind !== 'named_arg')
    if (positional.length !== 1 || call.distinct || call.filter !== null || call.orderBy.length > 0) {
      throw new GrizzlyError(SqlState.undefinedFunction, 'unnest takes exactly one list argument', {
        position: call.pos, hint: 'write unnest(list) or unnest(list, recursive := true)',
      })
    }
    let depth = 1
    for (const a of call.args) {
      if (a.kind !== 'named_arg') continue
      const name = a.name.toLowerCase()
      const value = eb.binder.constantValue(eb.bind(a.value), `unnest's ${name}`, a.pos)
      if (name === 'recursive') depth = value === true ? Infinity : 1
      else if (name === 'max_depth') depth = Number(value)
      else throw new GrizzlyError(SqlState.syntaxError, `unnest has no parameter "${a.name}"`, { position: a.pos, hint: 'its parameters are recursive and max_depth' })
      if (!(depth >= 1)) throw new GrizzlyError(SqlState.invalidParameterValue, 'max_depth must be at least 1', { position: a.pos })
    }
    let arg = eb.bind(positional[0]!)
    let ref: BoundExpr | null = null
    for (let d = 0; d < depth; d++) {
      if (arg.type.id === 'NULL') arg = castTo(arg, list(INTEGER))
      else if (arg.type.id === 'ARRAY') arg = castTo(arg, list(arg.type.child))
      if (arg.type.id !== 'LIST') {
        if (d > 0) break
        if (arg.type.id === 'STRUCT') throw notSupported('unnest of a STRUCT inside an expression', call.pos, 'write unnest(s) as a SELECT item of its own, or select its fields: s.a, s.b')
        throw new GrizzlyError(SqlState.datatypeMismatch, `unnest needs a LIST argument, not ${typeToString(arg.type)}`, {
          position: positional[0]!.pos, hint: 'pass a list such as [1, 2, 3]',
        })
      }
      let level = 0
      for (const id of referencedColumns(arg)) level = Math.max(level, this.levelOf.get(id) ?? 0)
      const column = this.b.columns([`unnest${this.calls.length}`], [arg.type.child])[0]!
      this.calls.push({ list: arg, column, level: level + 1 })
      this.levelOf.set(column.id, level + 1)
      ref = colref(column)
      arg = ref
    }
    return ref!
  }

  /** Applies `f` to every list expression (GROUP BY substitution). */
  rewrite(f: (e: BoundExpr) => BoundExpr): void { for (const c of this.calls) c.list = f(c.list) }

  forEachExpr(f: (e: BoundExpr) => void): void { for (const c of this.calls) f(c.list) }

  /** Unnest nodes over `input`, one per nesting level. */
  plan(input: LogicalPlan): LogicalPlan {
    let plan = input
    const levels = Math.max(0, ...this.calls.map(c => c.level))
    for (let level = 1; level <= levels; level++) {
      const calls = this.calls.filter(c => c.level === level)
      plan = { kind: 'unnest', input: plan, lists: calls.map(c => c.list), output: [...plan.output, ...calls.map(c => c.column)] }
    }
    return plan
  }
}
