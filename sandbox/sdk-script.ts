/**
 * The SDK runtime injected into every isolate ahead of an extension's code: sdk/index.ts
 * compiled once per process with TypeScript's transpileModule (CommonJS output wrapped in a
 * function), so there is no hand-kept JavaScript copy to drift from the source. Its exports
 * become globals (defineExtension, utf8, stringColumn, readString, …), so a bundle may either
 * bundle the SDK itself or use the globals.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { InternalError } from '../core/errors.ts'

let cached: string | undefined

interface TypeScriptLike {
  transpileModule(input: string, options: { compilerOptions: Record<string, unknown>; fileName?: string }): { outputText: string }
  ModuleKind: { CommonJS: number }
  ScriptTarget: { ES2022: number }
}

export function sdkScript(): string {
  if (cached !== undefined) return cached
  let ts: TypeScriptLike
  try {
    ts = createRequire(import.meta.url)('typescript') as TypeScriptLike
  } catch (cause) {
    throw new InternalError('the typescript package is needed to compile the extension SDK for the sandbox', cause)
  }
  const path = fileURLToPath(new URL('../sdk/index.ts', import.meta.url))
  const source = readFileSync(path, 'utf8')
  const js = ts.transpileModule(source, {
    fileName: 'sdk.ts',
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: true },
  }).outputText
  cached = `(function () {
  const exports = {};
  (function (exports) {${js}\n})(exports);
  for (const key of Object.keys(exports)) {
    if (key !== '__esModule') Object.defineProperty(globalThis, key, { value: exports[key], writable: true, configurable: true, enumerable: false });
  }
})();`
  return cached
}
