/**
 * AST → SQL text. The output re-parses to the same AST (positions aside): expressions are fully
 * parenthesised and names always quoted, so no precedence or keyword question can arise. Used for
 * round-trip tests, view definitions and messages.
 */
import { assertNever } from '../errors.ts'
import { isReservedForColumn, LITERAL_TYPE_NAMES } from './keywords.ts'
import { formatSample } from './sample.ts'
import type {
  ColumnDef, CopyOption, Expr, FrameBound, FunctionCall, GroupingElement, OrderItem, Query, QueryBody, SelectCore, SelectItem,
  Statement, TableAlias, TableConstraint, TableRef, TypeName, WindowSpec, WithClause,
} from './ast.ts'

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function qualified(parts: readonly string[]): string {
  return parts.map(quoteIdent).join('.')
}

function list<T>(items: readonly T[], f: (x: T) => string): string {
  return items.map(f).join(', ')
}

export function formatTypeName(t: TypeName): string {
  let s = t.name
  if (t.name === 'MAP' && t.fields.length === 2) s += `(${formatTypeName(t.fields[0]!.type)}, ${formatTypeName(t.fields[1]!.type)})`
  else if (t.fields.length > 0 || t.name === 'STRUCT') s += `(${list(t.fields, f => `${quoteIdent(f.name)} ${formatTypeName(f.type)}`)})`
  else if (t.params.length > 0) s += `(${t.params.join(', ')})`
  for (const d of t.arrayDims) s += d === null ? '[]' : `[${d}]`
  return s
}

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'number': return e.text
    case 'string': return quoteString(e.value)
    case 'boolean': return e.value ? 'TRUE' : 'FALSE'
    case 'null': return 'NULL'
    case 'typed_literal': return `${e.type.name} ${quoteString(e.value)}`
    case 'interval':
      if (e.unit === null) return `INTERVAL ${formatExpr(e.value)}`
      return `INTERVAL ${e.value.kind === 'string' || (e.value.kind === 'number' && /^[0-9]/.test(e.value.text)) ? formatExpr(e.value) : `(${formatExpr(e.value)})`} ${e.unit.toUpperCase()}`
    case 'column': return qualified(e.parts)
    case 'positional': return `#${e.index}`
    case 'star': {
      let s = e.qualifier === null ? '*' : `${qualified(e.qualifier)}.*`
      if (e.exclude.length > 0) s += ` EXCLUDE (${list(e.exclude, quoteIdent)})`
      if (e.replace.length > 0) s += ` REPLACE (${list(e.replace, r => `${formatExpr(r.expr)} AS ${quoteIdent(r.name)}`)})`
      if (e.rename !== undefined) s += ` RENAME (${list(e.rename, r => `${r.name.split('.').map(quoteIdent).join('.')} AS ${quoteIdent(r.to)}`)})`
      return s
    }
    case 'parameter': return `$${e.index}`
    case 'default': return 'DEFAULT'
    case 'unary': return e.op === 'not' ? `(NOT ${formatExpr(e.operand)})` : `(${e.op} ${formatExpr(e.operand)})`
    case 'binary': return `(${formatExpr(e.left)} ${e.op === 'and' || e.op === 'or' ? e.op.toUpperCase() : e.op} ${formatExpr(e.right)})`
    case 'like': {
      const op = e.op === 'similar' ? 'SIMILAR TO' : e.op.toUpperCase()
      const escape = e.escape === null ? '' : ` ESCAPE ${formatExpr(e.escape)}`
      return `(${formatExpr(e.expr)} ${e.not ? 'NOT ' : ''}${op} ${formatExpr(e.pattern)}${escape})`
    }
    case 'is_null': return `(${formatExpr(e.expr)} IS ${e.not ? 'NOT ' : ''}NULL)`
    case 'is_distinct': return `(${formatExpr(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${formatExpr(e.right)})`
    case 'is_bool': return `(${formatExpr(e.expr)} IS ${e.not ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'})`
    case 'between':
      return `(${formatExpr(e.expr)} ${e.not ? 'NOT ' : ''}BETWEEN ${e.symmetric ? 'SYMMETRIC ' : ''}${formatExpr(e.low)} AND ${formatExpr(e.high)})`
    case 'in_list': return `(${formatExpr(e.expr)} ${e.not ? 'NOT ' : ''}IN (${list(e.list, formatExpr)}))`
    case 'in_subquery': return `(${formatExpr(e.expr)} ${e.not ? 'NOT ' : ''}IN (${formatQuery(e.query)}))`
    case 'exists': return `(${e.not ? 'NOT ' : ''}EXISTS (${formatQuery(e.query)}))`
    case 'subquery': {
      const inner = arrayInner(e.query)
      return inner === undefined ? `(${formatQuery(e.query)})` : `ARRAY(${formatQuery(inner)})`
    }
    case 'quantified': return `(${formatExpr(e.left)} ${e.op} ${e.quantifier.toUpperCase()} (${formatQuery(e.query)}))`
    case 'case': {
      const q = e.listQuantifier
      if (q !== undefined) return `(${formatExpr(q.left)} ${q.op} ${q.quantifier.toUpperCase()} (${formatExpr(q.list)}))`
      let s = 'CASE'
      if (e.operand !== null) s += ` ${formatExpr(e.operand)}`
      for (const w of e.whens) s += ` WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`
      if (e.else !== null) s += ` ELSE ${formatExpr(e.else)}`
      return s + ' END'
    }
    case 'cast': return `${e.try ? 'TRY_CAST' : 'CAST'}(${formatExpr(e.expr)} AS ${formatTypeName(e.type)})`
    case 'function': return formatCall(e)
    case 'named_arg': return `${quoteIdent(e.name)} := ${formatExpr(e.value)}`
    case 'list': return `[${list(e.items, formatExpr)}]`
    case 'struct': return `{${list(e.fields, f => `${quoteString(f.name)}: ${formatExpr(f.value)}`)}}`
    case 'row': return `ROW(${list(e.items, formatExpr)})`
    case 'subscript': return `(${formatExpr(e.expr)})[${formatExpr(e.index)}]`
    case 'slice': return `(${formatExpr(e.expr)})[${e.from === null ? '' : formatExpr(e.from)}:${e.to === null ? '' : formatExpr(e.to)}]`
    case 'field': return `(${formatExpr(e.expr)}).${quoteIdent(e.field)}`
    case 'lambda': return `(${list(e.params, quoteIdent)}) -> ${formatExpr(e.body)}`
    case 'collate': return `(${formatExpr(e.expr)} COLLATE ${quoteIdent(e.collation)})`
    default: return assertNever(e, 'expression')
  }
}

