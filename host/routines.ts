/**
 * Procedural-language routines (CREATE FUNCTION … LANGUAGE javascript | wasm): each becomes a
 * small extension script run in its own sandbox. The user's body is never spliced into source
 * text: it crosses as a JSON string and is compiled once inside the isolate (`Function`, or
 * `WebAssembly.Module`), and the loop around it — generated from the declared types only — runs
 * over the whole batch inside the isolate, so the host makes one call per batch.
 */
import { createRequire } from 'node:module'
import type * as TypeScript from 'typescript'
import { GrizzlyError, SqlState } from '../core/errors.ts'
import type { RoutineDefinition } from '../core/extensions/host.ts'

/** What procedural functions take and return (the sandbox's numeric arrays are for bundled extensions) */
const ROUTINE_TYPES = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR'] as const
type SandboxType = (typeof ROUTINE_TYPES)[number]
function isSandboxType(t: string): t is SandboxType { return (ROUTINE_TYPES as readonly string[]).includes(t) }

export const INVALID_FUNCTION_DEFINITION = '42P13'

// loaded on first use: the TypeScript parser costs ≈0.5 s and only function bodies need it
let typescript: typeof TypeScript | null = null
function tsModule(): typeof TypeScript {
  typescript ??= createRequire(import.meta.url)('typescript') as typeof TypeScript
  return typescript
}

/** Reads argument k of row i as a JS value, per SQL type. */
function reader(type: SandboxType, k: number): string {
  switch (type) {
    case 'BOOLEAN': return `(a${k}[i] === 1)`
    case 'INTEGER': case 'DOUBLE': case 'BIGINT': return `a${k}[i]`
    case 'VARCHAR': return `readString(c${k}, i)`
  }
}

/** The same for an aggregate's step, which sees one row at a time inside the isolate. */
function rowReader(type: SandboxType, k: number): string {
  switch (type) {
    case 'BOOLEAN': return `(args[${k}].values[row] === 1)`
    case 'INTEGER': case 'DOUBLE': case 'BIGINT': return `args[${k}].values[row]`
    case 'VARCHAR': return `readString(args[${k}].values, row)`
  }
}

/** Stores `r` as row i of the result, or throws a TypeError naming the row. */
function writer(type: SandboxType): string {
  const bad = (what: string) => `throw new TypeError('row ' + i + ': returned ' + describe(r) + ', not ${what}')`
  switch (type) {
    case 'DOUBLE': return `if (typeof r === 'number') out[i] = r; else if (typeof r === 'bigint') out[i] = Number(r); else ${bad('a number')};`
    case 'INTEGER': return `if (typeof r === 'number' && (r | 0) === r) out[i] = r; else if (typeof r === 'boolean') out[i] = r ? 1 : 0; else ${bad('a 32-bit integer')};`
    case 'BIGINT': return `if (typeof r === 'bigint') out[i] = BigInt.asIntN(64, r); else if (typeof r === 'number' && Number.isSafeInteger(r)) out[i] = BigInt(r); else ${bad('an integer')};`
    case 'BOOLEAN': return `if (typeof r === 'boolean') out[i] = r ? 1 : 0; else ${bad('a boolean')};`
    case 'VARCHAR': return `out[i] = typeof r === 'string' ? r : String(r);`
  }
}

function outArray(type: SandboxType): string {
  switch (type) {
    case 'DOUBLE': return 'new Float64Array(n)'
    case 'INTEGER': return 'new Int32Array(n)'
    case 'BIGINT': return 'new BigInt64Array(n)'
    case 'BOOLEAN': return 'new Uint8Array(n)'
    case 'VARCHAR': return 'new Array(n)'
  }
}

function sandboxType(t: string, where: string): SandboxType {
  if (isSandboxType(t)) return t
  throw new GrizzlyError(SqlState.featureNotSupported, `${where} has type ${t}, which procedural functions do not take yet`, {
    hint: 'use BOOLEAN, INTEGER, BIGINT, DOUBLE or VARCHAR (cast other types in SQL)',
  })
}

