/**
 * The logical plan as text for EXPLAIN: an indented tree, one node per line with its key
 * facts, expressions rendered as SQL-like text. Subquery plans appear under the node that
 * uses them, marked with their kind.
 */
import { assertNever } from '../errors.ts'
import { formatValue } from '../types/format.ts'
import {
  type Interval, type LogicalType, type StructType, type Value, structKey, typeToString,
} from '../types/types.ts'
import type { BoundAggregateCall, BoundExpr, BoundFrameBound, BoundWindowCall, OutputColumn, SortKey } from './expr.ts'
import type { CteNode, LogicalPlan, TableFunctionNode } from './logical.ts'

export function explainLogical(plan: LogicalPlan): string {
  const lines: string[] = []
  write(plan, 0, lines)
  return lines.join('\n')
}

function write(plan: LogicalPlan, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth)
  const subqueries: { label: string; plan: LogicalPlan }[] = []
  const r = (e: BoundExpr): string => renderExpr(e, subqueries)
  lines.push(pad + describe(plan, r))
  for (const s of subqueries) {
    lines.push(`${pad}  ${s.label}:`)
    write(s.plan, depth + 2, lines)
  }
  for (const c of children(plan)) write(c, depth + 1, lines)
}

function children(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'scan': case 'values': case 'table_function': case 'empty': case 'cte_ref': return []
    case 'join': case 'set_op': return [p.left, p.right]
    case 'cte': return [p.definition, p.body]
    case 'recursive_cte': return [p.anchor, p.recursive]
    default: return [p.input]
  }
}

function names(cols: readonly OutputColumn[]): string {
  return cols.map(c => c.name).join(', ')
}

