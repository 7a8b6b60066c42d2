import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PackedPackage } from './pack.ts';
import { runOk } from './run.ts';
import { consumerDir, installedVersion, type Manifest } from './workspace.ts';

/** The AgentMint packages a front end with its server's router type installs. */
const WEB_PACKAGES = ['@agentmint/client', '@agentmint/core', '@agentmint/trpc'] as const;

/**
 * A user's React + Vite + React Query app outside the workspace: fixture-web/ plus the tarballs.
 * zod comes at the tarballs' peer range; `@trpc/client` and `@trpc/server` are left to npm's peer
 * install, so their versions are the ones `@trpc/tanstack-react-query` (latest) settles on.
 */
export async function createWebProject(
  workDir: string,
  packed: readonly PackedPackage[],
): Promise<string> {
  const app = join(workDir, 'web');
  await cp(join(consumerDir, 'fixture-web'), app, { recursive: true });
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  const tarball = (name: string) => {
    const pkg = packed.find((candidate) => candidate.name === name);
    if (!pkg) throw new Error(`${name} was not packed`);
    return `file:${pkg.tarball}`;
  };
  const zod = packed.find((pkg) => pkg.name === '@agentmint/trpc')?.published.peerDependencies?.zod;
  manifest.dependencies = {
    ...manifest.dependencies,
    ...Object.fromEntries(WEB_PACKAGES.map((name) => [name, tarball(name)])),
    ...(zod && { zod }),
  };
  manifest.devDependencies = {
    ...manifest.devDependencies,
    typescript: installedVersion('typescript'),
  };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return app;
}

/** `npm install` exactly as a user types it: no flags (no --legacy-peer-deps, no --force). */
export async function plainNpmInstall(app: string): Promise<void> {
  await runOk('npm', ['install'], { cwd: app, timeoutMs: 300_000 });
}

interface ViteManifestChunk {
  readonly file: string;
  readonly imports?: readonly string[];
  readonly css?: readonly string[];
}

/** The files a built page loads (its entry chunk and every static import, CSS included). */
export async function pageFiles(app: string, page: string): Promise<string[]> {
  const dist = join(app, 'dist');
  const manifest = JSON.parse(
    await readFile(join(dist, '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, ViteManifestChunk>;
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(page);
  if (files.size === 0) throw new Error(`${page} is not in the Vite manifest`);
  return [...files].map((file) => join(dist, file));
}

/** Bytes after gzip (level 9, as a CDN would serve them) of all `files` together. */
export async function gzipBytes(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const file of files) total += gzipSync(await readFile(file), { level: 9 }).byteLength;
  return total;
}
