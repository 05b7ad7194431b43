/**
 * Name resolution. A Scope is what one FROM clause makes visible: bindings (a table, view,
 * subquery or function, under its alias) with their columns, plus the columns merged by
 * USING / NATURAL joins. Scopes chain to the enclosing query's scope; a scope that starts a
 * subquery collects the outer columns it reads (`correlated`), which become
 * SubqueryBoundExpr.correlated or make a join LATERAL.
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import { type BoundExpr, type ColumnId, type ColumnRefExpr, type OutputColumn, exprChildren } from '../plan/expr.ts'
import type { LogicalType } from '../types/types.ts'
import type { FunctionCall } from '../parser/ast.ts'
import { structPackCall } from './functions.ts'

export interface ScopeColumn { readonly name: string; readonly id: ColumnId; readonly type: LogicalType }

export interface Binding {
  /** alias, or the table's own name */
  readonly name: string
  /** schema of a catalog table, for s.t.col references */
  readonly schema: string | null
  readonly columns: readonly ScopeColumn[]
}

export interface MergedColumn { readonly name: string; readonly expr: BoundExpr }

/** A resolved column plus any trailing parts that must be struct field accesses. */
export interface Resolved { readonly expr: BoundExpr; readonly fields: readonly string[] }

export class Scope {
  readonly bindings: Binding[] = []
  /** USING / NATURAL join columns: unqualified references and `*` see these */
  readonly merged: MergedColumn[] = []
  /** columns `*` skips because a merged column stands for them */
  readonly starHidden = new Set<ColumnId>()
  /** pseudo columns (rowid) that no `*` shows, qualified or not */
  readonly pseudo = new Set<ColumnId>()
  /** set on the first scope of a subquery (or a lateral right side): outer columns it reads */
  readonly correlated: ColumnRefExpr[] | null
  /**
   * In an aggregate query the SELECT list sees grouped columns through this mapping (an input
   * column that is a GROUP BY key becomes the aggregate's output column).
   */
  mapColumn: ((ref: ColumnRefExpr, position: number) => BoundExpr) | null = null
  /**
   * On a subquery's first scope: the enclosing clause's aggregate sink, so an aggregate of outer
   * columns only (SELECT (SELECT sum(t.a)) FROM t) is computed by the enclosing query.
   */
  outerAggregate: ((call: FunctionCall, name: string) => BoundExpr) | null = null

  constructor(readonly parent: Scope | null, boundary: boolean) {
    this.correlated = boundary ? [] : null
  }

  /** A scope seeing the same columns and parent, with a different column mapping. */
  withMapping(map: (ref: ColumnRefExpr, position: number) => BoundExpr): Scope {
    const s = new Scope(this.parent, false)
    s.bindings.push(...this.bindings)
    s.merged.push(...this.merged)
    for (const id of this.starHidden) s.starHidden.add(id)
    for (const id of this.pseudo) s.pseudo.add(id)
    s.mapColumn = map
    return s
  }

  addBinding(name: string, schema: string | null, columns: readonly OutputColumn[] | readonly ScopeColumn[], position: number): Binding {
    const lower = name.toLowerCase()
    const schemaLower = schema?.toLowerCase() ?? null
    if (name !== '' && this.bindings.some(b => b.name.toLowerCase() === lower && (b.schema?.toLowerCase() ?? null) === schemaLower)) {
      throw new GrizzlyError(SqlState.duplicateObject, `table name "${name}" specified more than once`,
        { position, hint: 'give one of them an alias' })
    }
    const b: Binding = { name, schema, columns: columns.map(c => ({ name: c.name, id: c.id, type: c.type })) }
    this.bindings.push(b)
    return b
  }

  /** Copies another scope's bindings and merged columns into this one (joins). */
  absorb(other: Scope, position: number): void {
    for (const b of other.bindings) this.addBinding(b.name, b.schema, b.columns, position)
    this.merged.push(...other.merged)
    for (const id of other.starHidden) this.starHidden.add(id)
    for (const id of other.pseudo) this.pseudo.add(id)
  }

  findBinding(qualifier: readonly string[]): Binding | undefined {
    const name = qualifier[qualifier.length - 1]!.toLowerCase()
    const schema = qualifier.length >= 2 ? qualifier[qualifier.length - 2]!.toLowerCase() : null
    return this.bindings.find(b => b.name.toLowerCase() === name && (schema === null || (b.schema ?? '').toLowerCase() === schema))
  }