function describe(p: LogicalPlan, r: (e: BoundExpr) => string): string {
  const keys = (ks: readonly SortKey[]): string => ks.map(k => renderKey(k, r)).join(', ')
  switch (p.kind) {
    case 'scan': {
      const cols = p.columns.map(i => (i < 0 ? 'rowid' : p.table.columns[i]?.name ?? `#${i}`)).join(', ')
      const filters = p.filters.length > 0 ? ` filters: ${p.filters.map(r).join(' AND ')}` : ''
      const n = p.nearest
      // an ordered nearest scan stands for the top-N it replaced
      const nearest = n?.ordered === undefined ? '' : ` nearest: ${r(n.ordered.key.expr)}${n.ordered.key.descending ? ' DESC' : ''} limit: ${r(n.limit)}${n.offset === null ? '' : ` offset: ${r(n.offset)}`}`
      return `SCAN ${p.table.schema}.${p.table.name} [${cols}]${filters}${nearest}`
    }
    case 'filter': return `FILTER ${r(p.predicate)}`
    case 'project': return `PROJECT ${p.exprs.map((e, i) => aliased(r(e), p.output[i]!.name)).join(', ')}`
    case 'unnest': return `UNNEST ${p.lists.map(r).join(', ')}`
    case 'aggregate': {
      const groups = p.groups.length > 0 ? ` groups: ${p.groups.map(r).join(', ')}` : ''
      const sets = p.groupingSets !== null ? ` sets: ${p.groupingSets.map(s => `(${s.join(', ')})`).join(' ')}` : ''
      const aggs = p.aggregates.length > 0 ? ` aggregates: ${p.aggregates.map(a => renderAggregate(a, r)).join(', ')}` : ''
      return `AGGREGATE${groups}${sets}${aggs}`
    }
    case 'window': return `WINDOW ${p.windows.map(w => renderWindow(w, r)).join(', ')}${p.topK === undefined ? '' : ` top ${p.topK} per partition`}`
    case 'join': {
      const cond = p.condition !== null ? ` ON ${r(p.condition)}` : ''
      const mark = p.markColumn !== null ? ` mark: ${p.markColumn.name}` : ''
      return `JOIN ${p.joinType.toUpperCase()}${p.lateral ? ' LATERAL' : ''}${cond}${mark}`
    }
    case 'sort': return `SORT ${keys(p.keys)}`
    case 'limit': {
      const parts = [p.limit !== null ? `limit: ${r(p.limit)}` : '', p.offset !== null ? `offset: ${r(p.offset)}` : '']
      return `LIMIT ${parts.filter(x => x !== '').join(' ')}`.trimEnd()
    }
    case 'top_n':
      return `TOP_N ${keys(p.keys)} limit: ${r(p.limit)}${p.offset !== null ? ` offset: ${r(p.offset)}` : ''}`
    case 'distinct':
      return p.on === null ? 'DISTINCT'
        : `DISTINCT ON (${p.on.map(r).join(', ')})${p.orderBy.length > 0 ? ` ORDER BY ${keys(p.orderBy)}` : ''}`
    case 'set_op': return `${p.op.toUpperCase()}${p.all ? ' ALL' : ''}`
    case 'values': return `VALUES ${p.rows.length} row${p.rows.length === 1 ? '' : 's'} [${names(p.output)}]`
    case 'table_function': return `TABLE_FUNCTION ${p.name} [${names(p.output)}]${renderSkipFilters(p)}`
    case 'empty': return `EMPTY [${names(p.output)}]`
    case 'cte': return `CTE ${p.name} ${cteFacts(p)}`
    case 'cte_ref': return `CTE_SCAN ${p.name} [${names(p.output)}]`
    case 'recursive_cte': return `RECURSIVE_CTE ${p.name}${p.distinct ? '' : ' ALL'}`
    case 'insert': {
      const cols = p.columns.map(i => p.table.columns[i]?.name ?? `#${i}`).join(', ')
      const conflict = p.onConflict !== null ? ` ON CONFLICT DO ${p.onConflict.action.toUpperCase()}` : ''
      return `INSERT ${p.table.schema}.${p.table.name} (${cols})${conflict}${returning(p.returning, r)}`
    }
    case 'update': {
      const sets = p.columns.map((c, i) => `${p.table.columns[c]?.name ?? `#${c}`} = ${r(p.values[i]!)}`).join(', ')
      return `UPDATE ${p.table.schema}.${p.table.name} SET ${sets}${returning(p.returning, r)}`
    }
    case 'delete': return `DELETE ${p.table.schema}.${p.table.name}${returning(p.returning, r)}`
    default: return assertNever(p, 'plan node')
  }
}

function returning(exprs: readonly BoundExpr[], r: (e: BoundExpr) => string): string {
  return exprs.length > 0 ? ` RETURNING ${exprs.map(r).join(', ')}` : ''
}

function aliased(text: string, name: string): string {
  return text === name ? text : `${text} AS ${name}`
}

function renderKey(k: SortKey, r: (e: BoundExpr) => string): string {
  return `${r(k.expr)} ${k.descending ? 'DESC' : 'ASC'}${k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`
}

function renderAggregate(a: BoundAggregateCall, r: (e: BoundExpr) => string): string {
  if (a.fn.name === 'count_star' && a.args.length === 0) return `count(*)${a.filter !== null ? ` FILTER (WHERE ${r(a.filter)})` : ''}`
  const args = a.args.length === 0 && a.fn.name === 'count' ? '*' : a.args.map(r).join(', ')
  const order = a.orderBy.length > 0 ? ` ORDER BY ${a.orderBy.map(k => renderKey(k, r)).join(', ')}` : ''
  const filter = a.filter !== null ? ` FILTER (WHERE ${r(a.filter)})` : ''
  return `${a.fn.name}(${a.distinct ? 'DISTINCT ' : ''}${args}${order})${filter}`
}

function renderWindow(w: BoundWindowCall, r: (e: BoundExpr) => string): string {
  const call = w.fn.kind === 'window' ? `${w.fn.window.name}(${w.args.map(r).join(', ')})` : renderAggregate(w.fn.aggregate, r)
  const parts: string[] = []
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map(r).join(', ')}`)
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${w.orderBy.map(k => renderKey(k, r)).join(', ')}`)
  parts.push(`${w.frame.units.toUpperCase()} BETWEEN ${renderBound(w.frame.start, r)} AND ${renderBound(w.frame.end, r)}`)
  return `${call}${w.ignoreNulls ? ' IGNORE NULLS' : ''} OVER (${parts.join(' ')})`
}

