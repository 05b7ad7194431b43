/**
 * The table and view names a view's query reads, found by walking its AST. CTE names in scope
 * are not dependencies. Names are returned as written (already case-folded by the parser).
 */
import { assertNever } from '../errors.ts'
import type {
  Expr, GroupingElement, OrderItem, QualifiedName, Query, QueryBody, TableRef, WindowSpec,
} from '../parser/ast.ts'

export function referencedTables(query: Query): QualifiedName[] {
  const found = new Map<string, QualifiedName>()
  const walker = new Walker(name => { found.set(name.join('.').toLowerCase(), name) })
  walker.query(query, new Set())
  return [...found.values()]
}

class Walker {
  constructor(private readonly report: (name: QualifiedName) => void) {}

  query(q: Query, ctes: ReadonlySet<string>): void {
    let scope = ctes
    if (q.with !== null) {
      const inner = new Set(ctes)
      for (const cte of q.with.ctes) {
        // a recursive CTE may name itself; a plain one sees only earlier CTEs
        if (q.with.recursive) inner.add(cte.name.toLowerCase())
        this.query(cte.query, inner)
        inner.add(cte.name.toLowerCase())
      }
      scope = inner
    }
    this.body(q.body, scope)
    this.orderItems(q.orderBy, scope)
    this.optional(q.limit, scope)
    this.optional(q.offset, scope)
  }

  private body(b: QueryBody, scope: ReadonlySet<string>): void {
    switch (b.kind) {
      case 'select':
        for (const ref of b.from) this.tableRef(ref, scope)
        if (Array.isArray(b.distinct)) this.exprs(b.distinct as readonly Expr[], scope)
        for (const item of b.items) this.expr(item.expr, scope)
        this.optional(b.where, scope)
        if (b.groupBy !== null && b.groupBy.kind === 'group_list') for (const g of b.groupBy.items) this.grouping(g, scope)
        this.optional(b.having, scope)
        for (const w of b.windows) this.window(w.spec, scope)
        this.optional(b.qualify, scope)
        return
      case 'set_operation': this.body(b.left, scope); this.body(b.right, scope); return
      case 'values': for (const row of b.rows) this.exprs(row, scope); return
      case 'query': this.query(b, scope); return
      default: assertNever(b, 'query body')
    }
  }

  private tableRef(ref: TableRef, scope: ReadonlySet<string>): void {
    switch (ref.kind) {
      case 'table_ref':
        if (!(ref.name.length === 1 && scope.has(ref.name[0]!.toLowerCase()))) this.report(ref.name)
        return
      case 'subquery_ref': this.query(ref.query, scope); return
      case 'function_ref': this.exprs(ref.args, scope); return
      case 'file_ref': return
      case 'join':
        this.tableRef(ref.left, scope)
        this.tableRef(ref.right, scope)
        this.optional(ref.on, scope)
        return
      default: assertNever(ref, 'table reference')
    }
  }

  private grouping(g: GroupingElement, scope: ReadonlySet<string>): void {
    switch (g.kind) {
      case 'group_expr': this.expr(g.expr, scope); return
      case 'group_empty': return
      case 'rollup': case 'cube': for (const set of g.items) this.exprs(set, scope); return
      case 'grouping_sets': for (const s of g.sets) this.grouping(s, scope); return
      default: assertNever(g, 'grouping element')
    }
  }

  private window(w: WindowSpec, scope: ReadonlySet<string>): void {
    this.exprs(w.partitionBy, scope)
    this.orderItems(w.orderBy, scope)
    if (w.frame !== null) {
      for (const bound of [w.frame.start, w.frame.end]) {
        if (bound.kind === 'preceding' || bound.kind === 'following') this.expr(bound.offset, scope)
      }
    }
  }

  private orderItems(items: readonly OrderItem[], scope: ReadonlySet<string>): void {
    for (const o of items) this.expr(o.expr, scope)
  }

  private optional(e: Expr | null, scope: ReadonlySet<string>): void { if (e !== null) this.expr(e, scope) }
  private exprs(es: readonly Expr[], scope: ReadonlySet<string>): void { for (const e of es) this.expr(e, scope) }

  private expr(e: Expr, scope: ReadonlySet<string>): void {
    switch (e.kind) {
      case 'number': case 'string': case 'boolean': case 'null': case 'typed_literal':
      case 'column': case 'positional': case 'parameter': case 'default':
        return
      case 'interval': this.expr(e.value, scope); return
      case 'star': for (const r of e.replace) this.expr(r.expr, scope); return
      case 'unary': this.expr(e.operand, scope); return
      case 'binary': this.expr(e.left, scope); this.expr(e.right, scope); return
      case 'like': this.expr(e.expr, scope); this.expr(e.pattern, scope); this.optional(e.escape, scope); return
      case 'is_null': case 'is_bool': this.expr(e.expr, scope); return
      case 'is_distinct': this.expr(e.left, scope); this.expr(e.right, scope); return
      case 'between': this.expr(e.expr, scope); this.expr(e.low, scope); this.expr(e.high, scope); return
      case 'in_list': this.expr(e.expr, scope); this.exprs(e.list, scope); return
      case 'in_subquery': this.expr(e.expr, scope); this.query(e.query, scope); return
      case 'exists': case 'subquery': this.query(e.query, scope); return
      case 'quantified': this.expr(e.left, scope); this.query(e.query, scope); return
      case 'case':
        this.optional(e.operand, scope)
        for (const w of e.whens) { this.expr(w.when, scope); this.expr(w.then, scope) }
        this.optional(e.else, scope)
        return
      case 'cast': this.expr(e.expr, scope); return
      case 'function':
        this.exprs(e.args, scope)
        this.orderItems(e.orderBy, scope)
        this.orderItems(e.withinGroup, scope)
        this.optional(e.filter, scope)
        if (e.over !== null) this.window(e.over, scope)
        return
      case 'named_arg': this.expr(e.value, scope); return
      case 'list': case 'row': this.exprs(e.items, scope); return
      case 'struct': for (const f of e.fields) this.expr(f.value, scope); return
      case 'subscript': this.expr(e.expr, scope); this.expr(e.index, scope); return
      case 'slice': this.expr(e.expr, scope); this.optional(e.from, scope); this.optional(e.to, scope); return
      case 'field': this.expr(e.expr, scope); return
      case 'lambda': this.expr(e.body, scope); return
      case 'collate': this.expr(e.expr, scope); return
      default: assertNever(e, 'expression')
    }
  }
}
