/**
 * PREPARE / EXECUTE / DEALLOCATE: the session keeps prepared statements (core/database.ts);
 * the binder only computes EXECUTE's argument values, with their types, as constants.
 */
import type { DeallocateStatement, ExecuteStatement, PrepareStatement } from '../parser/ast.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { ExprBinder } from './expression.ts'
import { resolveTypeName } from './literals.ts'
import { Scope } from './scope.ts'

export function bindPrepared(b: Binder, stmt: PrepareStatement | ExecuteStatement | DeallocateStatement): BoundStatement {
  switch (stmt.kind) {
    case 'prepare':
      return {
        kind: 'prepare', name: stmt.name, statement: stmt.statement, text: stmt.text, parameterCount: stmt.parameterCount,
        types: stmt.types.map(t => resolveTypeName(b.ctx.hooks, t)),
      }
    case 'execute': {
      const eb = new ExprBinder(b, new Scope(null, false), null, { clause: 'EXECUTE' })
      const args = stmt.args.map(a => {
        const bound = eb.bind(a)
        return { type: bound.type, value: b.constantValue(bound, 'an EXECUTE argument', a.pos) }
      })
      return { kind: 'execute', name: stmt.name, args, pos: stmt.pos }
    }
    case 'deallocate': return { kind: 'deallocate', name: stmt.name }
  }
}
