/**
 * Renders AST back to SQL text: the names DuckDB gives unaliased SELECT columns
 * (`(a + 1)`, `sum(x)`, `count_star()`), and the text stored for DEFAULT and CHECK clauses
 * and views.
 */
import { assertNever } from '../errors.ts'
import { formatSample } from '../parser/sample.ts'
import type {
  Expr, FrameBound, OrderItem, Query, QueryBody, SelectItem, TableRef, TypeName, WindowSpec,
} from '../parser/ast.ts'

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`
}

function quoteString(s: string): string { return `'${s.replace(/'/g, "''")}'` }

export function typeNameToSql(t: TypeName): string {
  let s = t.name
  if (t.fields.length > 0) s += `(${t.fields.map(f => (f.name === '' ? '' : `${quoteIdent(f.name)} `) + typeNameToSql(f.type)).join(', ')})`
  else if (t.params.length > 0) s += `(${t.params.join(', ')})`
  for (const d of t.arrayDims) s += d === null ? '[]' : `[${d}]`
  return s
}

/** The name of an unaliased select-list expression, as DuckDB shows it. */
export function columnNameOf(e: Expr): string {
  switch (e.kind) {
    case 'column': return e.parts[e.parts.length - 1]!
    case 'positional': return `#${e.index}`
    case 'function':
      if (e.args.length === 1 && e.args[0]!.kind === 'star' && e.name[e.name.length - 1] === 'count' && e.over === null) return 'count_star()'
      return exprToSql(e)
    case 'field': return e.field
    default: return exprToSql(e)
  }
}