const PRELUDE = `
function describe(v) { try { return typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : typeof v === 'bigint' ? v + 'n' : String(v); } catch (e) { return typeof v; } }
`

/** The scalar loop: NULL rows (any argument NULL) are skipped; a null/undefined result is NULL. */
function scalarLoop(def: RoutineDefinition, args: readonly SandboxType[], returns: SandboxType, call: string): string {
  const setup = args.map((t, k) => t === 'VARCHAR' ? `const c${k} = args[${k}].values;` : `const a${k} = args[${k}].values;`).join(' ')
  const callArgs = args.map((t, k) => reader(t, k)).join(', ')
  const result = returns === 'VARCHAR' ? 'varcharColumn(out.map((s, j) => valid !== null && valid[j] === 0 ? null : s))' : `{ type: ${JSON.stringify(returns)}, length: n, values: out, validity: valid }`
  return `{
    name: ${JSON.stringify(def.name)}, args: ${JSON.stringify(args)}, returns: ${JSON.stringify(returns)}, volatility: 'volatile',
    invoke(args, n) {
      ${setup}
      const inValid = combineValidity(args, n);
      const out = ${outArray(returns)};
      let valid = inValid === null ? null : Uint8Array.from(inValid);
      for (let i = 0; i < n; i++) {
        if (inValid !== null && inValid[i] === 0) continue;
        const r = ${call}(${callArgs});
        if (r === null || r === undefined) { if (valid === null) valid = new Uint8Array(n).fill(1); valid[i] = 0; continue; }
        ${writer(returns)}
      }
      return ${result};
    },
  }`
}

/** Extension source for a routine, to run in a sandbox named `extensionName`. */
export function routineScript(def: RoutineDefinition, extensionName: string): string {
  const args = def.params.map((p, k) => sandboxType(p.type, `parameter ${k + 1} (${p.name})`))
  const returns = sandboxType(def.returns, 'the result')
  const paramNames = def.params.map(p => p.name)
  const header = `${PRELUDE}\nconst __body = ${JSON.stringify(def.body)};\n`
  if (def.language === 'wasm') {
    for (const t of [...args, returns]) {
      if (t === 'VARCHAR' || t === 'BOOLEAN') throw new GrizzlyError(SqlState.featureNotSupported, `LANGUAGE wasm functions take and return INTEGER, BIGINT or DOUBLE, not ${t}`, { hint: 'use LANGUAGE javascript for strings' })
    }
    const symbol = def.symbol ?? def.name
    return `${header}
const __hex = __body;
const __bytes = new Uint8Array(__hex.length / 2);
for (let j = 0; j < __bytes.length; j++) __bytes[j] = parseInt(__hex.substr(j * 2, 2), 16);
const __instance = new WebAssembly.Instance(new WebAssembly.Module(__bytes), {});
const __fn = __instance.exports[${JSON.stringify(symbol)}];
if (typeof __fn !== 'function') throw new TypeError('the module exports no function ' + ${JSON.stringify(JSON.stringify(symbol))});
defineExtension({ name: ${JSON.stringify(extensionName)}, version: '0.0.0', scalars: [${scalarLoop(def, args, returns, '__fn')}] });
`
  }
  if (def.kind === 'aggregate') {
    const readers = args.map(rowReader)
    return `${header}
const __spec = (0, eval)('(' + __body + '\\n)');
for (const k of ['init', 'step', 'combine', 'finalize']) if (typeof (__spec && __spec[k]) !== 'function') throw new TypeError('the aggregate body must be an object with functions init, step, combine and finalize; ' + k + ' is missing');
defineExtension({ name: ${JSON.stringify(extensionName)}, version: '0.0.0', aggregates: [{
  name: ${JSON.stringify(def.name)}, args: ${JSON.stringify(args)}, returns: ${JSON.stringify(returns)},
  init: () => __spec.init(),
  update: (s, args, row) => __spec.step(s, ${readers.join(', ')}),
  combine: (a, b) => __spec.combine(a, b),
  finalize: s => { const r = __spec.finalize(s); return r === undefined ? null : r; },
}] });
`
  }
  // a body that is one expression is its value; otherwise it is a function body with return
  const form = isExpression(def.body) ? `'return (' + __body + '\\n);'` : '__body'
  return `${header}
const __fn = new Function(${paramNames.map(n => JSON.stringify(n)).join(', ')}${paramNames.length > 0 ? ', ' : ''}${form});
defineExtension({ name: ${JSON.stringify(extensionName)}, version: '0.0.0', scalars: [${scalarLoop(def, args, returns, '__fn')}] });
`
}

