/**
 * CREATE / DROP SEQUENCE, and the bind-time check of nextval('s') / currval / setval: a
 * constant sequence name must exist when the statement (or a column DEFAULT) is bound, as in
 * DuckDB; a name computed per row is looked up when the call runs.
 */
import { Sequence, parseSequenceName, sequenceOptions } from '../catalog/sequences.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { CreateSequenceStatement, DropStatement } from '../parser/ast.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { type ResolvedName, requireSchema, resolveName } from './databases.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { ExprBinder } from './expression.ts'
import { Scope } from './scope.ts'

const SEQUENCE_OPTION_NAMES: Readonly<Record<string, string>> = {
  start: 'START', increment: 'INCREMENT', minvalue: 'MINVALUE', maxvalue: 'MAXVALUE', cycle: 'CYCLE', no_cycle: 'CYCLE', cache: 'CACHE',
}

export function bindCreateSequence(b: Binder, stmt: CreateSequenceStatement): BoundStatement {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot change the schema in a read-only transaction', { position: stmt.pos })
  const target = resolveName(b.ctx, stmt.name, stmt.pos)
  const { catalog, name } = target
  const schema = stmt.temporary ? 'temp' : target.schema ?? catalog.defaultSchema
  requireSchema(catalog, schema, stmt.pos)
  const given = new Map<string, bigint | null>()
  const seen = new Set<string>()
  for (const o of stmt.options) {
    const label = SEQUENCE_OPTION_NAMES[o.name] ?? o.name.toUpperCase()
    if (seen.has(label)) {
      throw new GrizzlyError(SqlState.syntaxError, `${label} may be given at most once`, { position: o.value?.pos ?? stmt.pos, hint: `remove the repeated ${label}` })
    }
    seen.add(label)
    if (o.name === 'no_cycle' || o.name === 'cache') continue
    if (o.value === null) { if (o.name === 'cycle') given.set('cycle', null); continue }
    given.set(o.name, optionValue(b, o.value, label))
  }
  const options = sequenceOptions(given, stmt.pos)
  return {
    kind: 'command', tag: 'CREATE SEQUENCE',
    run: () => catalog.createSequence(b.ctx.txn, new Sequence(schema, name, options, stmt.temporary), { ifNotExists: stmt.ifNotExists, orReplace: stmt.orReplace }),
  }
}

/** a constant integer within BIGINT */
function optionValue(b: Binder, e: NonNullable<CreateSequenceStatement['options'][number]['value']>, label: string): bigint {
  const bound = new ExprBinder(b, new Scope(null, false), null, { clause: `${label} of CREATE SEQUENCE`, noSubqueries: true }).bind(e)
  const v = b.constantValue(bound, `${label} of CREATE SEQUENCE`, e.pos)
  const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null
  if (n === null || n < -(2n ** 63n) || n >= 2n ** 63n) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `${label} must be an integer within BIGINT's range, not ${String(v)}`, { position: e.pos, hint: `write ${label} as a whole number` })
  }
  return n
}

export function bindDropSequence(b: Binder, stmt: DropStatement): BoundStatement {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot change the schema in a read-only transaction', { position: stmt.pos })
  const { txn } = b.ctx
  const targets = stmt.names.map(n => resolveName(b.ctx, n, stmt.pos))
  return {
    kind: 'command', tag: 'DROP SEQUENCE',
    run: () => {
      for (const t of targets) t.catalog.dropSequence(txn, t.schema, t.name, { ifExists: stmt.ifExists, cascade: stmt.cascade })
    },
  }
}

/** nextval('s') and friends: a constant name must name a sequence this transaction sees */
export function checkSequenceArgument(b: Binder, name: string, args: readonly BoundExpr[], position: number): void {
  const arg = args[0]
  const value = arg?.kind === 'const' ? arg.value : arg?.kind === 'cast' && arg.expr.kind === 'const' ? arg.expr.value : undefined
  if (typeof value !== 'string') return
  const ref = parseSequenceName(value, position)
  let target: ResolvedName
  try {
    target = resolveName(b.ctx, [ref.database, ref.schema, ref.name].filter((p): p is string => p !== null), position)
  } catch (e) {
    // reopening a file: a DEFAULT naming a database not attached now is kept (attachments are not stored)
    if (b.ctx.restoring === true && e instanceof GrizzlyError && e.code === SqlState.invalidCatalogName) return
    throw e
  }
  if (target.catalog.lookupSequence(b.ctx.txn, target.schema, target.name) !== undefined) return
  throw new GrizzlyError(SqlState.undefinedTable, `Sequence with name ${ref.name} does not exist!`, {
    position, hint: didYouMean(ref.name, target.catalog.sequences(b.ctx.txn).map(s => s.name)) ?? `create it first: CREATE SEQUENCE ${ref.name}; (${name} takes the sequence's name)`,
  })
}
