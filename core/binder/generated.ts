/**
 * VIRTUAL generated columns (`c INTEGER GENERATED ALWAYS AS (a * b)`, `c AS (a * b)`): bound at
 * CREATE TABLE over the stored columns, and computed by a projection over the scan whenever the
 * table is read (as DuckDB, which has no STORED ones either). INSERT and UPDATE never name them.
 */
import type { ColumnSchema, GeneratedColumn, TableEntry } from '../catalog/catalog.ts'
import { GrizzlyError, SqlState, notSupported } from '../errors.ts'
import type { ColumnDef, Expr } from '../parser/ast.ts'
import type { BoundExpr, OutputColumn } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import type { LogicalType } from '../types/types.ts'
import type { Binder } from './binder.ts'
import { ExprBinder } from './expression.ts'
import { castTo } from './functions.ts'
import { exprToSql } from './names.ts'
import { rewriteExpr } from './rewrite.ts'
import { Scope } from './scope.ts'

/**
 * The generated columns of a CREATE TABLE. `stored` are the other columns (ids = their index);
 * `all` is every column definition in declared order; `types` the resolved types (null for a
 * generated column without one).
 */
export function bindGeneratedColumns(b: Binder, table: string, schema: string, all: readonly ColumnDef[], stored: readonly ColumnSchema[], types: readonly (LogicalType | null)[]): GeneratedColumn[] {
  const defs = new Map(all.flatMap(c => c.generated === undefined ? [] : [[c.name.toLowerCase(), c] as const]))
  if (defs.size === 0) return []
  const scope = new Scope(null, false)
  scope.addBinding(table, schema, stored.map((c, i) => ({ id: i, name: c.name, type: c.type })), all[0]?.pos ?? 0)
  const eb = new ExprBinder(b, scope, null, { clause: 'generated columns', noSubqueries: true })
  const out: GeneratedColumn[] = []
  all.forEach((c, position) => {
    const g = c.generated
    if (g === undefined) return
    if (g.stored) throw notSupported('STORED generated columns', c.pos, 'leave out STORED: a VIRTUAL column is computed whenever it is read')
    if (c.default !== null || c.primaryKey || c.unique || c.notNull || c.check !== null) {
      throw new GrizzlyError(SqlState.syntaxError, `generated column "${c.name}" cannot have a DEFAULT or constraints`, {
        position: c.pos, hint: 'put the constraint on the columns it is computed from',
      })
    }
    const bound = eb.bind(inlineGenerated(g.expr, defs, table, [c.name.toLowerCase()]))
    const declared = types[position] ?? null
    const type = declared ?? normalizeLiteralType(bound.type)
    out.push({ name: c.name, type, position, expr: b.fold(castTo(bound, type), c.pos), sql: exprToSql(g.expr) })
  })
  return out
}

/** replaces references to generated columns by their expressions (refusing cycles) */
function inlineGenerated(e: Expr, defs: ReadonlyMap<string, ColumnDef>, table: string, path: readonly string[]): Expr {
  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node
    if (Array.isArray(node)) return node.map(visit)
    const n = node as { kind?: unknown; parts?: readonly string[]; pos?: number }
    if (n.kind === 'column' && n.parts !== undefined && (n.parts.length === 1 || (n.parts.length === 2 && n.parts[0]!.toLowerCase() === table.toLowerCase()))) {
      const name = n.parts[n.parts.length - 1]!.toLowerCase()
      const def = defs.get(name)
      if (def?.generated !== undefined) {
        if (path.includes(name)) {
          throw new GrizzlyError(SqlState.invalidColumnReference, `generated column "${def.name}" depends on itself`, { position: n.pos, hint: 'a generated column may read other columns, but not in a cycle' })
        }
        return inlineGenerated(def.generated.expr, defs, table, [...path, name])
      }
      return node
    }
    if (n.kind === 'select' || n.kind === 'query') return node
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]))
  }
  return visit(e) as Expr
}

/**
 * A scan of `table` (its stored columns, then `extra` such as the row id) with the generated
 * columns put in: the columns in declared order, then the extra ones. Tables without generated
 * columns keep the bare scan.
 */
export function withGeneratedColumns(b: Binder, table: TableEntry, scan: LogicalPlan, storedCount: number): LogicalPlan {
  const generated = table.constraints.generated ?? []
  if (generated.length === 0) return scan
  const storedOut = scan.output.slice(0, storedCount)
  const colref = (c: OutputColumn): BoundExpr => ({ kind: 'colref', id: c.id, type: c.type, name: c.name })
  const exprs: BoundExpr[] = []
  const output: OutputColumn[] = []
  let next = 0
  const total = storedCount + generated.length
  for (let position = 0; position < total; position++) {
    const g = generated.find(x => x.position === position)
    if (g === undefined) {
      const c = storedOut[next++]!
      exprs.push(colref(c))
      output.push({ id: b.nextId(), name: c.name, type: c.type })
      continue
    }
    exprs.push(rewriteExpr(g.expr, e => e.kind === 'colref' ? colref(storedOut[e.id]!) : undefined))
    output.push({ id: b.nextId(), name: g.name, type: g.type })
  }
  for (const c of scan.output.slice(storedCount)) {
    exprs.push(colref(c))
    output.push({ id: b.nextId(), name: c.name, type: c.type })
  }
  return { kind: 'project', input: scan, exprs, output }
}

/** INSERT / UPDATE naming a generated column */
export function generatedColumnError(table: TableEntry, name: string, position: number): GrizzlyError | null {
  const g = table.constraints.generated?.find(c => c.name.toLowerCase() === name.toLowerCase())
  if (g === undefined) return null
  return new GrizzlyError(SqlState.syntaxError, `cannot write to generated column "${g.name}"`, {
    position, hint: `"${g.name}" is computed from the other columns; leave it out of the column list`,
  })
}

/** DESCRIBE rows of a table: the generated columns put in among the stored ones, their expression under `extra` */
export function withGeneratedRows<R>(table: TableEntry, stored: readonly R[], row: (g: GeneratedColumn) => R): R[] {
  const out = [...stored]
  for (const g of [...table.constraints.generated ?? []].sort((x, y) => x.position - y.position)) out.splice(g.position, 0, row(g))
  return out
}
