/**
 * A small bundler for extensions: compiles the SDK and one extension source file (TypeScript or
 * JavaScript, with TypeScript's transpileModule — no esbuild) into one self-contained script,
 * derives the manifest's `hooks` by running it once in a throwaway context, writes the bundle
 * folder and seals the manifest's digests. Signing is a separate step (signBundle).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { FORMAT_FUNCTION_PREFIX, type ExtensionDefinition } from '../sdk/index.ts'
import { BundleError } from './errors.ts'
import { ENTRY_FILE, MANIFEST_FILE, SIGNATURE_FILE } from './manifest.ts'
import type { ExtensionManifest, HookRef } from './manifest.ts'
import { sealManifest } from './signing.ts'

interface TypeScriptLike {
  transpileModule(input: string, options: { compilerOptions: Record<string, unknown>; fileName?: string; reportDiagnostics?: boolean }): { outputText: string; diagnostics?: readonly { messageText: unknown }[] }
  ModuleKind: { CommonJS: number }
  ScriptTarget: { ES2022: number }
}

/** Import specifiers that mean the SDK inside a bundle. */
const SDK_SPECIFIER = /^(grizzly-db\/sdk|.*\/sdk(\/index(\.ts|\.js)?)?)$/

let typescript: TypeScriptLike | undefined

function ts(): TypeScriptLike {
  if (typescript !== undefined) return typescript
  try { typescript = createRequire(import.meta.url)('typescript') as TypeScriptLike } catch (e) {
    throw new BundleError('io', 'building a bundle needs the typescript package', 'npm install --save-dev typescript', e)
  }
  return typescript
}

function toCommonJs(source: string, fileName: string): string {
  const t = ts()
  const out = t.transpileModule(source, {
    fileName, reportDiagnostics: true,
    compilerOptions: { module: t.ModuleKind.CommonJS, target: t.ScriptTarget.ES2022, removeComments: true, esModuleInterop: false },
  })
  const problem = out.diagnostics?.[0]
  if (problem !== undefined) {
    const text = typeof problem.messageText === 'string' ? problem.messageText : JSON.stringify(problem.messageText)
    throw new BundleError('bad_manifest', `cannot compile ${fileName}: ${text}`)
  }
  return out.outputText
}

let sdkCommonJs: string | undefined

/**
 * One script: the SDK as a module object, then the extension with a `require` that knows only
 * the SDK. Running it leaves the definition on globalThis.__grizzlyExtension.
 */
export function bundleSource(extensionSource: string, fileName = 'index.ts'): string {
  sdkCommonJs ??= toCommonJs(readFileSync(fileURLToPath(new URL('../sdk/index.ts', import.meta.url)), 'utf8'), 'sdk.ts')
  const ext = toCommonJs(extensionSource, fileName)
  return `(function () {
'use strict';
var sdk = {};
(function (exports) {
${sdkCommonJs}
})(sdk);
function require(name) {
  if (${SDK_SPECIFIER}.test(name)) return sdk;
  throw new Error('an extension bundle can import only the Grizzly SDK, not "' + name + '"');
}
var module = { exports: {} };
(function (exports, require, module) {
${ext}
})(module.exports, require, module);
if (globalThis.__grizzlyExtension === undefined) throw new Error('the extension never called defineExtension');
})();
`
}

/** Runs a bundle script in a fresh context (build time only: it is the author's own code). */
export function definitionOf(script: string): ExtensionDefinition {
  const context = createContext({})
  try { runInContext(script, context, { timeout: 5000, filename: ENTRY_FILE }) } catch (e) {
    throw new BundleError('bad_manifest', `the bundle fails when run: ${(e as Error).message}`, undefined, e)
  }
  return (context as { __grizzlyExtension: ExtensionDefinition }).__grizzlyExtension
}

export function hooksOf(def: ExtensionDefinition): HookRef[] {
  return [
    ...(def.scalars ?? []).filter(s => !s.name.startsWith(FORMAT_FUNCTION_PREFIX)).map(s => ({ kind: 'scalar' as const, name: s.name })),
    ...(def.aggregates ?? []).map(a => ({ kind: 'aggregate' as const, name: a.name })),
    ...(def.formats ?? []).map(f => ({ kind: 'format' as const, name: f.name })),
  ].filter((h, i, all) => all.findIndex(o => o.kind === h.kind && o.name === h.name) === i)
}

export interface BuildOptions {
  /** the extension's source file (.ts or .js) */
  readonly entry: string
  readonly outDir: string
  /** manifest.json fields; `files` is computed and `hooks` derived when absent */
  readonly manifest: Omit<ExtensionManifest, 'files' | 'hooks'> & { readonly hooks?: readonly HookRef[] }
  /** extra files: bundle name → source path */
  readonly assets?: Readonly<Record<string, string>>
}

/** Writes an unsigned bundle folder and returns its sealed manifest. */
export function buildBundle(options: BuildOptions): ExtensionManifest {
  let source: string
  try { source = readFileSync(options.entry, 'utf8') } catch (e) { throw new BundleError('io', `cannot read ${options.entry}: ${(e as Error).message}`, undefined, e) }
  const script = bundleSource(source, options.entry)
  const def = definitionOf(script)
  const { name, version } = options.manifest
  if (def.name !== name || def.version !== version) {
    throw new BundleError('bad_manifest', `the code defines ${def.name} ${def.version} but the manifest says ${name} ${version}`)
  }
  rmSync(options.outDir, { recursive: true, force: true })
  mkdirSync(options.outDir, { recursive: true })
  writeFileSync(join(options.outDir, ENTRY_FILE), script)
  for (const [asset, from] of Object.entries(options.assets ?? {})) {
    if (asset === ENTRY_FILE || asset === MANIFEST_FILE || asset === SIGNATURE_FILE) throw new BundleError('bad_manifest', `asset name ${asset} is reserved`)
    mkdirSync(dirname(join(options.outDir, asset)), { recursive: true })
    cpSync(from, join(options.outDir, asset))
  }
  const manifest = { ...options.manifest, hooks: options.manifest.hooks ?? hooksOf(def), files: {} }
  writeFileSync(join(options.outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
  return sealManifest(options.outDir)
}
