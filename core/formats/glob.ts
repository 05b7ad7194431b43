/**
 * glob('pattern' | ['p1', …]): the files a pattern names, one row each in column `file`, sorted
 * per pattern (DuckDB's table function). A pattern that matches nothing gives no rows; a plain
 * path gives itself when the file exists.
 */
import { statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { globSync, isDynamicPattern } from 'tinyglobby'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { TableFunctionDef } from '../hooks/contracts.ts'
import { VARCHAR } from '../types/types.ts'
import { CHUNK_SIZE, DataChunk, vectorFromValues } from '../vector/vector.ts'

function isFile(path: string): boolean {
  try { return statSync(path).isFile() } catch { return false }
}

export function globFiles(pattern: string): string[] {
  if (!isDynamicPattern(pattern)) return isFile(pattern) ? [pattern] : []
  return globSync(pattern, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(pattern) }).sort()
}

export const globFunction: TableFunctionDef = {
  name: 'glob',
  description: "glob('dir/*.csv'): the matching files, one per row in column file",
  bind(call) {
    const arg = call.positional[0]
    const hint = "e.g. SELECT file FROM glob('data/*.csv')"
    if (call.positional.length !== 1 || call.named.size > 0 || arg === undefined) {
      throw new GrizzlyError(SqlState.undefinedFunction, 'glob takes one pattern or a list of patterns', { hint })
    }
    const patterns = Array.isArray(arg.value) ? arg.value : [arg.value]
    if (!patterns.every((p): p is string => typeof p === 'string')) {
      throw new GrizzlyError(SqlState.invalidParameterValue, 'glob patterns must be non-NULL text', { hint })
    }
    const files = patterns.flatMap(globFiles)
    return {
      columns: [{ name: 'file', type: VARCHAR }],
      estimatedRows: files.length,
      *scan(cols) {
        for (let start = 0; start < files.length; start += CHUNK_SIZE) {
          const part = files.slice(start, start + CHUNK_SIZE)
          const v = vectorFromValues(VARCHAR, part)
          yield new DataChunk(cols.map(() => v), part.length)
        }
      },
    }
  },
}
