/**
 * CREATE, DROP and ALTER TABLE.
 */
import { notSupported } from '../errors.ts'
import type {
  AlterTableAction, AlterTableStatement, ColumnDef, CreateSequenceStatement, DropObjectType, DropStatement, Expr,
  QualifiedName, Query, Statement, TableConstraint,
} from './ast.ts'
import type { Cursor } from './cursor.ts'
import { BP, parseExpr } from './expressions.ts'
import { identifierList, parseQuery, selectStarFrom } from './query.ts'
import { parseTypeName } from './type-names.ts'
import { isRoutine, parseCreateRoutine, parseRoutineParamType } from './extensions.ts'

export function parseCreate(p: Cursor): Statement {
  const pos = p.expectKw('create').pos
  const orReplace = p.acceptKws('or', 'replace')
  let temporary = false
  if (p.acceptKw('temp') || p.acceptKw('temporary')) temporary = true
  else if (p.acceptKw('persistent')) temporary = false
  const unique = p.acceptKw('unique')
  if (p.isKw('recursive') && p.isKw('view', 1)) {
    p.index += 2
    return parseCreateRecursiveView(p, pos, orReplace, temporary)
  }
  const what = p.peek()
  if (what.type !== 'ident') throw p.unexpected(what, 'expected TABLE, VIEW, SCHEMA, INDEX or SEQUENCE')
  if (unique && what.text !== 'index') throw p.unexpected(what, 'expected INDEX after CREATE UNIQUE')
  switch (what.text) {
    case 'table': p.next(); return parseCreateTable(p, pos, orReplace, temporary)
    case 'view': p.next(); return parseCreateView(p, pos, orReplace, temporary)
    case 'schema': {
      p.next()
      const ifNotExists = acceptIfNotExists(p)
      const name = p.qualifiedName('schema name')
      return name.length >= 2 ? { kind: 'create_schema', pos, name: name[name.length - 1]!, database: name[name.length - 2]!, ifNotExists }
        : { kind: 'create_schema', pos, name: name[0]!, ifNotExists }
    }
    case 'index': p.next(); return parseCreateIndex(p, pos, unique)
    case 'sequence': p.next(); return parseCreateSequence(p, pos, orReplace, temporary)
    case 'model': p.next(); return parseCreateModel(p, pos, orReplace)
    case 'function': case 'aggregate':
      if (isRoutine(p)) return parseCreateRoutine(p, pos, orReplace)
      throw notSupported(`CREATE ${what.text.toUpperCase()}`, what.pos)
    case 'type': p.next(); return parseCreateType(p, pos, orReplace)
    case 'trigger': case 'macro': case 'secret': case 'role': case 'user':
    case 'database': case 'extension': case 'procedure': case 'materialized': case 'rule': case 'policy':
    case 'domain': case 'operator': case 'virtual':
      throw notSupported(`CREATE ${what.text.toUpperCase()}`, what.pos)
    default:
      throw p.unexpected(what, 'expected TABLE, VIEW, SCHEMA, INDEX or SEQUENCE')
  }
}

function acceptIfNotExists(p: Cursor): boolean {
  return p.acceptKws('if', 'not', 'exists')
}

function parseCreateTable(p: Cursor, pos: number, orReplace: boolean, temporary: boolean): Statement {
  const ifNotExists = acceptIfNotExists(p)
  const name = p.qualifiedName('table name')
  const columns: ColumnDef[] = []
  const constraints: TableConstraint[] = []
  if (p.acceptOp('(')) {
    // CREATE TABLE t(a, b) AS …: names only
    const namesOnly = p.isIdentifier() && (p.isOp(',', 1) || p.isOp(')', 1)) && namesOnlyList(p)
    if (namesOnly) {
      for (const column of identifierListWithPos(p)) columns.push({ ...column, type: null, notNull: false, primaryKey: false, unique: false, default: null, check: null })
    } else {
      do {
        if (p.isOp(')')) break // trailing comma
        const constraint = parseTableConstraint(p)
        if (constraint !== null) constraints.push(constraint)
        else columns.push(parseColumnDef(p, constraints))
      } while (p.acceptOp(','))
    }
    p.expectOp(')')
  }
  let as = null
  if (p.acceptKw('as')) {
    as = parseQuery(p)
    if (p.acceptKws('with', 'no', 'data') || p.acceptKws('with', 'data')) { /* DuckDB ignores it too */ }
  } else if (columns.length === 0 && constraints.length === 0) {
    throw p.unexpected(undefined, 'expected a column list or AS query')
  } else if (columns.some(c => c.type === null && c.generated === undefined)) {
    throw p.unexpected(undefined, 'column types are required unless the table is created AS a query')
  }
  return { kind: 'create_table', pos, name, ifNotExists, orReplace, temporary, columns, constraints, as }
}

