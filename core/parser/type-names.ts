/**
 * Type names as written: INTEGER, DECIMAL(10, 2), VARCHAR(20), INT[], FLOAT[3],
 * STRUCT(a INT, b VARCHAR), MAP(VARCHAR, INT), DOUBLE PRECISION, TIMESTAMP WITH TIME ZONE, …
 */
import { notSupported, syntaxError } from '../errors.ts'
import type { TypeName } from './ast.ts'
import type { Cursor } from './cursor.ts'

export function parseTypeName(p: Cursor): TypeName {
  const start = p.peek()
  if (start.type !== 'ident' && start.type !== 'quoted') throw p.unexpected(start, 'expected a type name')
  p.next()
  let word = start.text
  // schema-qualified type names (pg_catalog.int4): the last part names the type
  while (p.isOp('.') && p.isLabel(1)) { p.next(); word = p.next().text }
  let name = word.toUpperCase()
  let params: number[] = []
  let fields: { name: string; type: TypeName }[] = []

  switch (word) {
    case 'double':
      p.acceptKw('precision')
      break
    case 'character': case 'char': case 'nchar':
      if (p.acceptKw('varying')) name = 'VARCHAR'
      break
    case 'bit':
      if (p.acceptKw('varying')) name = 'BIT'
      break
    case 'national':
      if (!(p.acceptKw('character') || p.acceptKw('char'))) throw p.unexpected(undefined, 'expected CHARACTER')
      name = p.acceptKw('varying') ? 'VARCHAR' : 'CHAR'
      break
    case 'struct': case 'row': case 'union':
      if (p.isOp('(')) { fields = parseStructFields(p); name = word === 'union' ? 'UNION' : 'STRUCT' }
      break
    case 'map':
      if (p.isOp('(')) {
        p.next()
        const key = parseTypeName(p)
        p.expectOp(',')
        const value = parseTypeName(p)
        p.expectOp(')')
        fields = [{ name: '', type: key }, { name: '', type: value }]
      }
      break
    case 'enum':
      throw notSupported('ENUM types', start.pos)
    case 'interval':
      // INTERVAL YEAR TO MONTH and friends: the qualifier does not change the stored type
      if (p.isAnyKw(INTERVAL_QUALIFIERS)) {
        p.next()
        if (p.acceptKw('to')) { if (!p.isAnyKw(INTERVAL_QUALIFIERS)) throw p.unexpected(); p.next() }
      }
      break
    default:
      break
  }
  if (fields.length === 0 && p.isOp('(')) params = parseTypeParams(p)
  if (word === 'timestamp' || word === 'time') {
    if (p.isKw('with') && p.isKw('time', 1) && p.isKw('zone', 2)) {
      p.index += 3
      name = word === 'timestamp' ? 'TIMESTAMPTZ' : 'TIMETZ'
    } else if (p.isKw('without') && p.isKw('time', 1) && p.isKw('zone', 2)) {
      p.index += 3
    }
  }
  const arrayDims: (number | null)[] = []
  for (;;) {
    if (p.isOp('[')) {
      p.next()
      if (p.acceptOp(']')) { arrayDims.push(null); continue }
      const size = p.peek()
      if (size.type !== 'number' || !/^[0-9]+$/.test(size.text)) throw p.unexpected(size, 'an array size must be a positive integer')
      p.next()
      p.expectOp(']')
      arrayDims.push(Number(size.text))
      continue
    }
    if (p.isKw('array')) { p.next(); arrayDims.push(null); continue }
    break
  }
  return { pos: start.pos, name, params, fields, arrayDims }
}

const INTERVAL_QUALIFIERS: ReadonlySet<string> = new Set(['year', 'month', 'day', 'hour', 'minute', 'second'])

function parseTypeParams(p: Cursor): number[] {
  p.expectOp('(')
  const params: number[] = []
  do {
    const t = p.peek()
    let negative = false
    if (p.isOp('-')) { negative = true; p.next() }
    const num = p.peek()
    if (num.type !== 'number' || !/^[0-9]+$/.test(num.text)) {
      throw t.type === 'eof' ? p.unexpected(t) : syntaxError(`type modifiers must be integer constants, got "${p.tokenText(num)}"`, num.pos)
    }
    p.next()
    params.push(negative ? -Number(num.text) : Number(num.text))
  } while (p.acceptOp(','))
  p.expectOp(')')
  return params
}

function parseStructFields(p: Cursor): { name: string; type: TypeName }[] {
  p.expectOp('(')
  const fields: { name: string; type: TypeName }[] = []
  if (p.acceptOp(')')) return fields
  do {
    const name = p.label('field name')
    fields.push({ name, type: parseTypeName(p) })
  } while (p.acceptOp(','))
  p.expectOp(')')
  return fields
}
