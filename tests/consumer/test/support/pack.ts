import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from './run.ts';
import { type Manifest, readManifest, type WorkspacePackage } from './workspace.ts';

export interface PackedPackage {
  folder: string;
  name: string;
  /** The package.json in the repo (with `workspace:` and `catalog:` ranges). */
  source: Manifest;
  /** The package.json inside the tarball, as npm will see it. */
  published: Manifest;
  tarball: string;
  /** The tarball unpacked: the files a user gets. */
  root: string;
}

/**
 * `pnpm pack` for each package (pnpm rewrites `workspace:` and `catalog:` ranges, as
 * `changeset publish` will), then unpacks each tarball to inspect what a user receives.
 */
export async function packAll(
  packages: readonly WorkspacePackage[],
  workDir: string,
): Promise<PackedPackage[]> {
  const tarballs = join(workDir, 'tarballs');
  await mkdir(tarballs, { recursive: true });
  return Promise.all(packages.map((pkg) => packOne(pkg, tarballs, join(workDir, 'unpacked'))));
}

async function packOne(
  pkg: WorkspacePackage,
  tarballs: string,
  unpackedRoot: string,
): Promise<PackedPackage> {
  for (const built of ['dist/index.js', 'dist/index.d.ts']) {
    if (!existsSync(join(pkg.dir, built))) {
      throw new Error(
        `${pkg.manifest.name} has no ${built}: run \`pnpm build\` first (\`turbo run test\` builds every package before this test)`,
      );
    }
  }
  const { stdout } = await runOk('pnpm', ['pack', '--json', '--pack-destination', tarballs], {
    cwd: pkg.dir,
  });
  const { filename } = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { filename: string };
  const dest = join(unpackedRoot, pkg.folder);
  await mkdir(dest, { recursive: true });
  await runOk('tar', ['-xzf', filename, '-C', dest], { cwd: dest });
  const root = join(dest, 'package');
  return {
    folder: pkg.folder,
    name: pkg.manifest.name,
    source: pkg.manifest,
    published: readManifest(root),
    tarball: filename,
    root,
  };
}