function renderBound(b: BoundFrameBound, r: (e: BoundExpr) => string): string {
  switch (b.kind) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING'
    case 'preceding': return `${r(b.offset)} PRECEDING`
    case 'current_row': return 'CURRENT ROW'
    case 'following': return `${r(b.offset)} FOLLOWING`
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING'
    default: return assertNever(b, 'frame bound')
  }
}

const INFIX = new Set(['+', '-', '*', '/', '//', '%', '||', '^', '&', '|', '<<', '>>', '~~', '!~~', 'like', 'ilike', '**'])

/** SQL-like text of an expression; subquery plans are collected into `subqueries`. */
export function renderExpr(e: BoundExpr, subqueries: { label: string; plan: LogicalPlan }[] = []): string {
  const r = (x: BoundExpr): string => renderExpr(x, subqueries)
  switch (e.kind) {
    case 'colref': return e.name
    case 'const': return renderValue(e.value, e.type)
    case 'param': return `$${e.index}`
    case 'call': {
      const name = e.fn.name
      if (INFIX.has(name.toLowerCase()) && e.args.length === 2) return `(${r(e.args[0]!)} ${name.toUpperCase()} ${r(e.args[1]!)})`
      if (name === '-' && e.args.length === 1) return `(-${r(e.args[0]!)})`
      return `${name}(${e.args.map(r).join(', ')})`
    }
    case 'cast': return `${e.try ? 'TRY_CAST' : 'CAST'}(${r(e.expr)} AS ${typeToString(e.type)})`
    case 'compare': {
      const op = e.op === 'distinct' ? 'IS DISTINCT FROM' : e.op === 'not_distinct' ? 'IS NOT DISTINCT FROM' : e.op
      return `(${r(e.left)} ${op} ${r(e.right)})`
    }
    case 'and': return `(${e.args.map(r).join(' AND ')})`
    case 'or': return `(${e.args.map(r).join(' OR ')})`
    case 'not': return `(NOT ${r(e.arg)})`
    case 'is_null': return `(${r(e.arg)} IS ${e.not ? 'NOT ' : ''}NULL)`
    case 'case':
      return `CASE ${e.whens.map(w => `WHEN ${r(w.when)} THEN ${r(w.then)}`).join(' ')} ELSE ${r(e.else)} END`
    case 'in_list': return `(${r(e.arg)} ${e.not ? 'NOT IN' : 'IN'} (${e.list.map(r).join(', ')}))`
    case 'subquery': {
      const n = subqueries.length + 1
      subqueries.push({ label: `subquery #${n} (${e.subqueryKind})`, plan: e.plan })
      switch (e.subqueryKind) {
        case 'scalar': return `(SUBQUERY #${n})`
        case 'exists': return `EXISTS(SUBQUERY #${n})`
        case 'any': case 'all': return `(${e.left === null ? '?' : r(e.left)} ${e.op ?? '='} ${e.subqueryKind.toUpperCase()}(SUBQUERY #${n}))`
        default: return assertNever(e.subqueryKind, 'subquery kind')
      }
    }
    default: return assertNever(e, 'expression')
  }
}

