/**
 * Functions a first-party extension adds, so that calling one without the extension says which
 * extension to load (as DuckDB's "it exists in the … extension" does) instead of only "does not exist".
 */
const EXTENSION_FUNCTIONS: Readonly<Record<string, string>> = Object.fromEntries([
  'array_distance', 'array_cosine_distance', 'array_cosine_similarity', 'array_inner_product', 'array_dot_product',
  'array_negative_inner_product', 'array_negative_dot_product',
].map(f => [f, 'vector']))

export function extensionHint(name: string): string | undefined {
  const extension = EXTENSION_FUNCTIONS[name]
  return extension === undefined ? undefined : `${name} comes with the ${extension} extension: LOAD EXTENSION ${extension}`
}
