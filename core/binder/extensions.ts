/**
 * Extension statements and procedural routines: each becomes a command (or constant rows) that
 * calls the database's ExtensionHost (core/extensions). Without a host — core used on its own —
 * they are refused with 0A000 and a hint to use the package entry.
 */
import { GrizzlyError, SqlState, assertNever } from '../errors.ts'
import { noExtensionHost, type ExtensionHost, type RoutineDefinition } from '../extensions/host.ts'
import type {
  CreateFunctionStatement, DropStatement, InstallExtensionStatement, LoadExtensionStatement, ShowExtensionPermissionsStatement,
  UnloadExtensionStatement, UpdateExtensionsStatement,
} from '../parser/ast.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { BOOLEAN, VARCHAR, typeToString, type LogicalType, type Value } from '../types/types.ts'
import { beginWrite } from '../catalog/transaction.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { resolveTypeName } from './literals.ts'

export type ExtensionStatement =
  | InstallExtensionStatement | LoadExtensionStatement | UnloadExtensionStatement | UpdateExtensionsStatement
  | ShowExtensionPermissionsStatement | CreateFunctionStatement

function hostOf(b: Binder, what: string, position: number): ExtensionHost {
  const host = b.ctx.extensionHost
  if (host === undefined || host === null) throw noExtensionHost(what, position)
  return host
}

function rows(b: Binder, names: readonly string[], types: readonly LogicalType[], values: readonly (readonly Value[])[]): BoundStatement {
  const output = b.columns(names, types)
  const bound: BoundExpr[][] = values.map(r => r.map((v, i) => ({ kind: 'const', value: v, type: types[i]! })))
  return { kind: 'query', plan: { kind: 'values', rows: bound, output }, names }
}

/** Functions are part of the schema: a read-only database refuses to change them, as DuckDB does. */
function checkWritable(b: Binder, position: number): void {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot create or drop functions in a read-only database', { position })
}

/** Positions the host's errors at the statement when they carry none. */
function at<T>(position: number, work: () => T): T {
  try {
    return work()
  } catch (e) {
    if (e instanceof GrizzlyError && e.position === undefined) throw e.withPosition(position)
    throw e
  }
}

export function bindExtensionStatement(b: Binder, stmt: ExtensionStatement): BoundStatement {
  switch (stmt.kind) {
    case 'install_extension': {
      const host = hostOf(b, 'INSTALL', stmt.pos)
      return { kind: 'command', tag: 'INSTALL', run: () => { at(stmt.pos, () => host.install(stmt.name, stmt.version, stmt.from, stmt.force)) } }
    }
    case 'load_extension': {
      const host = hostOf(b, 'LOAD', stmt.pos)
      return { kind: 'command', tag: 'LOAD', run: () => { at(stmt.pos, () => host.load(stmt.target)) } }
    }
    case 'unload_extension': {
      const host = hostOf(b, 'UNLOAD', stmt.pos)
      return { kind: 'command', tag: 'UNLOAD', run: () => at(stmt.pos, () => host.unload(stmt.name)) }
    }
    case 'update_extensions': {
      const host = hostOf(b, 'UPDATE EXTENSIONS', stmt.pos)
      return {
        kind: 'rows_command', tag: 'UPDATE EXTENSIONS',
        names: ['extension_name', 'repository', 'update_result', 'previous_version', 'current_version'],
        types: [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
        run: () => at(stmt.pos, () => host.update(stmt.names)).map(u => [u.name, u.registry, u.result, u.previousVersion, u.currentVersion]),
      }
    }
    case 'show_extension_permissions': {
      const host = hostOf(b, 'SHOW EXTENSION PERMISSIONS', stmt.pos)
      const perms = at(stmt.pos, () => host.permissions(stmt.name))
      return rows(b, ['kind', 'name', 'requested', 'granted', 'allowed'], [VARCHAR, VARCHAR, VARCHAR, VARCHAR, BOOLEAN],
        perms.map(p => [p.kind, p.name, p.requested, p.granted, p.allowed]))
    }
    case 'create_function': {
      checkWritable(b, stmt.pos)
      const host = hostOf(b, `CREATE ${stmt.routineKind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION'} … LANGUAGE ${stmt.language}`, stmt.pos)
      const def: RoutineDefinition = {
        name: stmt.name,
        kind: stmt.routineKind,
        language: stmt.language,
        params: stmt.params.map(p => ({ name: p.name, type: typeToString(resolveTypeName(b.ctx.hooks, p.type)) })),
        returns: typeToString(resolveTypeName(b.ctx.hooks, stmt.returns)),
        body: stmt.body,
        symbol: stmt.symbol,
        sql: b.ctx.statementText ?? '',
      }
      return { kind: 'command', tag: 'CREATE FUNCTION', run: () => changeRoutines(b, host, 'CREATE FUNCTION', [def.name], () => createRoutine(host, def, stmt)) }
    }
    default: return assertNever(stmt, 'extension statement')
  }
}

function createRoutine(host: ExtensionHost, def: RoutineDefinition, stmt: CreateFunctionStatement): void {
  try {
    host.createRoutine(def, stmt.orReplace)
  } catch (e) {
    if (!(e instanceof GrizzlyError)) throw e
    // a syntax error inside the body carries its offset in the body: map it into the statement
    if (e.position !== undefined) throw new GrizzlyError(e.code, e.message, { position: stmt.bodyPos + e.position, hint: e.hint, cause: e.cause })
    throw e.withPosition(stmt.pos)
  }
}

/**
 * Routines are part of the schema: changing one takes the write lock and marks the transaction
 * as a catalog change, so a database file checkpoints them at commit, and a rollback (of the
 * transaction, or of a failed statement inside one) puts back what was there before.
 */
function changeRoutines(b: Binder, host: ExtensionHost, what: string, names: readonly string[], work: () => void): void {
  const txn = b.ctx.txn
  beginWrite(txn, what)
  const before = new Map(names.map(n => [n, host.routines().find(r => r.name === n) ?? null]))
  txn.onRollback(() => {
    for (const [name, def] of before) {
      if ((host.routines().find(r => r.name === name) ?? null) === def) continue
      host.dropRoutine(name, true)
      if (def === null) continue
      // a stored routine that could not run here comes back as it was
      try { host.createRoutine(def, false) } catch { host.restoreRoutine(def) }
    }
  })
  work()
}

/** DROP FUNCTION [IF EXISTS] name, … (procedural routines; macros are not supported yet) */
export function bindDropFunction(b: Binder, stmt: DropStatement): BoundStatement {
  checkWritable(b, stmt.pos)
  const host = hostOf(b, 'DROP FUNCTION', stmt.pos)
  return {
    kind: 'command', tag: 'DROP FUNCTION',
    run: () => changeRoutines(b, host, 'DROP FUNCTION', stmt.names.map(n => n[n.length - 1]!), () => {
      for (const n of stmt.names) {
        const name = n[n.length - 1]!
        if (!host.dropRoutine(name, stmt.ifExists) && !stmt.ifExists) {
          throw new GrizzlyError(SqlState.undefinedFunction, `function ${name} does not exist`, { position: stmt.pos, hint: 'use DROP FUNCTION IF EXISTS to ignore a missing function' })
        }
      }
    }),
  }
}