/** t(a, b, c) followed by ) AS: a list of bare names. */
function namesOnlyList(p: Cursor): boolean {
  let k = 0
  for (;;) {
    if (!p.isIdentifier(k)) return false
    k++
    if (p.isOp(',', k)) { k++; continue }
    return p.isOp(')', k) && p.isKw('as', k + 1)
  }
}

function identifierListWithPos(p: Cursor): { pos: number; name: string }[] {
  const out: { pos: number; name: string }[] = []
  do out.push({ pos: p.pos, name: p.identifier('column name') }); while (p.acceptOp(','))
  return out
}

function parseTableConstraint(p: Cursor): TableConstraint | null {
  const pos = p.pos
  if (p.isKw('constraint')) {
    p.next()
    p.identifier('constraint name')
  } else if (!(p.isKw('primary') || p.isKw('unique') || p.isKw('check') || p.isKw('foreign'))) {
    return null
  }
  let constraint: TableConstraint
  if (p.acceptKws('primary', 'key')) {
    constraint = { kind: 'primary_key', pos, columns: parenNames(p) }
  } else if (p.acceptKw('unique')) {
    constraint = { kind: 'unique', pos, columns: parenNames(p) }
  } else if (p.acceptKw('check')) {
    p.expectOp('(')
    const expr = parseExpr(p)
    p.expectOp(')')
    constraint = { kind: 'check', pos, expr }
  } else if (p.acceptKws('foreign', 'key')) {
    const columns = parenNames(p)
    p.expectKw('references')
    const refTable = p.qualifiedName('table name')
    const refColumns = p.isOp('(') ? parenNames(p) : []
    skipReferentialActions(p)
    constraint = { kind: 'foreign_key', pos, columns, refTable, refColumns }
  } else {
    throw p.unexpected(undefined, 'expected PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY')
  }
  skipConstraintAttributes(p)
  return constraint
}

function parenNames(p: Cursor): string[] {
  p.expectOp('(')
  const names = identifierList(p)
  p.expectOp(')')
  return names
}

function skipReferentialActions(p: Cursor): void {
  for (;;) {
    if (p.acceptKw('match')) { p.label(); continue }
    if (p.isKw('on') && (p.isKw('delete', 1) || p.isKw('update', 1))) {
      p.index += 2
      // the default (refuse the change) is all the AST can say; anything else would be silently lost
      if (p.acceptKw('restrict') || p.acceptKws('no', 'action')) continue
      if (p.isKw('cascade') || p.isKws('set', 'null') || p.isKws('set', 'default')) {
        throw notSupported(`ON ${p.peek(-1).text.toUpperCase()} ${p.isKw('cascade') ? 'CASCADE' : p.isKw('null', 1) ? 'SET NULL' : 'SET DEFAULT'}`, p.peek(-2).pos)
      }
      throw p.unexpected(undefined, 'expected RESTRICT, NO ACTION, CASCADE, SET NULL or SET DEFAULT')
    }
    return
  }
}

function skipConstraintAttributes(p: Cursor): void {
  for (;;) {
    if (p.acceptKw('deferrable') || p.acceptKws('not', 'deferrable')) continue
    if (p.acceptKw('initially')) { if (!p.acceptKw('deferred')) p.expectKw('immediate'); continue }
    return
  }
}

