/**
 * The binder: AST statements → BoundStatements (logical plans for queries and DML, commands
 * for DDL). See README.md in this folder.
 */
import { GrizzlyError, SqlState, assertNever, didYouMean } from '../errors.ts'
import type { Statement } from '../parser/ast.ts'
import type { Value } from '../types/types.ts'
import { Binder } from './binder.ts'
import type { BinderContext, BoundStatement } from './context.ts'
import { bindAlterTable, bindCreateIndex, bindCreateSchema, bindCreateSequence, bindCreateTable, bindCreateView, bindDrop } from './ddl.ts'
import { bindDelete, bindInsert, bindUpdate } from './dml.ts'
import { bindCopy } from './copy.ts'
import { ExprBinder } from './expression.ts'
import { bindQuery } from './query.ts'
import { Scope } from './scope.ts'
import { bindDescribe, bindShow } from './show.ts'
import { bindExtensionStatement } from './extensions.ts'
import { bindCreateType } from './user-types.ts'
import { bindCreateModel } from './models.ts'
import { bindPrepared } from './prepared.ts'
import { bindAttach, bindDetach, bindUse } from './databases.ts'
import { bindDatabaseFiles } from './database-files.ts'

export type { BinderContext, BoundStatement } from './context.ts'
export { STRING_LITERAL } from '../types/coercion.ts'

export function bindStatement(stmt: Statement, ctx: BinderContext): BoundStatement {
  const b = new Binder(ctx)
  switch (stmt.kind) {
    case 'query_statement': {
      const q = bindQuery(b, stmt.query, null, null)
      return { kind: 'query', plan: q.plan, names: q.names }
    }
    case 'create_table': return bindCreateTable(b, stmt)
    case 'create_view': return bindCreateView(b, stmt)
    case 'create_schema': return bindCreateSchema(b, stmt)
    case 'create_index': return bindCreateIndex(b, stmt)
    case 'create_sequence': return bindCreateSequence(b, stmt)
    case 'create_model': return bindCreateModel(b, stmt)
    case 'create_type': return bindCreateType(b, stmt)
    case 'drop': return bindDrop(b, stmt)
    case 'alter_table': return bindAlterTable(b, stmt)
    case 'insert': return bindInsert(b, stmt)
    case 'update': return bindUpdate(b, stmt)
    case 'delete': return bindDelete(b, stmt)
    case 'transaction': return { kind: 'transaction', action: stmt.action }
    case 'explain': return { kind: 'explain', analyze: stmt.analyze, statement: bindStatement(stmt.statement, ctx) }
    case 'set': {
      const def = ctx.hooks.setting(stmt.name)
      if (def === undefined) throw unknownSetting(ctx, stmt.name, stmt.pos)
      const raw = constantOf(b, stmt.value, 'SET value', stmt.value.pos)
      const converted = convertSettingValue(raw, def.type.id, stmt.name, stmt.value.pos)
      let value: Value
      try {
        value = def.validate === undefined ? converted : def.validate(converted)
      } catch (e) {
        if (e instanceof GrizzlyError) throw e.withPosition(stmt.value.pos)
        throw e
      }
      return { kind: 'set', name: def.name, value }
    }
    case 'reset': {
      if (stmt.name === null) return { kind: 'reset', name: null }
      const def = ctx.hooks.setting(stmt.name)
      if (def === undefined) throw unknownSetting(ctx, stmt.name, stmt.pos)
      return { kind: 'reset', name: def.name }
    }
    case 'show': return bindShow(b, stmt)
    case 'describe': return bindDescribe(b, stmt)
    case 'pragma':
      // PRAGMA setting = value is SET setting = value, as in DuckDB
      if (stmt.args.length === 1 && ctx.hooks.setting(stmt.name) !== undefined) {
        return bindStatement({ kind: 'set', pos: stmt.pos, name: stmt.name, scope: 'session', value: stmt.args[0]! }, ctx)
      }
      return { kind: 'pragma', name: stmt.name, args: stmt.args.map(a => constantOf(b, a, 'PRAGMA argument', a.pos)) }
    case 'install_extension': case 'load_extension': case 'unload_extension': case 'update_extensions':
    case 'show_extension_permissions': case 'create_function':
      return bindExtensionStatement(b, stmt)
    case 'copy': return bindCopy(b, stmt)
    case 'prepare': case 'execute': case 'deallocate': return bindPrepared(b, stmt)
    case 'attach': return bindAttach(b, stmt)
    case 'detach': return bindDetach(b, stmt)
    case 'use': return bindUse(b, stmt)
    case 'export_database': case 'import_database': case 'backup': case 'restore': return bindDatabaseFiles(b, stmt)
    default: return assertNever(stmt, 'statement')
  }
}

function constantOf(b: Binder, e: Parameters<ExprBinder['bind']>[0], what: string, position: number): Value {
  // SET x = name (a bare word) means the string 'name', as in PostgreSQL and DuckDB
  if (e.kind === 'column' && e.parts.length === 1) return e.parts[0]!
  const bound = new ExprBinder(b, new Scope(null, false), null, { clause: what }).bind(e)
  return b.constantValue(bound, what, position)
}

function unknownSetting(ctx: BinderContext, name: string, position: number): GrizzlyError {
  return new GrizzlyError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`, {
    position, hint: didYouMean(name, ctx.hooks.allSettings().map(s => s.name)),
  })
}

/** Brings a SET literal to the setting's type (SET threads = '4', SET flag = 1, …). */
function convertSettingValue(v: Value, typeId: string, name: string, position: number): Value {
  if (v === null) return null
  const bad = (): GrizzlyError => new GrizzlyError(SqlState.invalidParameterValue,
    `invalid value for parameter "${name}": ${typeof v === 'string' ? `"${v}"` : String(v)}`, {
      position, hint: typeId === 'BOOLEAN' ? `"${name}" takes true or false (also on / off)` : `"${name}" takes a ${typeId === 'VARCHAR' ? 'string' : 'number'}; SELECT * FROM duckdb_settings() lists the settings and their types`,
    })
  switch (typeId) {
    case 'BOOLEAN': {
      if (typeof v === 'boolean') return v
      const s = String(v).toLowerCase()
      if (['true', 'on', '1', 'yes', 't'].includes(s)) return true
      if (['false', 'off', '0', 'no', 'f'].includes(s)) return false
      throw bad()
    }
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DOUBLE': case 'REAL': {
      const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
      if (!Number.isFinite(n)) throw bad()
      return n
    }
    case 'BIGINT': {
      if (typeof v === 'bigint') return v
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
      if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return BigInt(v.trim())
      throw bad()
    }
    case 'VARCHAR': return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
    default: return v
  }
}
