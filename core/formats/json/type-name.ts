/**
 * Type names given as text in reader options (`columns = {'a': 'INTEGER[]'}`) → LogicalType,
 * through the same parser and built-in type registry the binder uses.
 */
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import { Hooks } from '../../hooks/registry.ts'
import type { TypeName } from '../../parser/ast.ts'
import { Cursor } from '../../parser/cursor.ts'
import { parseTypeName } from '../../parser/type-names.ts'
import { registerBuiltinTypes } from '../../types/builtin-types.ts'
import { type LogicalType, array, list, struct } from '../../types/types.ts'

let builtinTypes: Hooks | null = null

export function typeFromText(text: string): LogicalType {
  const hooks = builtinTypes ?? (builtinTypes = new Hooks(), registerBuiltinTypes(builtinTypes), builtinTypes)
  let parsed: TypeName
  try {
    const p = new Cursor(text)
    parsed = parseTypeName(p)
    if (!p.atEnd()) throw p.unexpected()
  } catch (e) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `"${text}" is not a type name`, { hint: "write a SQL type, e.g. 'INTEGER', 'VARCHAR[]', 'STRUCT(a INT)'", cause: e })
  }
  return resolve(hooks, parsed)
}

function resolve(hooks: Hooks, t: TypeName): LogicalType {
  let base: LogicalType
  if (t.name === 'STRUCT' || t.name === 'ROW') base = struct(t.fields.map(f => ({ name: f.name, type: resolve(hooks, f.type) })))
  else if (t.name === 'LIST' && t.fields.length === 1) base = list(resolve(hooks, t.fields[0]!.type))
  else {
    const def = hooks.type(t.name)
    if (def === undefined) {
      throw new GrizzlyError(SqlState.undefinedObject, `type "${t.name}" does not exist`, { hint: didYouMean(t.name, hooks.typeNames()) })
    }
    base = def.resolve(t.params)
  }
  for (const dim of t.arrayDims) base = dim === null ? list(base) : array(base, dim)
  return base
}
