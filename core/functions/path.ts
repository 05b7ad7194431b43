/**
 * File path parsing as DuckDB does it: parse_path (the components), parse_dirname (the first
 * component), parse_dirpath (everything before the last separator) and parse_filename (after it,
 * optionally without the extension). The separator option is 'system' or 'forward_slash' (/),
 * 'backslash' (\), else both — also for 'both_slash', NULL or an unknown word.
 */
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
import { BOOLEAN, VARCHAR, list } from '../types/types.ts'
import { Vector, VectorBuilder } from '../vector/vector.ts'

function separators(option: string | null): string {
  switch (option) {
    case 'system': case 'forward_slash': return '/'
    case 'backslash': return '\\'
    default: return '/\\'
  }
}

function firstSeparator(s: string, seps: string, from = 0): number {
  for (let i = from; i < s.length; i++) if (seps.includes(s[i]!)) return i
  return -1
}

function lastSeparator(s: string, seps: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (seps.includes(s[i]!)) return i
  return -1
}

/** The components; a leading separator is one component of its own, empty ones are dropped. */
export function parsePath(s: string, seps: string): string[] {
  const out: string[] = []
  let start = 0
  for (;;) {
    const at = firstSeparator(s, seps, start)
    if (at < 0) break
    if (at === 0) out.push(s[0]!)
    else if (at > start) out.push(s.slice(start, at))
    start = at + 1
  }
  if (start < s.length) out.push(s.slice(start))
  return out
}

export function parseDirname(s: string, seps: string): string {
  const at = firstSeparator(s, seps)
  return at < 0 ? '' : at === 0 ? s[0]! : s.slice(0, at)
}

export function parseDirpath(s: string, seps: string): string {
  const at = lastSeparator(s, seps)
  return at < 0 ? '' : at === 0 ? s[0]! : s.slice(0, at)
}

/** After the last separator; trimExtension cuts at the last '.' when it lies in the name. */
export function parseFilename(s: string, seps: string, trimExtension: boolean): string {
  const begin = lastSeparator(s, seps) + 1
  const dot = trimExtension ? s.lastIndexOf('.') : -1
  return s.slice(begin, dot >= begin ? dot : s.length)
}

/** NULL options fall back to their defaults; only a NULL path gives NULL. */
function optionalText(v: Vector | undefined, i: number): string | null {
  return v === undefined || !v.isValid(i) ? null : (v.data as string[])[i]!
}

function pathKernel(f: (s: string, seps: string, trim: boolean) => string | string[], trimAt: number, sepAt: number): ScalarKernel {
  return (args, count) => {
    const paths = args[0]!
    const b = new VectorBuilder(f === parsePath ? list(VARCHAR) : VARCHAR, count)
    for (let i = 0; i < count; i++) {
      if (!paths.isValid(i)) { b.push(null); continue }
      const trimArg = args[trimAt]
      const trim = trimArg !== undefined && trimArg.isValid(i) && (trimArg.data as Uint8Array)[i] === 1
      b.push(f((paths.data as string[])[i]!, separators(optionalText(args[sepAt], i)), trim))
    }
    return b.finish()
  }
}

export function registerPathFunctions(hooks: Hooks): void {
  const reg = (name: string, overloads: Parameters<Hooks['registerScalar']>[0]['overloads'], description: string) =>
    hooks.registerScalar({ name, nulls: 'handle', volatility: 'immutable', overloads, description })
  const V = VARCHAR
  const split = pathKernel(parsePath, -1, 1)
  reg('parse_path', [
    { args: [V], returns: list(V), invoke: split }, { args: [V, V], returns: list(V), invoke: split },
  ], "the components of a path: parse_path('/a/b.csv') = [/, a, b.csv]")
  const dirname = pathKernel(parseDirname, -1, 1)
  reg('parse_dirname', [{ args: [V], returns: V, invoke: dirname }, { args: [V, V], returns: V, invoke: dirname }],
    'the first component of a path')
  const dirpath = pathKernel(parseDirpath, -1, 1)
  reg('parse_dirpath', [{ args: [V], returns: V, invoke: dirpath }, { args: [V, V], returns: V, invoke: dirpath }],
    'the path up to its last separator')
  reg('parse_filename', [
    { args: [V], returns: V, invoke: pathKernel(parseFilename, -1, -1) },
    { args: [V, V], returns: V, invoke: pathKernel(parseFilename, -1, 1) },
    { args: [V, BOOLEAN], returns: V, invoke: pathKernel(parseFilename, 1, -1) },
    { args: [V, BOOLEAN, V], returns: V, invoke: pathKernel(parseFilename, 1, 2) },
  ], 'the last component of a path, optionally without its extension')
}
