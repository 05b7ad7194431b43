/**
 * `grizzly ext …`: the extension author's and operator's commands around the registry —
 * scaffold, build, sign, publish, install and list signed bundles (DESIGN §6).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { GrizzlyError } from '../core/errors.ts'
import { buildBundle } from '../registry/bundle.ts'
import {
  install, listInstalled, listPublished, loadPolicyFile, publish, signBundle, signModel, trustFromPolicy, writeKeyPair,
  type ExtensionManifest,
} from '../registry/index.ts'

export const EXT_USAGE = `usage: grizzly ext <command> …

  init <name> [DIR]                      scaffold an extension project (index.ts + manifest.json)
  build [DIR] [--out BUNDLE_DIR]         bundle DIR/index.ts with the SDK into BUNDLE_DIR (default DIR/dist)
  keygen <PATH>                          write an ed25519 key pair to PATH.pub and PATH.key
  sign <BUNDLE_DIR> --key <PATH.key>     sign every file of a bundle
  sign-model <MODEL_FILE> --key <PATH.key>
                                         write MODEL_FILE.sig (for policies that require signed models)
  publish <BUNDLE_DIR> --registry <DIR> --key <REGISTRY.key>
                                         copy a signed bundle into a local registry and re-sign its index
  list --registry <DIR> | --installed <DIR>
  install <NAME> [--version RANGE] --registry <DIR> --into <DIR> --policy <POLICY.json> [--registry-key HEX]
                                         verify against the policy's trusted keys and install; records the lock file`

class ExtUsageError extends Error {}

function flags(args: readonly string[]): { positional: string[]; named: Map<string, string> } {
  const positional: string[] = []
  const named = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.startsWith('--')) {
      const v = args[++i]
      if (v === undefined) throw new ExtUsageError(`${a} needs a value`)
      named.set(a.slice(2), v)
    } else positional.push(a)
  }
  return { positional, named }
}

function need(named: Map<string, string>, name: string): string {
  const v = named.get(name)
  if (v === undefined) throw new ExtUsageError(`--${name} is required`)
  return v
}

function readKeyFile(path: string): string {
  try { return readFileSync(path, 'utf8').trim() } catch (e) {
    throw new GrizzlyError('58030', `cannot read key file ${path}: ${(e as Error).message}`, { hint: 'create one with grizzly ext keygen PATH' })
  }
}

const TEMPLATE = (name: string) => `import { defineExtension, doubleColumn } from 'grizzly-db/sdk'

// A vectorized scalar: one call per batch of rows, never one per row.
export default defineExtension({
  name: '${name}',
  version: '0.1.0',
  scalars: [{
    name: '${name}_double',
    args: ['DOUBLE'],
    returns: 'DOUBLE',
    invoke([x], length) {
      const input = x!.values as Float64Array
      const out = new Float64Array(length)
      for (let i = 0; i < length; i++) out[i] = input[i]! * 2
      return doubleColumn(out, x!.validity)
    },
  }],
  // An aggregate: per-group state lives inside the sandbox; update sees one non-NULL row at a time.
  aggregates: [{
    name: '${name}_sum_squares',
    args: ['DOUBLE'],
    returns: 'DOUBLE',
    init: () => 0,
    update: (state, [x], row) => (state as number) + (x!.values as Float64Array)[row]! ** 2,
    combine: (a, b) => (a as number) + (b as number),
    finalize: state => state as number,
  }],
})
`

export function runExt(args: readonly string[], write: (s: string) => void): number {
  const [command, ...rest] = args
  try {
    const { positional, named } = flags(rest)
    switch (command) {
      case 'init': {
        const name = positional[0]
        if (name === undefined || !/^[a-z][a-z0-9_]*$/.test(name)) throw new ExtUsageError('init needs a lower-case name (letters, digits, _)')
        const dir = resolve(positional[1] ?? name)
        if (existsSync(join(dir, 'manifest.json'))) throw new GrizzlyError('42710', `${dir} already holds an extension`, { hint: 'pick another folder' })
        mkdirSync(dir, { recursive: true })
        writeFileSync(join(dir, 'index.ts'), TEMPLATE(name))
        const manifest = { name, version: '0.1.0', engine: '^1.0.0', description: `the ${name} extension`, publisher: '', capabilities: [], limits: { heapMb: 64, cpuMsPerCall: 1000, wallMsPerStatement: 10000 } }
        writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
        write(`created ${dir}: edit index.ts, then grizzly ext build ${basename(dir)}\n`)
        return 0
      }
      case 'build': {
        const dir = resolve(positional[0] ?? '.')
        const out = resolve(named.get('out') ?? join(dir, 'dist'))
        const template = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Omit<ExtensionManifest, 'files' | 'hooks'>
        const m = buildBundle({ entry: join(dir, 'index.ts'), outDir: out, manifest: template })
        write(`built ${m.name} ${m.version} into ${out} (${Object.keys(m.files).length} files, unsigned)\n`)
        return 0
      }
      case 'keygen': {
        const path = positional[0]
        if (path === undefined) throw new ExtUsageError('keygen needs a PATH')
        const pair = writeKeyPair(path)
        write(`wrote ${path}.pub and ${path}.key (public key ${pair.publicKey})\n`)
        return 0
      }
      case 'sign': {
        const dir = positional[0]
        if (dir === undefined) throw new ExtUsageError('sign needs a BUNDLE_DIR')
        const sig = signBundle(dir, readKeyFile(need(named, 'key')))
        write(`signed ${dir} with ${sig.publicKey}\n`)
        return 0
      }
      case 'sign-model': {
        const file = positional[0]
        if (file === undefined) throw new ExtUsageError('sign-model needs a MODEL_FILE')
        const sig = signModel(file, readKeyFile(need(named, 'key')))
        write(`signed ${file} with ${sig.publicKey} (${file}.sig)\n`)
        return 0
      }
      case 'publish': {
        const dir = positional[0]
        if (dir === undefined) throw new ExtUsageError('publish needs a BUNDLE_DIR')
        const r = publish(need(named, 'registry'), dir, readKeyFile(need(named, 'key')))
        write(`published ${r.name} ${r.version}\n`)
        return 0
      }
      case 'list': {
        const registry = named.get('registry'), installed = named.get('installed')
        if (registry !== undefined) for (const p of listPublished(registry)) write(`${p.name}\t${p.version}\n`)
        else if (installed !== undefined) for (const i of listInstalled(installed)) write(`${i.name}\t${i.entry.version}\n`)
        else throw new ExtUsageError('list needs --registry DIR or --installed DIR')
        return 0
      }
      case 'install': {
        const name = positional[0]
        if (name === undefined) throw new ExtUsageError('install needs a NAME')
        const policy = loadPolicyFile(need(named, 'policy'))
        const r = install(need(named, 'registry'), name, named.get('version') ?? '*', need(named, 'into'), trustFromPolicy(policy, named.get('registry-key')))
        write(`installed ${r.name} ${r.version}\n`)
        return 0
      }
      default:
        throw new ExtUsageError(command === undefined ? 'a command is needed' : `unknown command "${command}"`)
    }
  } catch (e) {
    if (e instanceof ExtUsageError) { process.stderr.write(`grizzly ext: ${e.message}\n\n${EXT_USAGE}\n`); return 2 }
    if (e instanceof GrizzlyError) {
      process.stderr.write(`Error [${e.code}]: ${e.message}${e.hint === undefined ? '' : `\nHINT: ${e.hint}`}\n`)
      return 1
    }
    throw e
  }
}
