/** Binds SQL against a real catalog and the built-in hooks, for the binder's tests. */
import assert from 'node:assert/strict'
import { MemoryCatalog, type Transaction } from '../../../core/catalog/index.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { registerBuiltins } from '../../../core/functions/index.ts'
import { registerOrderedIndex } from '../../../core/indexes/ordered-index.ts'
import type { FunctionContext } from '../../../core/hooks/contracts.ts'
import { Hooks } from '../../../core/hooks/registry.ts'
import { parse } from '../../../core/parser/index.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import type { LogicalPlan } from '../../../core/plan/logical.ts'
import { type LogicalType, type Value, typeToString } from '../../../core/types/types.ts'
import { type BinderContext, type BoundStatement, bindStatement } from '../../../core/binder/index.ts'

export interface Fixture {
  bind(sql: string, parameterTypes?: readonly LogicalType[]): BoundStatement
  /** binds a query and returns its plan and names */
  plan(sql: string): { plan: LogicalPlan; names: readonly string[] }
  /** binds and runs DDL */
  run(sql: string): void
  settings: Map<string, Value>
  hooks: Hooks
  catalog: MemoryCatalog
  txn: Transaction
}

export function fixture(ddl: readonly string[] = DEFAULT_SCHEMA): Fixture {
  const hooks = new Hooks()
  registerBuiltins(hooks)
  registerOrderedIndex(hooks)
  const catalog = new MemoryCatalog()
  const txn = new TransactionManager().begin()
  const settings = new Map<string, Value>()
  const fnCtx: FunctionContext = {
    setting: name => settings.get(name.toLowerCase()) ?? hooks.setting(name)?.default ?? null,
    statementTime: 0, random: Math.random, setSeed: () => {},
  }
  const context = (parameterTypes: readonly LogicalType[], statementText?: string): BinderContext => {
    let next = 0
    return {
      catalog, hooks, txn, fnCtx, parameterTypes, setting: fnCtx.setting, nextColumnId: () => next++,
      ...(statementText === undefined ? {} : { statementText }),
    }
  }
  const bind = (sql: string, parameterTypes: readonly LogicalType[] = []): BoundStatement => {
    const stmts = parse(sql)
    assert.equal(stmts.length, 1, 'one statement expected')
    return bindStatement(stmts[0]!, context(parameterTypes, sql))
  }
  const f: Fixture = {
    bind, settings, hooks, catalog, txn,
    plan(sql) {
      const s = bind(sql)
      assert.equal(s.kind, 'query', `expected a query, got ${s.kind}`)
      if (s.kind !== 'query') throw new Error('unreachable')
      return { plan: s.plan, names: s.names }
    },
    run(sql) {
      const s = bind(sql)
      if (s.kind !== 'command') throw new Error(`expected a command, got ${s.kind}`)
      s.run()
    },
  }
  for (const d of ddl) f.run(d)
  return f
}

export const DEFAULT_SCHEMA = [
  'CREATE TABLE t (a INTEGER PRIMARY KEY, b VARCHAR, c DOUBLE, d DATE)',
  'CREATE TABLE u (a INTEGER, e BIGINT NOT NULL DEFAULT 7, f DECIMAL(10, 2))',
  'CREATE VIEW v AS SELECT a, b FROM t WHERE a > 0',
  'CREATE TABLE s (id INTEGER PRIMARY KEY, name VARCHAR UNIQUE, n INTEGER DEFAULT 0)',
]

/** Asserts binding `sql` fails with `code` (and, when given, at `position`). */
export function assertBindError(f: Fixture, sql: string, code: string, position?: number, message?: RegExp): GrizzlyError {
  let caught: unknown
  try { f.bind(sql) } catch (e) { caught = e }
  assert.ok(caught instanceof GrizzlyError, `expected a GrizzlyError for ${sql}, got ${String(caught)}`)
  assert.equal(caught.code, code, `${sql}: ${caught.message}`)
  if (position !== undefined) assert.equal(caught.position, position, `${sql}: position of ${caught.message}`)
  if (message !== undefined) assert.match(caught.message, message)
  return caught
}

export function typeName(t: LogicalType): string { return typeToString(t) }

/** The node kinds from the root down the first input, e.g. ['project', 'filter', 'scan']. */
export function spine(p: LogicalPlan): string[] {
  const out: string[] = [p.kind]
  let cur: LogicalPlan = p
  for (;;) {
    const next: LogicalPlan | undefined = 'input' in cur ? cur.input : cur.kind === 'join' || cur.kind === 'set_op' ? cur.left : undefined
    if (next === undefined) return out
    out.push(next.kind)
    cur = next
  }
}

export function find<K extends LogicalPlan['kind']>(p: LogicalPlan, kind: K): Extract<LogicalPlan, { kind: K }> | undefined {
  if (p.kind === kind) return p as Extract<LogicalPlan, { kind: K }>
  const kids: LogicalPlan[] = []
  switch (p.kind) {
    case 'join': case 'set_op': kids.push(p.left, p.right); break
    case 'cte': kids.push(p.definition, p.body); break
    case 'recursive_cte': kids.push(p.anchor, p.recursive); break
    default: if ('input' in p) kids.push(p.input)
  }
  for (const k of kids) { const r = find(k, kind); if (r !== undefined) return r }
  return undefined
}

/** The expressions of the top projection. */
export function projected(p: LogicalPlan): readonly BoundExpr[] {
  const proj = find(p, 'project')
  assert.ok(proj !== undefined, 'no projection')
  return proj.exprs
}