/** Words that change how a following `(` is read; function names among them stay quoted. */
const SPECIAL_BEFORE_PARENTHESIS: ReadonlySet<string> = new Set([
  'row', 'exists', 'interval', 'try_cast', 'lambda', 'rollup', 'cube', 'extract', 'position', 'substring', 'trim',
  'overlay', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'current_role',
  'current_catalog', 'map',
])

/** Function names print bare when that reads back the same (DuckDB treats "coalesce"(…) differently). */
function functionName(parts: readonly string[]): string {
  return parts.map(part => /^[a-z_][a-z0-9_]*$/.test(part) && !isReservedForColumn(part) && !SPECIAL_BEFORE_PARENTHESIS.has(part) && !LITERAL_TYPE_NAMES.has(part)
    ? part : quoteIdent(part)).join('.')
}

function formatCall(e: FunctionCall): string {
  let s = `${functionName(e.name)}(${e.distinct ? 'DISTINCT ' : ''}${list(e.args, formatExpr)}`
  if (e.orderBy.length > 0) s += `${e.args.length > 0 ? ' ' : ''}ORDER BY ${list(e.orderBy, formatOrderItem)}`
  // inside the parentheses, where DuckDB accepts it too
  if (e.ignoreNulls) s += ' IGNORE NULLS'
  else if (e.respectNulls === true) s += ' RESPECT NULLS'
  s += ')'
  if (e.withinGroup.length > 0) s += ` WITHIN GROUP (ORDER BY ${list(e.withinGroup, formatOrderItem)})`
  if (e.filter !== null) s += ` FILTER (WHERE ${formatExpr(e.filter)})`
  if (e.over !== null) {
    const o = e.over
    const baseOnly = o.base !== null && o.copiesBase !== true && o.partitionBy.length === 0 && o.orderBy.length === 0 && o.frame === null
    s += baseOnly ? ` OVER ${quoteIdent(o.base!)}` : ` OVER (${formatWindowSpec(o)})`
  }
  return s
}