export function exprToSql(e: Expr): string {
  switch (e.kind) {
    case 'number': return e.text
    case 'string': return quoteString(e.value)
    case 'boolean': return e.value ? 'true' : 'false'
    case 'null': return 'NULL'
    case 'typed_literal': return `${typeNameToSql(e.type)} ${quoteString(e.value)}`
    case 'interval': return `INTERVAL ${exprToSql(e.value)}${e.unit === null ? '' : ` ${e.unit.toUpperCase()}`}`
    case 'column': return e.parts.map(quoteIdent).join('.')
    case 'positional': return `#${e.index}`
    case 'star': {
      let s = e.qualifier === null ? '*' : `${e.qualifier.map(quoteIdent).join('.')}.*`
      if (e.exclude.length > 0) s += ` EXCLUDE (${e.exclude.map(quoteIdent).join(', ')})`
      if (e.replace.length > 0) s += ` REPLACE (${e.replace.map(r => `${exprToSql(r.expr)} AS ${quoteIdent(r.name)}`).join(', ')})`
      if (e.rename !== undefined) s += ` RENAME (${e.rename.map(r => `${r.name.split('.').map(quoteIdent).join('.')} AS ${quoteIdent(r.to)}`).join(', ')})`
      return s
    }
    case 'parameter': return `$${e.index}`
    case 'default': return 'DEFAULT'
    case 'unary':
      if (e.op === 'not') return `(NOT ${exprToSql(e.operand)})`
      return `${e.op}${exprToSql(e.operand)}`
    case 'binary': return `(${exprToSql(e.left)} ${e.op === 'and' || e.op === 'or' ? e.op.toUpperCase() : e.op} ${exprToSql(e.right)})`
    case 'like': {
      const op = e.op === 'similar' ? 'SIMILAR TO' : e.op.toUpperCase()
      return `(${exprToSql(e.expr)} ${e.not ? 'NOT ' : ''}${op} ${exprToSql(e.pattern)}${e.escape === null ? '' : ` ESCAPE ${exprToSql(e.escape)}`})`
    }
    case 'is_null': return `(${exprToSql(e.expr)} IS ${e.not ? 'NOT ' : ''}NULL)`
    case 'is_distinct': return `(${exprToSql(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${exprToSql(e.right)})`
    case 'is_bool': return `(${exprToSql(e.expr)} IS ${e.not ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'})`
    case 'between':
      return `(${exprToSql(e.expr)} ${e.not ? 'NOT ' : ''}BETWEEN ${e.symmetric ? 'SYMMETRIC ' : ''}${exprToSql(e.low)} AND ${exprToSql(e.high)})`
    case 'in_list': return `(${exprToSql(e.expr)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(exprToSql).join(', ')}))`
    case 'in_subquery': return `(${exprToSql(e.expr)} ${e.not ? 'NOT ' : ''}IN (${queryToSql(e.query)}))`
    case 'exists': return `(${e.not ? 'NOT ' : ''}EXISTS (${queryToSql(e.query)}))`
    case 'subquery': return e.arrayOf !== undefined ? `ARRAY(${queryToSql(e.arrayOf)})` : `(${queryToSql(e.query)})`
    case 'quantified': return `(${exprToSql(e.left)} ${e.op} ${e.quantifier.toUpperCase()} (${queryToSql(e.query)}))`
    case 'case': {
      const q = e.listQuantifier
      if (q !== undefined) return `(${exprToSql(q.left)} ${q.op} ${q.quantifier.toUpperCase()}(${exprToSql(q.list)}))`
      let s = 'CASE'
      if (e.operand !== null) s += ` ${exprToSql(e.operand)}`
      for (const w of e.whens) s += ` WHEN ${exprToSql(w.when)} THEN ${exprToSql(w.then)}`
      if (e.else !== null) s += ` ELSE ${exprToSql(e.else)}`
      return `${s} END`
    }
    case 'cast': return `${e.try ? 'TRY_CAST' : 'CAST'}(${exprToSql(e.expr)} AS ${typeNameToSql(e.type)})`
    case 'function': {
      let s = `${e.name.join('.')}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(exprToSql).join(', ')}`
      if (e.orderBy.length > 0) s += ` ORDER BY ${e.orderBy.map(orderItemToSql).join(', ')}`
      s += ')'
      if (e.withinGroup.length > 0) s += ` WITHIN GROUP (ORDER BY ${e.withinGroup.map(orderItemToSql).join(', ')})`
      if (e.filter !== null) s += ` FILTER (WHERE ${exprToSql(e.filter)})`
      if (e.over !== null) s += ` OVER (${windowSpecToSql(e.over)})`
      return s
    }
    case 'named_arg': return `${quoteIdent(e.name)} := ${exprToSql(e.value)}`
    case 'list': return `[${e.items.map(exprToSql).join(', ')}]`
    case 'struct': return `{${e.fields.map(f => `${quoteString(f.name)}: ${exprToSql(f.value)}`).join(', ')}}`
    case 'row': return `ROW(${e.items.map(exprToSql).join(', ')})`
    case 'subscript': return `${exprToSql(e.expr)}[${exprToSql(e.index)}]`
    case 'slice': return `${exprToSql(e.expr)}[${e.from === null ? '' : exprToSql(e.from)}:${e.to === null ? '' : exprToSql(e.to)}]`
    case 'field': return `${exprToSql(e.expr)}.${quoteIdent(e.field)}`
    // parenthesised as DuckDB names the column: list_transform(l, (x -> (x + 1)))
    case 'lambda': return `(${e.params.length === 1 ? e.params[0]! : `(${e.params.join(', ')})`} -> ${exprToSql(e.body)})`
    case 'collate': return `${exprToSql(e.expr)} COLLATE ${e.collation}`
    default: return assertNever(e, 'expression')
  }
}

function orderItemToSql(o: OrderItem): string {
  return `${exprToSql(o.expr)}${o.descending ? ' DESC' : ''}${o.nulls === null ? '' : ` NULLS ${o.nulls.toUpperCase()}`}`
}

function boundToSql(b: FrameBound): string {
  switch (b.kind) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING'
    case 'preceding': return `${exprToSql(b.offset)} PRECEDING`
    case 'current_row': return 'CURRENT ROW'
    case 'following': return `${exprToSql(b.offset)} FOLLOWING`
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING'
    default: return assertNever(b, 'frame bound')
  }
}

function windowSpecToSql(w: WindowSpec): string {
  const parts: string[] = []
  if (w.base !== null) parts.push(quoteIdent(w.base))
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map(exprToSql).join(', ')}`)
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${w.orderBy.map(orderItemToSql).join(', ')}`)
  if (w.frame !== null) parts.push(`${w.frame.units.toUpperCase()} BETWEEN ${boundToSql(w.frame.start)} AND ${boundToSql(w.frame.end)}`)
  return parts.join(' ')
}