/** A column definition; column-level REFERENCES become table-level foreign keys. */
export function parseColumnDef(p: Cursor, constraints: TableConstraint[] | null): ColumnDef {
  const pos = p.pos
  const name = p.identifier('column name')
  // `c AS (expr)`: a generated column whose type is the expression's
  const type = (p.isKw('as') && p.isOp('(', 1)) || (p.isKw('generated') && p.isKw('always', 1)) ? null : parseTypeName(p)
  let generated: ColumnDef['generated']
  let notNull = false
  let primaryKey = false
  let unique = false
  let defaultExpr: Expr | null = null
  let check: Expr | null = null
  for (;;) {
    const constraintPos = p.pos
    if (p.acceptKw('constraint')) p.identifier('constraint name')
    if (p.acceptKws('not', 'null')) notNull = true
    else if (p.acceptKw('null')) notNull = false
    else if (p.acceptKws('primary', 'key')) { primaryKey = true; p.acceptKw('asc') || p.acceptKw('desc') }
    else if (p.acceptKw('unique')) unique = true
    else if (p.acceptKw('default')) defaultExpr = parseExpr(p, BP.is)
    else if (p.acceptKw('check')) {
      p.expectOp('(')
      check = parseExpr(p)
      p.expectOp(')')
    } else if (p.acceptKw('references')) {
      const refTable = p.qualifiedName('table name')
      const refColumns = p.isOp('(') ? parenNames(p) : []
      skipReferentialActions(p)
      if (constraints === null) throw notSupported('REFERENCES in ALTER TABLE', constraintPos)
      constraints.push({ kind: 'foreign_key', pos: constraintPos, columns: [name], refTable, refColumns })
    } else if (p.acceptKw('collate')) {
      p.label('collation name')
    } else if (p.isKw('generated') || (p.isKw('as') && p.isOp('(', 1))) {
      if (p.acceptKw('generated')) { p.expectKw('always') }
      p.expectKw('as')
      p.expectOp('(')
      const expr = parseExpr(p)
      p.expectOp(')')
      let stored = false
      if (p.acceptKw('stored')) stored = true
      else p.acceptKw('virtual')
      generated = { expr, stored }
    } else if (p.pos !== constraintPos) {
      throw p.unexpected(undefined, 'expected a constraint after CONSTRAINT name')
    } else {
      break
    }
    skipConstraintAttributes(p)
  }
  if (type === null && generated === undefined) throw p.unexpected(undefined, 'expected a column type')
  return { pos, name, type, notNull, primaryKey, unique, default: defaultExpr, check, ...(generated === undefined ? {} : { generated }) }
}

function parseCreateView(p: Cursor, pos: number, orReplace: boolean, temporary: boolean): Statement {
  const ifNotExists = acceptIfNotExists(p)
  const name = p.qualifiedName('view name')
  let columns: string[] | null = null
  if (p.isOp('(')) columns = parenNames(p)
  p.expectKw('as')
  const query = parseQuery(p)
  return { kind: 'create_view', pos, name, columns, query, orReplace, ifNotExists, temporary }
}

/** CREATE RECURSIVE VIEW v (cols) AS q ≡ CREATE VIEW v (cols) AS WITH RECURSIVE v (cols) AS (q) SELECT * FROM v */
function parseCreateRecursiveView(p: Cursor, pos: number, orReplace: boolean, temporary: boolean): Statement {
  const ifNotExists = acceptIfNotExists(p)
  const name = p.qualifiedName('view name')
  const columns = parenNames(p)
  p.expectKw('as')
  const body = parseQuery(p)
  const viewName = name[name.length - 1]!
  const query: Query = {
    kind: 'query', pos: body.pos,
    with: { pos: body.pos, recursive: true, ctes: [{ pos: body.pos, name: viewName, columns, materialized: null, query: body }] },
    body: selectStarFrom(body.pos, [{ kind: 'table_ref', pos: body.pos, name: [viewName], alias: null }]),
    orderBy: [], orderByAll: null, limit: null, limitPercent: false, offset: null,
  }
  return { kind: 'create_view', pos, name, columns, query, orReplace, ifNotExists, temporary }
}

function parseCreateIndex(p: Cursor, pos: number, unique: boolean): Statement {
  p.acceptKw('concurrently')
  const ifNotExists = acceptIfNotExists(p)
  const name = p.isKw('on') ? null : p.identifier('index name')
  p.expectKw('on')
  const table = p.qualifiedName('table name')
  let using: string | null = null
  if (p.acceptKw('using')) using = p.label('index method').toLowerCase()
  p.expectOp('(')
  const columns: Expr[] = []
  do {
    columns.push(parseExpr(p))
    // ASC/DESC/COLLATE on index columns do not change how Grizzly builds them
    if (!p.acceptKw('asc')) p.acceptKw('desc')
    if (p.isKw('nulls')) { p.next(); if (!p.acceptKw('first')) p.expectKw('last') }
  } while (p.acceptOp(','))
  p.expectOp(')')
  const options: { name: string; value: Expr }[] = []
  if (p.acceptKw('with')) {
    p.expectOp('(')
    do {
      const optionName = p.label('option name')
      p.expectOp('=')
      options.push({ name: optionName, value: parseExpr(p) })
    } while (p.acceptOp(','))
    p.expectOp(')')
  }
  if (p.isKw('where')) throw notSupported('partial indexes', p.pos)
  return { kind: 'create_index', pos, name, table, unique, ifNotExists, using, columns, options }
}

