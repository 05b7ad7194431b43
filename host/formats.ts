/**
 * Format readers from extensions (sdk FormatSpec) as core FormatDefs. The sandbox never touches
 * the filesystem: the host reads a file only when a granted `fs.read:<dir>` capability covers its
 * real path (symlinks resolved), then passes the text in; the isolate parses it and hands the
 * columns back a batch at a time.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { GrizzlyError, SqlState } from '../core/errors.ts'
import type { BoundTableFunction, FormatDef, FunctionContext } from '../core/hooks/contracts.ts'
import type { Hooks } from '../core/hooks/registry.ts'
import { INTEGER, VARCHAR } from '../core/types/types.ts'
import { DataChunk, Vector, nullVector, vectorFromValues } from '../core/vector/vector.ts'
import { capabilityCovers } from '../policies/index.ts'
import type { ExtensionManifest } from '../registry/index.ts'
import { logicalTypeOf } from '../sandbox/arena.ts'
import type { ExtensionSandbox, SandboxFormat } from '../sandbox/sandbox.ts'

/** Rows per batch pulled out of the isolate. */
const BATCH_ROWS = 65_536

/** Registers the extension's formats; returns their names. */
export function registerSandboxedFormats(hooks: Hooks, sandbox: ExtensionSandbox, _manifest: ExtensionManifest, capabilities: readonly string[]): string[] {
  for (const f of sandbox.formats) hooks.registerFormat(formatDef(sandbox, f, capabilities), { extension: sandbox.name })
  return sandbox.formats.map(f => f.name)
}

function realDir(dir: string): string {
  try { return realpathSync(dir) } catch { return resolve(dir) }
}

/** The real path of `path` if a granted fs.read capability covers it; a 42501 otherwise. */
function allowedPath(sandbox: ExtensionSandbox, format: string, path: string, capabilities: readonly string[]): string {
  let real: string
  try { real = realpathSync(resolve(path)) } catch (e) {
    throw new GrizzlyError('58P01', `cannot read "${path}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { hint: 'check the path' })
  }
  const grants = capabilities.filter(c => c.startsWith('fs.read:'))
  if (grants.some(g => capabilityCovers(`fs.read:${realDir(g.slice('fs.read:'.length))}`, `fs.read:${real}`))) return real
  throw new GrizzlyError(SqlState.insufficientPrivilege, `extension "${sandbox.name}" may not read "${path}" for format ${format}`, {
    hint: grants.length === 0
      ? `grant it fs.read:<dir> under extensions.${sandbox.name}.capabilities in the policy (the manifest must ask for it too)`
      : `it may read only inside ${grants.map(g => g.slice('fs.read:'.length)).join(', ')}`,
  })
}

function formatDef(sandbox: ExtensionSandbox, f: SandboxFormat, capabilities: readonly string[]): FormatDef {
  const columns = f.columns.map(c => ({ name: c.name, type: logicalTypeOf(c.type) }))
  return {
    name: f.name,
    extensions: f.extensions,
    read(paths, options, _ctx): BoundTableFunction {
      const unknown = [...options.keys()]
      if (unknown.length > 0) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `format ${f.name} takes no option "${unknown[0]}"`, { hint: `read_${f.name}('file') takes only the path` })
      }
      // the check happens at bind time, so a refused path fails before anything runs
      const files = paths.map(p => ({ path: p, real: allowedPath(sandbox, f.name, p, capabilities) }))
      return {
        columns,
        *scan(wanted: readonly number[], ctx: FunctionContext): Iterable<DataChunk> {
          for (const file of files) yield* scanFile(sandbox, f, columns, file, wanted, ctx)
        },
      }
    },
  }
}

function* scanFile(sandbox: ExtensionSandbox, f: SandboxFormat, columns: readonly { name: string; type: Vector['type'] }[],
  file: { path: string; real: string }, wanted: readonly number[], ctx: FunctionContext): Iterable<DataChunk> {
  let text: string
  try { text = readFileSync(file.real, 'utf8') } catch (e) {
    throw new GrizzlyError('58P01', `cannot read "${file.path}": ${(e as Error).message}`)
  }
  const parsed = sandbox.callScalar(f.parse, [vectorFromValues(VARCHAR, [text]), vectorFromValues(VARCHAR, [file.path])], 1, ctx.statementTime)
  const rows = (parsed.data as Int32Array)[0] ?? 0
  const need = new Set(wanted)
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, rows - start)
    const startArg = new Vector(INTEGER, n, new Int32Array(n).fill(start), null)
    const vectors = columns.map((c, k) => need.has(k) ? sandbox.callScalar(f.columnScalars[k]!, [startArg], n, ctx.statementTime) : nullVector(c.type, n))
    yield new DataChunk(vectors, n)
  }
}