function parseDiagnostics(source: string): readonly TypeScript.DiagnosticWithLocation[] {
  const ts = tsModule()
  const file = ts.createSourceFile('routine.js', source, ts.ScriptTarget.ESNext, false, ts.ScriptKind.JS)
  return (file as unknown as { parseDiagnostics: readonly TypeScript.DiagnosticWithLocation[] }).parseDiagnostics
}

function isExpression(body: string): boolean {
  if (/^\s*$/.test(body)) return false
  const source = `(\n${body}\n);`
  if (parseDiagnostics(source).length > 0) return false
  const ts = tsModule()
  const file = ts.createSourceFile('routine.js', source, ts.ScriptTarget.ESNext, false, ts.ScriptKind.JS)
  return file.statements.length === 1
}

/**
 * Syntax-checks a JavaScript body without running it; a problem is a 42601 GrizzlyError whose
 * position is the offset inside the body (the binder moves it into the statement).
 */
export function checkJavaScriptBody(def: RoutineDefinition): void {
  for (const p of def.params) {
    // parameters become JavaScript names in the body
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p.name)) {
      throw new GrizzlyError(INVALID_FUNCTION_DEFINITION, `parameter "${p.name}" of function ${def.name} is not a JavaScript identifier`, { hint: 'name parameters with letters, digits and _' })
    }
  }
  if (def.kind === 'aggregate' || isExpression(def.body)) {
    const prefix = '(\n'
    const problems = parseDiagnostics(`${prefix}${def.body}\n);`)
    if (problems.length === 0) return
    throw syntaxProblem(def, problems[0]!, prefix.length)
  }
  const prefix = `function __routine(${def.params.map(p => p.name).join(', ')}) {\n`
  const problems = parseDiagnostics(`${prefix}${def.body}\n}`)
  if (problems.length === 0) return
  throw syntaxProblem(def, problems[0]!, prefix.length)
}

function syntaxProblem(def: RoutineDefinition, d: TypeScript.DiagnosticWithLocation, prefixLength: number): GrizzlyError {
  const ts = tsModule()
  const at = Math.max(0, Math.min(def.body.length, d.start - prefixLength))
  return new GrizzlyError(SqlState.syntaxError, `syntax error in the body of function ${def.name}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`, {
    position: at, hint: def.kind === 'aggregate' ? 'the body is an object: { init: () => …, step: (state, x) => …, combine: (a, b) => …, finalize: state => … }' : 'the body is one JavaScript expression, or statements ending in return',
  })
}

/** WASM bodies: hex or base64 text, or the bytes of a file; returns lowercase hex. */
export function wasmHex(body: string | Uint8Array, name: string): string {
  let bytes: Buffer
  if (typeof body !== 'string') bytes = Buffer.from(body)
  else {
    const text = body.replace(/\s+/g, '')
    if (/^(0x)?([0-9a-fA-F]{2})+$/.test(text)) bytes = Buffer.from(text.replace(/^0x/, ''), 'hex')
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) bytes = Buffer.from(text, 'base64')
    else throw new GrizzlyError(INVALID_FUNCTION_DEFINITION, `the body of function ${name} is neither hex nor base64`, { hint: "give the module as hex, as base64, or with FROM 'file.wasm'" })
  }
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) {
    throw new GrizzlyError(INVALID_FUNCTION_DEFINITION, `the body of function ${name} is not a WebAssembly module (no \\0asm header)`, { hint: 'compile the function to a .wasm module first' })
  }
  return bytes.toString('hex')
}