function parseCreateSequence(p: Cursor, pos: number, orReplace: boolean, temporary: boolean): CreateSequenceStatement {
  const ifNotExists = acceptIfNotExists(p)
  const name = p.qualifiedName('sequence name')
  const options: { name: string; value: Expr | null }[] = []
  for (;;) {
    if (p.acceptKw('start')) { p.acceptKw('with'); options.push({ name: 'start', value: parseSignedNumber(p) }) }
    else if (p.acceptKw('increment')) { p.acceptKw('by'); options.push({ name: 'increment', value: parseSignedNumber(p) }) }
    else if (p.acceptKw('minvalue')) options.push({ name: 'minvalue', value: parseSignedNumber(p) })
    else if (p.acceptKw('maxvalue')) options.push({ name: 'maxvalue', value: parseSignedNumber(p) })
    else if (p.acceptKws('no', 'minvalue')) options.push({ name: 'minvalue', value: null })
    else if (p.acceptKws('no', 'maxvalue')) options.push({ name: 'maxvalue', value: null })
    else if (p.acceptKw('cycle')) options.push({ name: 'cycle', value: null })
    else if (p.acceptKws('no', 'cycle')) options.push({ name: 'no_cycle', value: null })
    else if (p.acceptKw('cache')) options.push({ name: 'cache', value: parseSignedNumber(p) })
    else break
  }
  return { kind: 'create_sequence', pos, name, ifNotExists, orReplace, temporary, options }
}

/** CREATE [OR REPLACE] MODEL [IF NOT EXISTS] name FROM 'file' [(TOKENIZER 'vocab.txt')], after MODEL */
function parseCreateModel(p: Cursor, pos: number, orReplace: boolean): Statement {
  const ifNotExists = acceptIfNotExists(p)
  const name = p.qualifiedName('model name')
  if (name.length > 1) throw notSupported('schema-qualified model names', pos, 'models have one namespace per database: drop the schema')
  p.expectKw('from')
  const t = p.peek()
  if (t.type !== 'string') throw p.unexpected(t, "expected the model file as a quoted string: FROM 'model.onnx'")
  p.next()
  let tokenizer: string | null = null
  // options in parentheses, as COPY and ATTACH take them; TOKENIZER is the only one so far
  if (p.acceptOp('(')) {
    if (!p.acceptKw('tokenizer')) throw p.unexpected(p.peek(), "expected a model option: (TOKENIZER 'vocab.txt')")
    const v = p.peek()
    if (v.type !== 'string') throw p.unexpected(v, "expected the vocabulary file as a quoted string: (TOKENIZER 'vocab.txt')")
    p.next()
    tokenizer = v.text
    p.expectOp(')')
  }
  return { kind: 'create_model', pos, name: name[0]!, path: t.text, tokenizer, ifNotExists, orReplace }
}

function parseSignedNumber(p: Cursor): Expr {
  return parseExpr(p, BP.unary - 1)
}

/** CREATE TYPE name AS type (after TYPE); ENUM and STRUCT-by-name types are not there yet */
function parseCreateType(p: Cursor, pos: number, orReplace: boolean): Statement {
  const ifNotExists = acceptIfNotExists(p)
  const name = p.qualifiedName('type name')
  p.expectKw('as')
  if (p.isKw('enum')) throw notSupported('ENUM types', p.pos, "use VARCHAR with a CHECK (x IN ('a', 'b')) constraint")
  return { kind: 'create_type', pos, name, type: parseTypeName(p), ifNotExists, orReplace }
}

const DROP_TYPES: ReadonlyMap<string, DropObjectType> = new Map([
  ['table', 'table'], ['view', 'view'], ['schema', 'schema'], ['index', 'index'], ['sequence', 'sequence'],
  ['function', 'function'], ['macro', 'macro'], ['model', 'model'], ['type', 'type'],
  // procedural aggregates share the functions' namespace (CREATE AGGREGATE … LANGUAGE)
  ['aggregate', 'function'],
])

