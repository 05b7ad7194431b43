/**
 * Star expressions that stand for several columns: `*` with EXCLUDE / REPLACE, `* LIKE 'p%'`
 * (also NOT LIKE, ILIKE, SIMILAR TO), and DuckDB's COLUMNS(…) with a regular expression, a list
 * of names, a lambda over the name or a star. An expression holding one of them is bound once
 * per matching column, the star standing for that column each time (Binder.columnsPick).
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { ColumnRef, Expr, FunctionCall, LambdaExpr, LikeExpr, Star } from '../parser/ast.ts'
import { astChildren } from './aggregate.ts'
import type { ExprBinder } from './expression.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { typeToString } from '../types/types.ts'
import { structExtractCall } from './functions.ts'
import { compileRegex } from '../functions/regex.ts'
import type { Scope } from './scope.ts'
import { exprToSql } from './names.ts'

/** One column a star stands for: its output name and an expression reading it. */
export interface StarColumn {
  readonly name: string
  /** a reference to the column (or the REPLACE expression), to bind in another scope */
  readonly ast: Expr
  /** the column as bound in `scope` (null for a REPLACE expression); names may repeat, so this is preferred */
  readonly expr: BoundExpr | null
  readonly scope: Scope
  /** from a REPLACE (expr AS name) */
  readonly replaced: boolean
}

type StarPattern = LikeExpr & { readonly expr: Star }

export function isColumnsCall(e: Expr): e is FunctionCall {
  return e.kind === 'function' && e.name.length === 1 && e.name[0]!.toLowerCase() === 'columns' && e.over === null
}

function isStarPattern(e: Expr): e is StarPattern {
  return e.kind === 'like' && e.expr.kind === 'star'
}

/** The COLUMNS(…) calls and `* LIKE …` expressions inside `e` (not inside subqueries). */
export function starExpressions(e: Expr): Expr[] {
  const out: Expr[] = []
  const visit = (x: Expr): void => {
    if (isColumnsCall(x) || isStarPattern(x)) out.push(x)
    else astChildren(x).forEach(visit)
  }
  visit(e)
  return out
}

