import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PackedPackage } from './pack.ts';
import type { ReadmeExample } from './readmeExamples.ts';
import { runOk } from './run.ts';
import { fixtureDir, installedVersion } from './workspace.ts';

/**
 * A user's project outside the workspace: the fixture's sources, the README examples, and a
 * package.json with the tarballs plus what the READMEs' install lines add by hand (zod, tRPC, the
 * openai SDK; TypeScript and @types/node), at the ranges the tarballs declare as peers.
 */
export async function createConsumerProject(
  workDir: string,
  packed: readonly PackedPackage[],
  examples: readonly ReadmeExample[],
): Promise<string> {
  const app = join(workDir, 'app');
  await mkdir(app, { recursive: true });
  await cp(fixtureDir, app, { recursive: true });
  for (const example of examples) {
    const file = join(app, example.file);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `// ${example.origin}\n${example.code}`);
    // Blocks import `./server.js`; a README without a `// server.ts` block gets the fixture's.
    const server = join(dirname(file), 'server.ts');
    if (!examples.some((other) => join(app, other.file) === server) && !existsSync(server)) {
      await cp(join(fixtureDir, 'src', 'server.ts'), server);
    }
  }
  const manifest = {
    name: 'agentmint-consumer',
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`])),
      ...Object.fromEntries(USER_INSTALLED.map((name) => [name, peerRange(packed, name)])),
    },
    devDependencies: {
      // The AG-UI client of the AG-UI README example.
      '@ag-ui/client': installedVersion('@ag-ui/client'),
      '@types/node': installedVersion('@types/node'),
      typescript: installedVersion('typescript'),
    },
  };
  await writeFile(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return app;
}

/** Peers the READMEs tell users to install next to the AgentMint packages. */
const USER_INSTALLED = [
  'zod',
  '@trpc/server',
  '@trpc/client',
  'openai',
  '@ag-ui/core',
  '@ag-ui/encoder',
  '@modelcontextprotocol/sdk',
] as const;

function peerRange(packed: readonly PackedPackage[], name: string): string {
  const range = packed.find((pkg) => pkg.published.peerDependencies?.[name] !== undefined)
    ?.published.peerDependencies?.[name];
  if (range === undefined) throw new Error(`no package declares ${name} as a peer`);
  return range;
}

/**
 * Plain npm, from the registry, through the machine's npm cache. The linked (isolated) layout
 * lets each package see only what it declares, so an undeclared dependency fails at run time
 * instead of being found by luck in a hoisted node_modules.
 */
export async function npmInstall(app: string): Promise<void> {
  await runOk(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--loglevel=error',
      '--install-strategy=linked',
    ],
    { cwd: app, timeoutMs: 180_000 },
  );
}