export function parseDrop(p: Cursor): DropStatement {
  const pos = p.expectKw('drop').pos
  const what = p.peek()
  let objectType = what.type === 'ident' ? DROP_TYPES.get(what.text) : undefined
  if (objectType === undefined) {
    if (what.type === 'ident' && (what.text === 'trigger' || what.text === 'secret' || what.text === 'extension')) {
      throw notSupported(`DROP ${what.text.toUpperCase()}`, what.pos)
    }
    throw p.unexpected(what, 'expected TABLE, VIEW, SCHEMA, INDEX, SEQUENCE, FUNCTION or MACRO')
  }
  p.next()
  if (objectType === 'macro') p.acceptKw('table')
  const ifExists = p.acceptKws('if', 'exists')
  const names: QualifiedName[] = []
  do {
    names.push(p.qualifiedName('name'))
    // DROP FUNCTION f(DOUBLE, …): PostgreSQL names the overload; a routine has only one
    if (objectType === 'function' && p.acceptOp('(')) {
      if (!p.isOp(')')) do parseRoutineParamType(p); while (p.acceptOp(','))
      p.expectOp(')')
    }
  } while (p.acceptOp(','))
  let cascade = false
  if (p.acceptKw('cascade')) cascade = true
  else p.acceptKw('restrict')
  objectType = objectType satisfies DropObjectType
  return { kind: 'drop', pos, objectType, names, ifExists, cascade }
}

export function parseAlter(p: Cursor): AlterTableStatement {
  const pos = p.expectKw('alter').pos
  if (!p.isKw('table')) {
    const t = p.peek()
    if (t.type === 'ident' && (t.text === 'view' || t.text === 'sequence' || t.text === 'schema' || t.text === 'index')) throw notSupported(`ALTER ${t.text.toUpperCase()}`, t.pos)
    throw p.unexpected(t, 'expected TABLE')
  }
  p.next()
  const ifExists = p.acceptKws('if', 'exists')
  p.acceptKw('only')
  const table = p.qualifiedName('table name')
  return { kind: 'alter_table', pos, table, ifExists, action: parseAlterAction(p) }
}

function parseAlterAction(p: Cursor): AlterTableAction {
  const pos = p.pos
  if (p.acceptKw('add')) {
    if (p.isKw('constraint') || p.isKw('primary') || p.isKw('unique') || p.isKw('check') || p.isKw('foreign')) {
      throw notSupported('ALTER TABLE … ADD CONSTRAINT', pos)
    }
    p.acceptKw('column')
    const ifNotExists = acceptIfNotExists(p)
    return { kind: 'add_column', pos, column: parseColumnDef(p, null), ifNotExists }
  }
  if (p.acceptKw('drop')) {
    if (p.isKw('constraint')) throw notSupported('ALTER TABLE … DROP CONSTRAINT', pos)
    p.acceptKw('column')
    const ifExists = p.acceptKws('if', 'exists')
    const name = p.identifier('column name')
    let cascade = false
    if (p.acceptKw('cascade')) cascade = true
    else p.acceptKw('restrict')
    return { kind: 'drop_column', pos, name, ifExists, cascade }
  }
  if (p.acceptKw('rename')) {
    if (p.acceptKw('to')) return { kind: 'rename_table', pos, to: p.identifier('table name') }
    p.acceptKw('column')
    const from = p.identifier('column name')
    p.expectKw('to')
    return { kind: 'rename_column', pos, from, to: p.identifier('column name') }
  }
  if (p.acceptKw('alter')) {
    p.acceptKw('column')
    const name = p.identifier('column name')
    if (p.acceptKws('set', 'data', 'type') || p.acceptKw('type')) {
      const type = parseTypeName(p)
      const using = p.acceptKw('using') ? parseExpr(p) : null
      return { kind: 'alter_column_type', pos, name, type, using }
    }
    if (p.acceptKws('set', 'default')) return { kind: 'set_default', pos, name, default: parseExpr(p) }
    if (p.acceptKws('drop', 'default')) return { kind: 'set_default', pos, name, default: null }
    if (p.acceptKws('set', 'not', 'null')) return { kind: 'set_not_null', pos, name, notNull: true }
    if (p.acceptKws('drop', 'not', 'null')) return { kind: 'set_not_null', pos, name, notNull: false }
    throw p.unexpected(undefined, 'expected TYPE, SET DEFAULT, DROP DEFAULT, SET NOT NULL or DROP NOT NULL')
  }
  throw p.unexpected(undefined, 'expected ADD, DROP, RENAME or ALTER')
}