/** `*`, `t.*`, with EXCLUDE and REPLACE applied. */
export function starItems(eb: ExprBinder, star: Star): StarColumn[] {
  const scope = eb.scope
  let cols = star.qualifier !== null && scope.findBinding(star.qualifier) === undefined
    ? structFields(eb, star) : scope.starColumns(star.qualifier, star.pos)
  if (cols.length === 0) throw new GrizzlyError(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', { position: star.pos })
  for (const name of star.exclude) {
    const parts = name.split('.')
    const lower = parts[parts.length - 1]!.toLowerCase()
    if (parts.length > 1) {
      // EXCLUDE (t.x): only t's column
      const binding = scope.findBinding(parts.slice(0, -1))
      const col = binding?.columns.find(c => c.name.toLowerCase() === lower)
      if (col === undefined) {
        throw new GrizzlyError(SqlState.undefinedColumn, `column "${name}" in EXCLUDE list not found in FROM clause`, { position: star.pos })
      }
      const before = cols.length
      cols = cols.filter(c => !(c.expr.kind === 'colref' && c.expr.id === col.id))
      // a merged USING column stands for both sides' columns
      if (cols.length === before) cols = cols.filter(c => c.name.toLowerCase() !== lower)
      continue
    }
    if (!cols.some(c => c.name.toLowerCase() === lower)) {
      throw new GrizzlyError(SqlState.undefinedColumn, `column "${name}" in EXCLUDE list not found in FROM clause`, { position: star.pos })
    }
    cols = cols.filter(c => c.name.toLowerCase() !== lower)
  }
  const out: StarColumn[] = cols.map(c => ({
    name: c.name, ast: { kind: 'column', pos: star.pos, parts: c.parts } satisfies ColumnRef, expr: c.expr, scope, replaced: false,
  }))
  const replaced = new Set<string>()
  for (const r of star.replace) {
    const lower = r.name.toLowerCase()
    if (replaced.has(lower)) throw new GrizzlyError(SqlState.duplicateColumn, `column "${r.name}" is replaced more than once`, { position: r.expr.pos })
    replaced.add(lower)
    const i = out.findIndex(c => c.name.toLowerCase() === lower)
    if (i < 0) throw new GrizzlyError(SqlState.undefinedColumn, `column "${r.name}" in REPLACE list not found in FROM clause`, { position: r.expr.pos })
    out[i] = { name: out[i]!.name, ast: r.expr, expr: null, scope, replaced: true }
  }
  return renameStarColumns(star, out)
}

/** RENAME (a AS b, t.c AS d): new output names; a column may not also be excluded or replaced (as DuckDB) */
function renameStarColumns(star: Star, cols: StarColumn[]): StarColumn[] {
  if (star.rename === undefined) return cols
  const scope = cols[0]?.scope
  const lastOf = (name: string): string => name.split('.').pop()!.toLowerCase()
  const out = [...cols]
  for (const r of star.rename) {
    const lower = lastOf(r.name)
    for (const [list, what] of [[star.exclude, 'EXCLUDE'], [star.replace.map(x => x.name), 'REPLACE']] as const) {
      if (list.some(n => lastOf(n) === lower)) {
        throw new GrizzlyError(SqlState.syntaxError, `Column "${r.name}" cannot occur in both ${what} and RENAME list`, {
          position: star.pos, hint: `leave "${r.name}" out of one of the two lists`,
        })
      }
    }
    const parts = r.name.split('.')
    let at: number[] = []
    if (parts.length > 1 && scope !== undefined) {
      // RENAME (t.x AS y): only t's column (a merged USING column stands for both sides)
      const col = scope.findBinding(parts.slice(0, -1))?.columns.find(c => c.name.toLowerCase() === lower)
      at = out.flatMap((c, i) => col !== undefined && c.expr?.kind === 'colref' && c.expr.id === col.id ? [i] : [])
    }
    if (at.length === 0) at = out.flatMap((c, i) => c.name.toLowerCase() === lower ? [i] : [])
    if (at.length === 0) {
      throw new GrizzlyError(SqlState.undefinedColumn, `column "${r.name}" in RENAME list not found in FROM clause`, {
        position: star.pos, hint: didYouMean(lastOf(r.name), out.map(c => c.name)) ?? `the star's columns are ${out.map(c => c.name).join(', ')}`,
      })
    }
    for (const i of at) out[i] = { ...out[i]!, name: r.to }
  }
  return out
}

/** s.* where s is a STRUCT column: its fields */
function structFields(eb: ExprBinder, star: Star): { name: string; expr: BoundExpr; parts: readonly string[] }[] {
  const qualifier = star.qualifier!
  let struct: BoundExpr
  try {
    struct = eb.bind({ kind: 'column', pos: star.pos, parts: qualifier })
  } catch (err) {
    if (err instanceof GrizzlyError && err.code === SqlState.undefinedColumn) return eb.scope.starColumns(qualifier, star.pos)
    throw err
  }
  if (struct.type.id !== 'STRUCT') {
    throw new GrizzlyError(SqlState.datatypeMismatch, `${qualifier.join('.')}.* needs a table or a STRUCT column, not ${typeToString(struct.type)}`, { position: star.pos })
  }
  return struct.type.fields.map(f => ({ name: f.name, expr: structExtractCall(struct, f.name, star.pos), parts: [...qualifier, f.name] }))
}

/** The columns a COLUMNS(…) call or a `* LIKE …` stands for; `alias` renames through a regex's groups. */
export function starExpressionColumns(eb: ExprBinder, e: Expr, alias: string | null): StarColumn[] {
  let cols: StarColumn[]
  let regex: RegExp | null = null
  if (isStarPattern(e)) {
    // the pattern is tested on each name with the same operator: name LIKE 'p%' ESCAPE …
    if (e.expr.replace.length > 0 || e.expr.rename !== undefined) {
      throw new GrizzlyError(SqlState.syntaxError, `* ${e.expr.replace.length > 0 ? 'REPLACE' : 'RENAME'} cannot be combined with ${e.op.toUpperCase()}`, {
        position: e.pos, hint: 'filter the columns with COLUMNS(…) and replace them in a separate step',
      })
    }
    const param = '__column_name'
    const test: LambdaExpr = { kind: 'lambda', pos: e.pos, params: [param], body: { ...e, expr: { kind: 'column', pos: e.pos, parts: [param] } } }
    cols = filterByName(eb, starItems(eb, e.expr), test)
    if (e.op === 'similar' && !e.not && e.pattern.kind === 'string') regex = columnRegex(`^(?:${e.pattern.value})$`, e.pattern.pos)
  } else if (isColumnsCall(e)) {
    if (e.args.length !== 1 || e.distinct || e.orderBy.length > 0 || e.filter !== null) {
      throw new GrizzlyError(SqlState.syntaxError, 'COLUMNS takes exactly one argument', {
        position: e.pos, hint: "write COLUMNS('regex'), COLUMNS(['a', 'b']), COLUMNS(x -> x LIKE 'a%') or COLUMNS(* EXCLUDE (…))",
      })
    }
    const arg = e.args[0]!
    if (arg.kind === 'star') cols = starItems(eb, arg)
    else if (arg.kind === 'lambda') cols = filterByName(eb, allColumns(eb, e), arg)
    else if (arg.kind === 'string') {
      regex = columnRegex(arg.value, arg.pos)
      const re = regex
      cols = allColumns(eb, e).filter(c => re.test(c.name))
      if (cols.length === 0) {
        throw new GrizzlyError(SqlState.undefinedColumn, `no columns match the regular expression '${arg.value}'`, {
          position: arg.pos, hint: 'COLUMNS(\'regex\') keeps the columns whose name the regex matches somewhere',
        })
      }
    } else if (arg.kind === 'list') {
      const all = allColumns(eb, e)
      cols = arg.items.map(item => {
        if (item.kind !== 'string') {
          throw new GrizzlyError(SqlState.syntaxError, 'COLUMNS([…]) takes a list of column names as strings', { position: item.pos })
        }
        const found = all.find(c => c.name === item.value) ?? all.find(c => c.name.toLowerCase() === item.value.toLowerCase())
        if (found === undefined) {
          throw new GrizzlyError(SqlState.undefinedColumn, `column "${item.value}" in COLUMNS list not found in FROM clause`, { position: item.pos })
        }
        return found
      })
    } else {
      throw new GrizzlyError(SqlState.syntaxError, 'COLUMNS takes a regular expression, a list of names, a lambda or a star', {
        position: arg.pos, hint: "write COLUMNS('regex'), COLUMNS(['a', 'b']), COLUMNS(x -> x LIKE 'a%') or COLUMNS(* EXCLUDE (…))",
      })
    }
  } else {
    throw new GrizzlyError(SqlState.syntaxError, '* is not allowed here', { position: e.pos })
  }
  if (alias !== null && regex !== null) {
    // COLUMNS('(\w+)_x') AS '\1': the alias rewrites each matching name through the groups
    const replacement = alias.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1')
    const re = regex
    cols = cols.map(c => ({ ...c, name: c.name.replace(re, replacement) }))
  } else if (alias !== null && cols.length === 1) {
    cols = [{ ...cols[0]!, name: alias }]
  }
  return cols
}

function allColumns(eb: ExprBinder, e: Expr): StarColumn[] {
  return starItems(eb, { kind: 'star', pos: e.pos, qualifier: null, exclude: [], replace: [] })
}

/** RE2 syntax as regexp_matches takes it (POSIX classes, \\A, \\z, inline flags). */
function columnRegex(pattern: string, position: number): RegExp {
  try {
    return compileRegex(pattern, '')
  } catch (err) {
    throw err instanceof GrizzlyError ? err.withPosition(position) : err
  }
}

/** Keeps the columns whose name the lambda maps to true (list_transform over the names, folded). */
function filterByName(eb: ExprBinder, cols: StarColumn[], test: LambdaExpr): StarColumn[] {
  if (test.params.length !== 1) {
    throw new GrizzlyError(SqlState.syntaxError, 'the lambda of COLUMNS takes one parameter, the column name', { position: test.pos })
  }
  const call: FunctionCall = {
    kind: 'function', pos: test.pos, name: ['list_transform'], distinct: false, orderBy: [], withinGroup: [], filter: null,
    ignoreNulls: false, over: null,
    args: [{ kind: 'list', pos: test.pos, items: cols.map(c => ({ kind: 'string', pos: test.pos, value: c.name })) }, test],
  }
  const bound = eb.with({ clause: 'COLUMNS' }).bind(call)
  const keep = eb.binder.constantValue(bound, 'the lambda of COLUMNS', test.pos)
  if (!Array.isArray(keep)) throw new GrizzlyError(SqlState.datatypeMismatch, 'the lambda of COLUMNS must return BOOLEAN', { position: test.pos })
  return cols.filter((_, i) => keep[i] === true)
}

/**
 * Binds `e` once per column its star expressions stand for (they must all be the same
 * expression, e.g. COLUMNS('a') + COLUMNS('a')): `bindOne(i, column)` runs with each occurrence
 * standing for column i.
 */
export function expandStarExpression<T>(eb: ExprBinder, e: Expr, alias: string | null,
  bindOne: (column: StarColumn, bare: boolean) => T): T[] {
  const stars = starExpressions(e)
  const text = exprToSql(stars[0]!)
  const other = stars.find(s => exprToSql(s) !== text)
  if (other !== undefined) {
    throw new GrizzlyError(SqlState.featureNotSupported, 'different COLUMNS(…) or star expressions in one expression are not supported', {
      position: other.pos, hint: 'use one COLUMNS(…) per expression, or write the columns out',
    })
  }
  const cols = starExpressionColumns(eb, stars[0]!, alias)
  const picks = eb.binder.columnsPick
  const out: T[] = []
  for (const col of cols) {
    for (const s of stars) picks.set(s, col)
    try { out.push(bindOne(col, stars[0] === e)) } finally { for (const s of stars) picks.delete(s) }
  }
  return out
}
