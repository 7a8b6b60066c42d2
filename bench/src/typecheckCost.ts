import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * What the typed client costs the type checker. For 10, 100 and 500 factories, each with its own
 * zod schema, a generated router and a client file calling every agent are checked with
 * `tsc --noEmit --extendedDiagnostics`; the baseline is the same client file with no router (an
 * untyped client, the same workspace sources loaded), checked in the same run. The router alone is
 * checked too, to tell the client's share from the server's. Growth is "at most linear" when the instantiations each extra factory
 * adds from 100 to 500 stay within 25% of what each added from 10 to 100.
 */
const SUITE = 'typecheckCost';
const SIZES = [10, 100, 500] as const;
const SMOKE_SIZES = [10] as const;

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const run = promisify(execFile);

interface Diagnostics {
  readonly checkSeconds: number;
  readonly instantiations: number;
}

type Program = 'baseline' | 'router' | 'client';

export const typecheckCostSuite: BenchSuite = {
  name: SUITE,
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'agentmint-typecheck-'));
    try {
      linkPackages(dir);
      const rows: BenchRow[] = [];
      const measured = new Map<number, Record<Program, Diagnostics>>();
      for (const size of options.smoke ? SMOKE_SIZES : SIZES) {
        const project = join(dir, `n${size}`);
        mkdirSync(project);
        writeProject(project, size);
        const repeats = options.smoke ? 1 : 2;
        const result = {
          baseline: await check(project, 'baseline', repeats),
          router: await check(project, 'router', repeats),
          client: await check(project, 'client', repeats),
        };
        measured.set(size, result);
        rows.push(...sizeRows(size, result));
      }
      rows.push(...linearityRows(measured));
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The temp dir resolves the workspace packages (their source, by the `@agentmint/source` condition). */
function linkPackages(dir: string): void {
  mkdirSync(join(dir, 'node_modules/@agentmint'), { recursive: true });
  for (const name of ['core', 'trpc', 'client']) {
    symlinkSync(join(repo, 'packages', name), join(dir, 'node_modules/@agentmint', name), 'dir');
  }
  symlinkSync(join(repo, 'packages/core/node_modules/zod'), join(dir, 'node_modules/zod'), 'dir');
}

function writeProject(project: string, size: number): void {
  const compilerOptions = {
    target: 'es2023',
    lib: ['es2023', 'DOM', 'DOM.Iterable', 'esnext.disposable'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    customConditions: ['@agentmint/source'],
    typeRoots: [join(repo, 'node_modules/@types')],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    noEmit: true,
  };
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  const files: Record<Program, string[]> = {
    baseline: ['baselineClient.ts'],
    router: ['router.ts'],
    client: ['client.ts'],
  };
  for (const [program, programFiles] of Object.entries(files)) {
    // The baseline indexes a plain record; under noUncheckedIndexedAccess that would need `!`.
    const options =
      program === 'baseline'
        ? { ...compilerOptions, noUncheckedIndexedAccess: false }
        : compilerOptions;
    writeFileSync(
      join(project, `tsconfig.${program}.json`),
      JSON.stringify({ compilerOptions: options, files: programFiles }, null, 2),
    );
  }
  writeFileSync(join(project, 'router.ts'), routerSource(size));
  writeFileSync(join(project, 'client.ts'), clientSource(size, 'typed'));
  writeFileSync(join(project, 'baselineClient.ts'), clientSource(size, 'baseline'));
}

function routerSource(size: number): string {
  const factories = range(size).map(
    (i) => `const agent${i} = new AgentFactory({
  id: 'agent-${i}',
  db,
  inputSchema: z.object({
    mode${i}: z.enum(['a${i}', 'b${i}', 'c${i}']).default('a${i}'),
    depth: z.number().int().min(1).default(${(i % 9) + 1}),
    label${i}: z.string().max(40).optional(),
  }),
  factory: (ctx) => new Agent({ model, instructions: ctx.input.mode${i} }),
});`,
  );
  return `import { Agent, AgentFactory, InMemoryDb, type Model } from '@agentmint/core';
import { AgentOS } from '@agentmint/trpc';
import { z } from 'zod';

declare const model: Model;
const db = new InMemoryDb();

${factories.join('\n')}

export const os = new AgentOS({ agents: [${range(size)
    .map((i) => `agent${i}`)
    .join(', ')}] });
export type AppRouter = typeof os.router;
`;
}

function clientSource(size: number, kind: 'typed' | 'baseline'): string {
  const calls = range(size).map(
    (i) =>
      `  await client.agents['agent-${i}'].run({ message: 'hi', factoryInput: { mode${i}: 'b${i}', depth: 2 } });`,
  );
  const header =
    kind === 'typed'
      ? `import { createAgentClient } from '@agentmint/client';
import type { AppRouter } from './router.ts';

const client = createAgentClient<AppRouter>({ url: 'http://127.0.0.1:7777/trpc' });`
      : `// The same calls with no router: an untyped client. The type-only imports load the same
// workspace sources, so the difference to the typed program is the router and its inference.
import type {} from '@agentmint/client';
import type {} from '@agentmint/trpc';

interface UntypedAgent {
  run(input: { message: string; factoryInput?: Record<string, unknown> }): Promise<unknown>;
}
declare const client: { agents: Record<string, UntypedAgent> };`;
  return `${header}

export async function callEveryAgent(): Promise<void> {
${calls.join('\n')}
}
`;
}

/** Instantiations are deterministic; check time is the best of `repeats` runs (the machine is shared). */
async function check(project: string, program: Program, repeats: number): Promise<Diagnostics> {
  let best = await checkOnce(project, program);
  for (let i = 1; i < repeats; i++) {
    const next = await checkOnce(project, program);
    if (next.checkSeconds < best.checkSeconds) best = next;
  }
  return best;
}

async function checkOnce(project: string, program: Program): Promise<Diagnostics> {
  const args = [tsc, '--noEmit', '--extendedDiagnostics', '-p', `tsconfig.${program}.json`];
  const stdout = await run(process.execPath, args, { cwd: project, maxBuffer: 16 << 20 }).then(
    (done) => done.stdout,
    // tsc exits non-zero on any error; the figures are still printed.
    (error: { stdout?: string; message: string }) => error.stdout ?? error.message,
  );
  // Errors in the generated files mean the bench measures the wrong thing; a workspace package
  // that does not type-check right now (work in progress) only skews the constant part.
  const ours = stdout.split('\n').filter((line) => /^[\w.]+\.ts\(\d+,\d+\): error TS/.test(line));
  if (ours.length > 0) {
    throw new Error(`the generated ${program} program does not type-check:\n${ours.join('\n')}`);
  }
  return {
    checkSeconds: figure(stdout, /^Check time:\s+([\d.]+)s/m),
    instantiations: figure(stdout, /^Instantiations:\s+(\d+)/m),
  };
}

function figure(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  if (!match?.[1]) throw new Error(`tsc --extendedDiagnostics printed no ${pattern}`);
  return Number(match[1]);
}

function sizeRows(size: number, result: Record<Program, Diagnostics>): BenchRow[] {
  const { baseline, router, client } = result;
  const clientShare = client.instantiations - router.instantiations;
  return [
    row(`${size} factories: baseline check`, baseline.checkSeconds * 1000, 'ms'),
    row(`${size} factories: baseline instantiations`, baseline.instantiations, 'inst'),
    row(`${size} factories: router only check`, router.checkSeconds * 1000, 'ms'),
    row(`${size} factories: router + client check`, client.checkSeconds * 1000, 'ms', {
      ratio: client.checkSeconds / baseline.checkSeconds,
    }),
    row(`${size} factories: router + client instantiations`, client.instantiations, 'inst', {
      ratio: client.instantiations / baseline.instantiations,
      note: `client's share ${clientShare} (${Math.round(clientShare / size)}/factory)`,
    }),
  ];
}

/** Marginal instantiations per factory between sizes: flat or falling means at most linear. */
function linearityRows(measured: ReadonlyMap<number, Record<Program, Diagnostics>>): BenchRow[] {
  const sizes = [...measured.keys()].sort((a, b) => a - b);
  const slopes: { from: number; to: number; perFactory: number }[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const from = sizes[i - 1] as number;
    const to = sizes[i] as number;
    const delta =
      (measured.get(to)?.client.instantiations ?? 0) -
      (measured.get(from)?.client.instantiations ?? 0);
    slopes.push({ from, to, perFactory: delta / (to - from) });
  }
  const rows = slopes.map(({ from, to, perFactory }) =>
    row(`instantiations per extra factory ${from}→${to}`, perFactory, 'inst'),
  );
  const first = slopes[0];
  const last = slopes.at(-1);
  if (first && last && slopes.length > 1) {
    const growth = last.perFactory / first.perFactory;
    rows.push(
      row('growth of the per-factory cost', growth, 'x', {
        note: growth <= 1.25 ? 'at most linear' : 'superlinear: look for a type that scales badly',
      }),
    );
  }
  return rows;
}

function row(
  name: string,
  value: number,
  unit: string,
  extra: { ratio?: number; note?: string } = {},
): BenchRow {
  return { suite: SUITE, name, value, unit, ...extra };
}

function range(size: number): number[] {
  return Array.from({ length: size }, (_, i) => i);
}