/** A value in internal form as a SQL literal. */
export function renderValue(v: Value, type: LogicalType): string {
  if (v === null) return 'NULL'
  switch (type.id) {
    case 'NULL': return 'NULL'
    case 'BOOLEAN': return v ? 'true' : 'false'
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': return String(v)
    case 'HUGEINT': return `${String(v)}::HUGEINT`
    case 'REAL': case 'DOUBLE': return renderFloat(v as number)
    case 'DECIMAL': return renderDecimal(v as number | bigint, type.scale)
    case 'VARCHAR': return quote(v as string)
    case 'BLOB': return `'${[...(v as Uint8Array)].map(b => `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')}'::BLOB`
    case 'DATE': return `DATE '${renderDate(v as number)}'`
    case 'TIME': return `TIME '${renderTime(v as number)}'`
    case 'TIMESTAMP': {
      const micros = v as number
      const days = Math.floor(micros / 86_400_000_000)
      return `TIMESTAMP '${renderDate(days)} ${renderTime(micros - days * 86_400_000_000)}'`
    }
    case 'TIMESTAMPTZ': return `TIMESTAMPTZ '${formatValue(type, v)}'`
    case 'TIMETZ': return `TIMETZ '${formatValue(type, v)}'`
    case 'INTERVAL': {
      const iv = v as Interval
      return `INTERVAL '${iv.months} months ${iv.days} days ${iv.micros} microseconds'`
    }
    case 'LIST': case 'ARRAY': return `[${(v as readonly Value[]).map(x => renderValue(x, type.child)).join(', ')}]`
    case 'STRUCT': {
      const o = v as { readonly [k: string]: Value }
      return `{${(type as StructType).fields.map((f, k) => `${quote(f.name)}: ${renderValue(o[structKey(f, k)] ?? null, f.type)}`).join(', ')}}`
    }
    default: return assertNever(type, 'type')
  }
}

function quote(s: string): string { return `'${s.replace(/'/g, "''")}'` }

function renderFloat(x: number): string {
  if (Number.isNaN(x)) return "'nan'::DOUBLE"
  if (!Number.isFinite(x)) return x > 0 ? "'inf'::DOUBLE" : "'-inf'::DOUBLE"
  return String(x)
}

function renderDecimal(scaled: number | bigint, scale: number): string {
  const big = typeof scaled === 'bigint' ? scaled : BigInt(Math.round(scaled))
  const neg = big < 0n
  const digits = (neg ? -big : big).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  return neg ? `-${text}` : text
}

function renderDate(days: number): string {
  const d = new Date(days * 86_400_000)
  const y = d.getUTCFullYear()
  const year = y <= 0 ? `${String(1 - y).padStart(4, '0')}` : String(y).padStart(4, '0')
  const text = `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
  return y <= 0 ? `${text} (BC)` : text
}

function renderTime(micros: number): string {
  const total = Math.floor(micros)
  const us = total % 1_000_000
  const secs = Math.floor(total / 1_000_000)
  const hh = Math.floor(secs / 3600), mm = Math.floor((secs % 3600) / 60), ss = secs % 60
  const base = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`
  return us === 0 ? base : `${base}.${String(us).padStart(6, '0').replace(/0+$/, '')}`
}

/** The filters a table function uses to skip data, e.g. ` skip unless: l_shipdate >= '1998-01-01'`. */
export function renderSkipFilters(p: TableFunctionNode): string {
  if (p.filters === undefined || p.filters.length === 0) return ''
  const name = (c: number): string => p.fn.columns[c]?.name ?? `#${c}`
  const parts = p.filters.map(f => {
    switch (f.kind) {
      case 'compare': return `${name(f.column)} ${f.op} ${f.param !== undefined ? `$${f.param}` : renderValue(f.value, f.type)}`
      case 'in': return `${name(f.column)} IN (${f.values.map(v => renderValue(v, f.type)).join(', ')})`
      case 'is_null': return `${name(f.column)} IS ${f.not ? 'NOT ' : ''}NULL`
    }
  })
  return ` skip unless: ${parts.join(' AND ')}`
}

/** How a materialised CTE is computed: its references, and whether once per statement (EXPLAIN) */
export function cteFacts(p: CteNode): string {
  return `(materialized, ${p.references} reference${p.references === 1 ? '' : 's'}${p.perStatement ? '' : ', once per run'})`
}