export function formatWindowSpec(w: WindowSpec): string {
  const parts: string[] = []
  if (w.base !== null) parts.push(quoteIdent(w.base))
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${list(w.partitionBy, formatExpr)}`)
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${list(w.orderBy, formatOrderItem)}`)
  if (w.frame !== null) {
    const f = w.frame
    let frame = `${f.units.toUpperCase()} BETWEEN ${formatBound(f.start)} AND ${formatBound(f.end)}`
    if (f.exclude !== 'no_others') frame += ` EXCLUDE ${f.exclude === 'current_row' ? 'CURRENT ROW' : f.exclude.toUpperCase()}`
    parts.push(frame)
  }
  return parts.join(' ')
}

function formatBound(b: FrameBound): string {
  switch (b.kind) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING'
    case 'preceding': return `${formatExpr(b.offset)} PRECEDING`
    case 'current_row': return 'CURRENT ROW'
    case 'following': return `${formatExpr(b.offset)} FOLLOWING`
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING'
    default: return assertNever(b, 'frame bound')
  }
}

function formatOrderItem(o: OrderItem): string {
  return `${formatExpr(o.expr)}${o.descending === null ? '' : o.descending ? ' DESC' : ' ASC'}${o.nulls === null ? '' : ` NULLS ${o.nulls.toUpperCase()}`}`
}

// ---- queries ----------------------------------------------------------------------------------

function formatWith(w: WithClause | null): string {
  if (w === null) return ''
  const ctes = list(w.ctes, c => {
    const columns = c.columns === null ? '' : `(${list(c.columns, quoteIdent)})`
    const materialized = c.materialized === null ? '' : c.materialized ? 'MATERIALIZED ' : 'NOT MATERIALIZED '
    return `${quoteIdent(c.name)}${columns} AS ${materialized}(${formatQuery(c.query)})`
  })
  return `WITH ${w.recursive ? 'RECURSIVE ' : ''}${ctes} `
}

export function formatQuery(q: Query): string {
  let s = formatWith(q.with) + formatBody(q.body)
  if (q.orderByAll !== null) {
    s += ` ORDER BY ALL${q.orderByAll.descending === null ? '' : q.orderByAll.descending ? ' DESC' : ' ASC'}${q.orderByAll.nulls === null ? '' : ` NULLS ${q.orderByAll.nulls.toUpperCase()}`}`
  } else if (q.orderBy.length > 0) {
    s += ` ORDER BY ${list(q.orderBy, formatOrderItem)}`
  }
  if (q.limit !== null) s += ` LIMIT ${formatExpr(q.limit)}${q.limitPercent ? '%' : ''}`
  if (q.offset !== null) s += ` OFFSET ${formatExpr(q.offset)}`
  return s
}

function formatBody(b: QueryBody): string {
  switch (b.kind) {
    case 'select': return formatSelect(b)
    case 'values': return `VALUES ${list(b.rows, row => `(${list(row, formatExpr)})`)}`
    case 'query': return `(${formatQuery(b)})`
    case 'set_operation':
      return `(${formatBody(b.left)}) ${b.op.toUpperCase()}${b.all ? ' ALL' : ''}${b.byName ? ' BY NAME' : ''} (${formatBody(b.right)})`
    default: return assertNever(b, 'query body')
  }
}

function formatItem(i: SelectItem): string {
  return `${formatExpr(i.expr)}${i.alias === null ? '' : ` AS ${quoteIdent(i.alias)}`}`
}