function selectItemToSql(i: SelectItem): string {
  return i.alias === null ? exprToSql(i.expr) : `${exprToSql(i.expr)} AS ${quoteIdent(i.alias)}`
}

function tableRefToSql(t: TableRef): string {
  const alias = (a: { name: string; columns: readonly string[] | null } | null): string =>
    a === null ? '' : ` AS ${quoteIdent(a.name)}${a.columns === null ? '' : `(${a.columns.map(quoteIdent).join(', ')})`}`
  switch (t.kind) {
    case 'table_ref': return t.name.map(quoteIdent).join('.') + alias(t.alias) + formatSample(t.sample, exprToSql, false)
    case 'subquery_ref': return `${t.lateral ? 'LATERAL ' : ''}(${queryToSql(t.query)})${alias(t.alias)}${formatSample(t.sample, exprToSql, false)}`
    case 'function_ref': return `${t.lateral ? 'LATERAL ' : ''}${t.name.join('.')}(${t.args.map(exprToSql).join(', ')})${alias(t.alias)}`
    case 'file_ref': return quoteString(t.path) + alias(t.alias)
    case 'join': {
      const type = t.type === 'asof' ? (t.asofFilter !== undefined ? `ASOF ${t.asofFilter.toUpperCase()}` : t.asofOuter ? 'ASOF LEFT' : 'ASOF') : t.type.toUpperCase()
      let s = `${tableRefToSql(t.left)} ${t.natural ? 'NATURAL ' : ''}${type} JOIN ${tableRefToSql(t.right)}`
      if (t.on !== null) s += ` ON ${exprToSql(t.on)}`
      if (t.using !== null) s += ` USING (${t.using.map(quoteIdent).join(', ')})`
      return s
    }
    default: return assertNever(t, 'table reference')
  }
}

function bodyToSql(b: QueryBody): string {
  switch (b.kind) {
    case 'select': {
      let s = 'SELECT '
      if (b.distinct === true) s += 'DISTINCT '
      else if (Array.isArray(b.distinct)) s += `DISTINCT ON (${b.distinct.map(exprToSql).join(', ')}) `
      s += b.items.map(selectItemToSql).join(', ')
      if (b.from.length > 0) s += ` FROM ${b.from.map(tableRefToSql).join(', ')}`
      if (b.where !== null) s += ` WHERE ${exprToSql(b.where)}`
      if (b.groupBy !== null) s += b.groupBy.kind === 'group_all' ? ' GROUP BY ALL' : ' GROUP BY …'
      if (b.having !== null) s += ` HAVING ${exprToSql(b.having)}`
      if (b.qualify !== null) s += ` QUALIFY ${exprToSql(b.qualify)}`
      return s + formatSample(b.sample, exprToSql, true)
    }
    case 'set_operation':
      return `${bodyToSql(b.left)} ${b.op.toUpperCase()}${b.all ? ' ALL' : ''}${b.byName ? ' BY NAME' : ''} ${bodyToSql(b.right)}`
    case 'values': return `VALUES ${b.rows.map(r => `(${r.map(exprToSql).join(', ')})`).join(', ')}`
    case 'query': return `(${queryToSql(b)})`
    default: return assertNever(b, 'query body')
  }
}

export function queryToSql(q: Query): string {
  let s = ''
  if (q.with !== null) {
    s += `WITH ${q.with.recursive ? 'RECURSIVE ' : ''}${q.with.ctes.map(c =>
      `${quoteIdent(c.name)}${c.columns === null ? '' : `(${c.columns.map(quoteIdent).join(', ')})`} AS (${queryToSql(c.query)})`).join(', ')} `
  }
  s += bodyToSql(q.body)
  if (q.orderBy.length > 0) s += ` ORDER BY ${q.orderBy.map(orderItemToSql).join(', ')}`
  if (q.orderByAll !== null) s += ` ORDER BY ALL${q.orderByAll.descending ? ' DESC' : ''}`
  if (q.limit !== null) s += ` LIMIT ${exprToSql(q.limit)}${q.limitPercent ? '%' : ''}`
  if (q.offset !== null) s += ` OFFSET ${exprToSql(q.offset)}`
  return s
}
