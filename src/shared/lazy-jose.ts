// jose (46 modules), loaded on first use rather than at start-up: only OAuth bearer verification and
// signed confirmations need it, both on async paths, and a stdio server answers its first
// tools/list without them (docs/performance.md, "lazy jose and yaml").
type Jose = typeof import('jose');

let loading: Promise<Jose> | undefined;
let loaded: Jose | undefined;

/** The jose module; the import runs once, later calls resolve from the cache. */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose').then((module) => (loaded = module));
  return loading;
}

/** jose's error classes once jose has been loaded (it has, wherever a jose error can exist). */
export function joseErrorsIfLoaded(): Jose['errors'] | undefined {
  return loaded?.errors;
}