function formatSelect(s: SelectCore): string {
  let out = 'SELECT '
  if (s.distinct === true) out += 'DISTINCT '
  else if (Array.isArray(s.distinct)) out += `DISTINCT ON (${list(s.distinct as readonly Expr[], formatExpr)}) `
  out += list(s.items, formatItem)
  if (s.from.length > 0) out += ` FROM ${list(s.from, formatTableRef)}`
  if (s.where !== null) out += ` WHERE ${formatExpr(s.where)}`
  if (s.groupBy !== null) {
    out += s.groupBy.kind === 'group_all' ? ' GROUP BY ALL' : ` GROUP BY ${list(s.groupBy.items, formatGrouping)}`
  }
  if (s.having !== null) out += ` HAVING ${formatExpr(s.having)}`
  if (s.windows.length > 0) out += ` WINDOW ${list(s.windows, w => `${quoteIdent(w.name)} AS (${formatWindowSpec(w.spec)})`)}`
  if (s.qualify !== null) out += ` QUALIFY ${formatExpr(s.qualify)}`
  return out + formatSample(s.sample, formatExpr, true)
}

function formatGrouping(g: GroupingElement): string {
  switch (g.kind) {
    case 'group_expr': return formatExpr(g.expr)
    case 'group_empty': return '()'
    case 'rollup': case 'cube':
      return `${g.kind.toUpperCase()} (${list(g.items, group => group.length === 1 ? formatExpr(group[0]!) : `(${list(group, formatExpr)})`)})`
    case 'grouping_sets': return `GROUPING SETS (${list(g.sets, formatGrouping)})`
    default: return assertNever(g, 'grouping element')
  }
}

function formatAlias(a: TableAlias | null): string {
  if (a === null) return ''
  return ` AS ${quoteIdent(a.name)}${a.columns === null ? '' : `(${list(a.columns, quoteIdent)})`}`
}

const JOIN_WORDS = {
  inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN', semi: 'SEMI JOIN',
  anti: 'ANTI JOIN', positional: 'POSITIONAL JOIN', asof: 'ASOF JOIN',
} as const

export function formatTableRef(r: TableRef): string {
  switch (r.kind) {
    case 'table_ref': return qualified(r.name) + formatAlias(r.alias) + formatSample(r.sample, formatExpr, false)
    case 'subquery_ref': return `${r.lateral ? 'LATERAL ' : ''}(${formatQuery(r.query)})${formatAlias(r.alias)}${formatSample(r.sample, formatExpr, false)}`
    case 'function_ref':
      return `${r.lateral ? 'LATERAL ' : ''}${qualified(r.name)}(${list(r.args, formatExpr)})${r.ordinality ? ' WITH ORDINALITY' : ''}${formatAlias(r.alias)}`
    case 'file_ref': return (r.paths !== undefined ? `[${r.paths.map(quoteString).join(', ')}]` : quoteString(r.path)) + formatAlias(r.alias)
    case 'join': {
      const word = r.type === 'asof' && r.asofFilter !== undefined ? `ASOF ${r.asofFilter.toUpperCase()} JOIN`
        : r.type === 'asof' && r.asofOuter ? 'ASOF LEFT JOIN' : JOIN_WORDS[r.type]
      const right = r.right.kind === 'join' ? `(${formatTableRef(r.right)})` : formatTableRef(r.right)
      let s = `${formatTableRef(r.left)} ${r.natural ? 'NATURAL ' : ''}${word} ${right}`
      if (r.on !== null) s += ` ON ${formatExpr(r.on)}`
      if (r.using !== null) s += ` USING (${list(r.using, quoteIdent)})`
      return s
    }
    default: return assertNever(r, 'table reference')
  }
}

// ---- statements -------------------------------------------------------------------------------

function formatColumn(c: ColumnDef): string {
  if (c.type === null && c.generated === undefined) return quoteIdent(c.name)
  let s = c.type === null ? quoteIdent(c.name) : `${quoteIdent(c.name)} ${formatTypeName(c.type)}`
  if (c.generated !== undefined) s += ` GENERATED ALWAYS AS (${formatExpr(c.generated.expr)}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`
  if (c.notNull) s += ' NOT NULL'
  if (c.primaryKey) s += ' PRIMARY KEY'
  if (c.unique) s += ' UNIQUE'
  if (c.default !== null) s += ` DEFAULT ${formatExpr(c.default)}`
  if (c.check !== null) s += ` CHECK (${formatExpr(c.check)})`
  return s
}