  /** Resolves `parts` here or in enclosing scopes; throws 42703 / 42702 with position. */
  resolve(parts: readonly string[], position: number): Resolved {
    const crossed: Scope[] = []
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const found = s.resolveLocal(parts, position)
      if (found !== undefined) {
        if (crossed.length > 0 && found.expr.kind === 'colref') {
          const ref = found.expr
          for (const c of crossed) if (!c.correlated!.some(r => r.id === ref.id)) c.correlated!.push(ref)
        } else if (crossed.length > 0) {
          for (const ref of collectColumnRefs(found.expr)) {
            for (const c of crossed) if (!c.correlated!.some(r => r.id === ref.id)) c.correlated!.push(ref)
          }
        }
        return found
      }
      if (s.correlated !== null) crossed.push(s)
    }
    const row = this.resolveRow(parts)
    if (row !== undefined) return row
    const written = parts.join('.')
    throw new GrizzlyError(SqlState.undefinedColumn, `column "${written}" does not exist`, {
      position, hint: didYouMean(written, this.candidateNames(parts.length > 1)),
    })
  }

  /** DuckDB: a table's name where no column has it is the whole row, as a STRUCT of its columns. */
  private resolveRow(parts: readonly string[]): Resolved | undefined {
    const crossed: Scope[] = []
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const b = s.findBinding([parts[0]!])
      if (b !== undefined && b.name !== '') {
        const scope = s
        const cols = b.columns.filter(c => !scope.pseudo.has(c.id))
        const expr = structPackCall(cols.map(c => c.name), cols.map(c => scope.map(colref(c))))
        for (const c of crossed) c.addCorrelated(expr)
        return { expr, fields: parts.slice(1) }
      }
      if (s.correlated !== null) crossed.push(s)
    }
    return undefined
  }

  private candidateNames(qualified: boolean): string[] {
    const out: string[] = []
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      for (const b of s.bindings) for (const c of b.columns) out.push(qualified ? `${b.name}.${c.name}` : c.name)
    }
    return out
  }

  /** Adds outer columns read through an expression bound in an enclosing query. */
  addCorrelated(e: BoundExpr): void {
    for (const ref of collectColumnRefs(e)) if (!this.correlated!.some(r => r.id === ref.id)) this.correlated!.push(ref)
  }

  /** Resolves in this scope only (USING columns of one join side). */
  resolveLocal(parts: readonly string[], position: number): Resolved | undefined {
    // try the longest table qualifier first: s.t.col, then t.col, then col (rest = struct fields)
    for (let q = Math.min(parts.length - 1, 2); q >= 0; q--) {
      if (q > 0) {
        const binding = this.findBinding(parts.slice(0, q))
        if (binding === undefined) continue
        const name = parts[q]!
        const col = findColumn(binding, name)
        if (col === undefined) {
          if (q === parts.length - 1 || q === 1) {
            throw new GrizzlyError(SqlState.undefinedColumn, `column "${name}" does not exist in "${binding.name}"`, {
              position, hint: didYouMean(name, binding.columns.map(c => c.name)),
            })
          }
          continue
        }
        return { expr: this.map(colref(col), position), fields: parts.slice(q + 1) }
      }
      const name = parts[0]!
      const lower = name.toLowerCase()
      const merged = this.merged.find(m => m.name.toLowerCase() === lower)
      if (merged !== undefined) return { expr: this.mapMerged(merged.expr, position), fields: parts.slice(1) }
      let match: ScopeColumn | undefined
      let from: Binding | undefined
      for (const b of this.bindings) {
        const c = findColumn(b, name)
        if (c === undefined) continue
        if (match !== undefined && match.id !== c.id) {
          throw new GrizzlyError(SqlState.ambiguousColumn, `column reference "${name}" is ambiguous`, {
            position, hint: `qualify it: "${from!.name}.${name}" or "${b.name}.${name}"`,
          })
        }
        match = c
        from = b
      }
      if (match !== undefined) return { expr: this.map(colref(match), position), fields: parts.slice(1) }
    }
    return undefined
  }

  private map(ref: ColumnRefExpr, position = 0): BoundExpr { return this.mapColumn === null ? ref : this.mapColumn(ref, position) }

  private mapMerged(e: BoundExpr, position: number): BoundExpr { return e.kind === 'colref' ? this.map(e, position) : e }

  /**
   * Columns `*` expands to, in order: each binding's columns, a USING-merged column where its first side's stood; `parts`
   * is a name that resolves to the column here (COLUMNS(…) expands to such references).
   */
  starColumns(qualifier: readonly string[] | null, position: number): { name: string; expr: BoundExpr; parts: readonly string[] }[] {
    if (qualifier !== null) {
      const b = this.findBinding(qualifier)
      if (b === undefined) {
        throw new GrizzlyError(SqlState.undefinedTable, `missing FROM-clause entry for table "${qualifier.join('.')}"`, {
          position, hint: didYouMean(qualifier.join('.'), this.bindings.map(x => x.name)),
        })
      }
      return b.columns.filter(c => !this.pseudo.has(c.id)).map(c => ({ name: c.name, expr: this.map(colref(c), position), parts: [b.name, c.name] }))
    }
    // a merged USING column stands where its first side's column stood (DuckDB's order)
    const out: { name: string; expr: BoundExpr; parts: readonly string[] }[] = []
    const pending = new Map(this.merged.map(m => [m.name.toLowerCase(), m]))
    const emit = (m: MergedColumn): void => { out.push({ name: m.name, expr: this.mapMerged(m.expr, position), parts: [m.name] }) }
    for (const b of this.bindings) {
      for (const c of b.columns) {
        if (this.pseudo.has(c.id)) continue
        if (this.starHidden.has(c.id)) {
          const m = pending.get(c.name.toLowerCase())
          if (m !== undefined) { emit(m); pending.delete(c.name.toLowerCase()) }
          continue
        }
        out.push({ name: c.name, expr: this.map(colref(c), position), parts: [b.name, c.name] })
      }
    }
    if (pending.size > 0) {
      const rest = out.splice(0)
      for (const m of pending.values()) emit(m)
      out.push(...rest)
    }
    return out
  }

  /** Every column visible without qualification, for NATURAL joins and did-you-mean. */
  visibleNames(): string[] { return this.starColumns(null, 0).map(c => c.name) }
}

function findColumn(b: Binding, name: string): ScopeColumn | undefined {
  const exact = b.columns.find(c => c.name === name)
  if (exact !== undefined) return exact
  const lower = name.toLowerCase()
  return b.columns.find(c => c.name.toLowerCase() === lower)
}

export function colref(c: ScopeColumn | OutputColumn): ColumnRefExpr {
  return { kind: 'colref', id: c.id, type: c.type, name: c.name }
}

function collectColumnRefs(e: BoundExpr, out: ColumnRefExpr[] = []): ColumnRefExpr[] {
  if (e.kind === 'colref') out.push(e)
  for (const c of exprChildren(e)) collectColumnRefs(c, out)
  return out
}
