// A Vite build plugin: adds the lazy chunks some screens need (and everything they import,
// their CSS included) to the service worker's precache, so those screens open offline from a
// cold start without being in the first load; and the entry's own stylesheets. It uses vite-plugin-pwa's documented
// `extendManifestEntries` API; the file names are only known once the bundle exists.

/** A workbox glob (`*`, `{a,b}`) as a RegExp over a path relative to the output directory. */
function globToRegExp(glob) {
  const source = glob
    .split(/(\*|\{[^}]*\})/)
    .map((part) => {
      if (part === '*') return '[^/]*';
      if (part.startsWith('{')) return `(?:${part.slice(1, -1).split(',').map(escape).join('|')})`;
      return escape(part);
    })
    .join('');
  return new RegExp(`^${source}$`);
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * @param {{ entries: RegExp[]; shell?: string[] }} options `entries`: modules (by id) whose
 *   chunks must be precached; `shell`: the precache's own globPatterns (files they match are
 *   there already, with a revision: listing them twice would make the service worker fail).
 * @returns {import('vite').Plugin}
 */
export function precacheChunks({ entries, shell = [] }) {
  const inShell = shell.map(globToRegExp);
  /** @type {{ extendManifestEntries(fn: (list: Array<string | { url: string; revision: string | null }>) => Array<string | { url: string; revision: string | null }> | undefined): void } | undefined} */
  let pwa;
  return {
    name: 'vneid-precache-chunks',
    apply: 'build',
    configResolved(config) {
      pwa = config.plugins.find((p) => p.name === 'vite-plugin-pwa')?.api;
    },
    generateBundle(_options, bundle) {
      if (!pwa) return;
      const files = new Set();
      const visit = (fileName) => {
        const chunk = bundle[fileName];
        // The entry chunk is in the shell's precache already.
        if (!chunk || chunk.type !== 'chunk' || chunk.isEntry || files.has(fileName)) return;
        files.add(fileName);
        for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
        chunk.imports.forEach(visit);
      };
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.facadeModuleId && entries.some((re) => re.test(chunk.facadeModuleId))) visit(chunk.fileName);
        // The stylesheets index.html links: the page needs them offline whatever they are named.
        if (chunk.type === 'chunk' && chunk.isEntry) for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
      }
      // Hashed names: the name is the revision.
      const added = [...files]
        .filter((url) => !inShell.some((re) => re.test(url)))
        .sort()
        .map((url) => ({ url, revision: null }));
      pwa.extendManifestEntries((list) => [
        ...list.filter((e) => typeof e === 'string' || !added.some((a) => a.url === e.url)),
        ...added,
      ]);
    },
  };
}