function formatConstraint(c: TableConstraint): string {
  switch (c.kind) {
    case 'primary_key': return `PRIMARY KEY (${list(c.columns, quoteIdent)})`
    case 'unique': return `UNIQUE (${list(c.columns, quoteIdent)})`
    case 'check': return `CHECK (${formatExpr(c.expr)})`
    case 'foreign_key': {
      const ref = c.refColumns.length > 0 ? ` (${list(c.refColumns, quoteIdent)})` : ''
      return `FOREIGN KEY (${list(c.columns, quoteIdent)}) REFERENCES ${qualified(c.refTable)}${ref}`
    }
    default: return assertNever(c, 'constraint')
  }
}

function formatReturning(items: readonly SelectItem[]): string {
  return items.length === 0 ? '' : ` RETURNING ${list(items, formatItem)}`
}

export function formatStatement(s: Statement): string {
  switch (s.kind) {
    case 'query_statement': return formatQuery(s.query)
    case 'create_table': {
      let out = `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}${s.temporary ? 'TEMPORARY ' : ''}TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(s.name)}`
      const parts = [...s.columns.map(formatColumn), ...s.constraints.map(formatConstraint)]
      if (parts.length > 0) out += ` (${parts.join(', ')})`
      if (s.as !== null) out += ` AS ${formatQuery(s.as)}`
      return out
    }
    case 'create_view':
      return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}${s.temporary ? 'TEMPORARY ' : ''}VIEW ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(s.name)}${s.columns === null ? '' : ` (${list(s.columns, quoteIdent)})`} AS ${formatQuery(s.query)}`
    case 'create_schema': return `CREATE SCHEMA ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${s.database === undefined ? '' : `${quoteIdent(s.database)}.`}${quoteIdent(s.name)}`
    case 'create_index': {
      let out = `CREATE ${s.unique ? 'UNIQUE ' : ''}INDEX ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${s.name === null ? '' : quoteIdent(s.name) + ' '}ON ${qualified(s.table)}`
      if (s.using !== null) out += ` USING ${quoteIdent(s.using)}`
      out += ` (${list(s.columns, formatExpr)})`
      if (s.options.length > 0) out += ` WITH (${list(s.options, o => `${quoteIdent(o.name)} = ${formatExpr(o.value)}`)})`
      return out
    }
    case 'create_sequence': {
      let out = `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}${s.temporary ? 'TEMP ' : ''}SEQUENCE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(s.name)}`
      for (const o of s.options) {
        const v = o.value === null ? '' : formatExpr(o.value)
        switch (o.name) {
          case 'start': out += ` START WITH ${v}`; break
          case 'increment': out += ` INCREMENT BY ${v}`; break
          case 'minvalue': case 'maxvalue': out += o.value === null ? ` NO ${o.name.toUpperCase()}` : ` ${o.name.toUpperCase()} ${v}`; break
          case 'cycle': out += ' CYCLE'; break
          case 'no_cycle': out += ' NO CYCLE'; break
          default: out += ` ${o.name.toUpperCase()} ${v}`
        }
      }
      return out
    }
    case 'create_type':
      return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}TYPE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(s.name)} AS ${formatTypeName(s.type)}`
    case 'create_model':
      return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}MODEL ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(s.name)} FROM ${quoteString(s.path)}${s.tokenizer === null ? '' : ` (TOKENIZER ${quoteString(s.tokenizer)})`}`
    case 'drop':
      return `DROP ${s.objectType.toUpperCase()} ${s.ifExists ? 'IF EXISTS ' : ''}${list(s.names, qualified)}${s.cascade ? ' CASCADE' : ''}`
    case 'alter_table': {
      const a = s.action
      let action: string
      switch (a.kind) {
        case 'add_column': action = `ADD COLUMN ${a.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatColumn(a.column)}`; break
        case 'drop_column': action = `DROP COLUMN ${a.ifExists ? 'IF EXISTS ' : ''}${quoteIdent(a.name)}${a.cascade ? ' CASCADE' : ''}`; break
        case 'rename_column': action = `RENAME COLUMN ${quoteIdent(a.from)} TO ${quoteIdent(a.to)}`; break
        case 'rename_table': action = `RENAME TO ${quoteIdent(a.to)}`; break
        case 'alter_column_type':
          action = `ALTER COLUMN ${quoteIdent(a.name)} TYPE ${formatTypeName(a.type)}${a.using === null ? '' : ` USING ${formatExpr(a.using)}`}`
          break
        case 'set_default':
          action = `ALTER COLUMN ${quoteIdent(a.name)} ${a.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${formatExpr(a.default)}`}`
          break
        case 'set_not_null': action = `ALTER COLUMN ${quoteIdent(a.name)} ${a.notNull ? 'SET' : 'DROP'} NOT NULL`; break
        default: return assertNever(a, 'ALTER TABLE action')
      }
      return `ALTER TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${qualified(s.table)} ${action}`
    }
    case 'insert': {
      let out = `${formatWith(s.with)}INSERT ${s.orAction === null ? '' : `OR ${s.orAction.toUpperCase()} `}INTO ${qualified(s.table)}`
      if (s.alias !== null) out += ` AS ${quoteIdent(s.alias)}`
      if (s.byName) out += ' BY NAME'
      if (s.columns !== null) out += ` (${list(s.columns, quoteIdent)})`
      out += s.source === 'default_values' ? ' DEFAULT VALUES' : ` ${formatQuery(s.source)}`
      if (s.onConflict !== null) {
        const c = s.onConflict
        out += ` ON CONFLICT${c.target === null ? '' : ` (${list(c.target, quoteIdent)})`} DO `
        if (c.action.kind === 'nothing') out += 'NOTHING'
        else {
          out += `UPDATE SET ${list(c.action.set, a => `${quoteIdent(a.column)} = ${formatExpr(a.value)}`)}`
          if (c.action.where !== null) out += ` WHERE ${formatExpr(c.action.where)}`
        }
      }
      return out + formatReturning(s.returning)
    }
    case 'update': {
      let out = `${formatWith(s.with)}UPDATE ${qualified(s.table)}${s.alias === null ? '' : ` AS ${quoteIdent(s.alias)}`}`
      out += ` SET ${list(s.set, a => `${quoteIdent(a.column)} = ${formatExpr(a.value)}`)}`
      if (s.from !== null) out += ` FROM ${formatTableRef(s.from)}`
      if (s.where !== null) out += ` WHERE ${formatExpr(s.where)}`
      return out + formatReturning(s.returning)
    }
    case 'delete': {
      let out = `${formatWith(s.with)}DELETE FROM ${qualified(s.table)}${s.alias === null ? '' : ` AS ${quoteIdent(s.alias)}`}`
      if (s.using !== null) out += ` USING ${formatTableRef(s.using)}`
      if (s.where !== null) out += ` WHERE ${formatExpr(s.where)}`
      return out + formatReturning(s.returning)
    }
    case 'transaction': return s.action.toUpperCase()
    case 'explain': return `EXPLAIN ${s.analyze ? 'ANALYZE ' : ''}${formatStatement(s.statement)}`
    case 'set': return `SET ${s.scope === 'session' ? '' : `${s.scope.toUpperCase()} `}${settingName(s.name)} = ${formatExpr(s.value)}`
    case 'reset': return s.name === null ? 'RESET ALL' : `RESET ${settingName(s.name)}`
    case 'show':
      switch (s.what.kind) {
        case 'tables': return s.what.from === undefined ? 'SHOW TABLES' : `SHOW TABLES FROM ${qualified(s.what.from)}`
        case 'databases': return 'SHOW DATABASES'
        case 'all_tables': return 'SHOW ALL TABLES'
        case 'models': return 'SHOW MODELS'
        case 'setting': return `SHOW ${settingName(s.what.name)}`
        default: return assertNever(s.what, 'SHOW target')
      }
    case 'describe':
      return s.target.kind === 'table' ? `DESCRIBE ${qualified(s.target.name)}` : `DESCRIBE ${formatQuery(s.target.query)}`
    case 'pragma': return `PRAGMA ${quoteIdent(s.name)}${s.args.length === 0 ? '' : `(${list(s.args, formatExpr)})`}`
    case 'install_extension':
      return `${s.force ? 'FORCE ' : ''}INSTALL ${quoteIdent(s.name)}${s.version === null ? '' : ` VERSION ${quoteString(s.version)}`}${s.from === null ? '' : ` FROM ${quoteString(s.from)}`}`
    case 'load_extension': return `LOAD ${s.target.kind === 'path' ? quoteString(s.target.path) : `EXTENSION ${quoteIdent(s.target.name)}`}`
    case 'unload_extension': return `UNLOAD EXTENSION ${quoteIdent(s.name)}`
    case 'update_extensions': return `UPDATE EXTENSIONS${s.names === null ? '' : ` (${s.names.map(quoteIdent).join(', ')})`}`
    case 'show_extension_permissions': return `SHOW EXTENSION PERMISSIONS ${quoteIdent(s.name)}`
    case 'create_function':
      return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}${s.routineKind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION'} ${quoteIdent(s.name)}(${s.params.map(p => `${quoteIdent(p.name)} ${formatTypeName(p.type)}`).join(', ')}) RETURNS ${formatTypeName(s.returns)} LANGUAGE ${s.language} ${s.body.startsWith('file:') && s.language === 'wasm' ? `FROM ${quoteString(s.body.slice(5))}` : `AS ${quoteString(s.body)}`}${s.symbol === null ? '' : ` SYMBOL ${quoteString(s.symbol)}`}`
    case 'copy': {
      const src = s.source.kind === 'query' ? `(${formatQuery(s.source.query)})`
        : `${qualified(s.source.name)}${s.source.columns === null ? '' : ` (${list(s.source.columns, quoteIdent)})`}`
      return `COPY ${src} ${s.direction.toUpperCase()} ${formatExpr(s.path)}${formatCopyOptions(s.options)}`
    }
    case 'prepare': return `PREPARE ${quoteIdent(s.name)}${s.types.length === 0 ? '' : ` (${list(s.types, formatTypeName)})`} AS ${formatStatement(s.statement)}`
    case 'execute': return `EXECUTE ${quoteIdent(s.name)}${s.args.length === 0 ? '' : `(${list(s.args, formatExpr)})`}`
    case 'deallocate': return `DEALLOCATE ${s.name === null ? 'ALL' : quoteIdent(s.name)}`
    case 'export_database': return `EXPORT DATABASE ${quoteString(s.path)}${formatCopyOptions(s.options)}`
    case 'import_database': return `IMPORT DATABASE ${quoteString(s.path)}`
    case 'backup': return `BACKUP TO ${quoteString(s.path)}`
    case 'restore': return `RESTORE FROM ${quoteString(s.from)} TO ${quoteString(s.to)}${s.asOf === null ? '' : ` (AS OF ${s.asOf})`}`
    case 'attach': {
      const opts = s.options.map(o => `${o.name.toUpperCase()}${o.value === null ? '' : ` ${formatExpr(o.value)}`}`)
      return `ATTACH ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatExpr(s.path)}${s.alias === null ? '' : ` AS ${quoteIdent(s.alias)}`}${opts.length === 0 ? '' : ` (${opts.join(', ')})`}`
    }
    case 'detach': return `DETACH ${s.ifExists ? 'IF EXISTS ' : ''}${quoteIdent(s.name)}`
    case 'use': return `USE ${qualified(s.name)}`
    default: return assertNever(s, 'statement')
  }
}

function formatCopyOptions(options: readonly CopyOption[]): string {
  const opts = options.map(o => `${o.name}${o.names !== null ? ` (${list(o.names, n => n === '*' ? n : quoteIdent(n))})` : o.value === null ? '' : ` ${formatExpr(o.value)}`}`)
  return opts.length === 0 ? '' : ` (${opts.join(', ')})`
}

function settingName(name: string): string {
  return name.split('.').map(quoteIdent).join('.')
}

/** The query of ARRAY(q), which the parser rewrote into a one-column subquery: printed back as written. */
function arrayInner(q: Query): Query | undefined {
  const from = q.body.kind === 'select' ? q.body.from : []
  const only = from.length === 1 ? from[0] : undefined
  return only?.kind === 'subquery_ref' && only.singleColumn === true ? only.query : undefined
}
