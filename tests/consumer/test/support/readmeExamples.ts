import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot, type WorkspacePackage } from './workspace.ts';

export interface ReadmeExample {
  /** Where the block came from, e.g. `packages/core/README.md:12`. */
  origin: string;
  /** Path inside the consumer project, e.g. `readme/core/example1.ts`. */
  file: string;
  code: string;
}

const TS_BLOCK = /^```ts[^\S\n]*\n([\s\S]*?)^```/gm;
// A block whose first line is `// server.ts` is written under that name, so another block
// can `import type { AppRouter } from './server.js'`.
const FILE_NAME = /^\/\/ ([\w-]+\.ts)\s*\n/;

/** The ```ts blocks of the root README and every published package's README. */
export function readmeExamples(packages: readonly WorkspacePackage[]): ReadmeExample[] {
  const readmes = [
    { folder: 'root', path: join(repoRoot, 'README.md') },
    ...packages.map((pkg) => ({ folder: pkg.folder, path: join(pkg.dir, 'README.md') })),
  ];
  return readmes.flatMap(({ folder, path }) => {
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(TS_BLOCK)].map((match, index): ReadmeExample => {
      const code = match[1] ?? '';
      const line = text.slice(0, match.index).split('\n').length;
      const name = FILE_NAME.exec(code)?.[1] ?? `example${index + 1}.ts`;
      return {
        origin: `${relative(repoRoot, path)}:${line}`,
        file: `readme/${folder}/${name}`,
        code,
      };
    });
  });
}
