// What a user gets from npm: every package packed as `changeset publish` would publish it, each
// tarball linted (publint, attw, declared imports), then a fresh project outside the workspace
// that installs the tarballs with plain npm, type-checks against them and runs a server and a
// client from them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { createConsumerProject, npmInstall } from './support/consumerProject.ts';
import { type PackedPackage, packAll } from './support/pack.ts';
import { packageProblems } from './support/packageChecks.ts';
import { readmeExamples } from './support/readmeExamples.ts';
import { type RunResult, run, runOk } from './support/run.ts';
import { startServer } from './support/server.ts';
import { createWebProject, gzipBytes, pageFiles, plainNpmInstall } from './support/webProject.ts';
import { consumerDir, publishedPackages, readManifest } from './support/workspace.ts';

const packages = publishedPackages();
const examples = readmeExamples(packages);
const workDir = await mkdtemp(join(tmpdir(), 'agentmint-consumer-'));

after(async () => {
  if (process.env.AGENTMINT_KEEP_CONSUMER === '1') console.log(`kept ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
});

/** Runs `make` once, on first use; every caller shares the result (or the failure). */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= make();
    return result;
  };
}

const packing = lazy(() => packAll(packages, workDir));
const packed = async (name: string): Promise<PackedPackage> => {
  const found = (await packing()).find((pkg) => pkg.name === name);
  assert.ok(found, `${name} was not packed`);
  return found;
};

describe('lint: packed tarballs', { concurrency: true }, () => {
  for (const { manifest } of packages) {
    test(`lint: publint --strict ${manifest.name}`, async () => {
      const pkg = await packed(manifest.name);
      const tarball = await readTarball(pkg.tarball);
      const { messages, pkg: json } = await publint({ pack: { tarball }, strict: true });
      const report = messages.map((message) => `${message.type}: ${formatMessage(message, json)}`);
      assert.deepEqual(report, []);
    });

    test(`lint: attw --profile esm-only ${manifest.name}`, async () => {
      const pkg = await packed(manifest.name);
      const attw = join(consumerDir, 'node_modules', '.bin', 'attw');
      const result = await run(attw, [pkg.tarball, '--profile', 'esm-only', '--format', 'ascii'], {
        cwd: consumerDir,
      });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    });

    test(`lint: manifest, declared imports, declaration maps ${manifest.name}`, async () => {
      assert.deepEqual(packageProblems(await packed(manifest.name)), []);
    });
  }
});

describe('consumer project (npm install of the tarballs, outside the workspace)', () => {
  const installing = lazy(async () => {
    const app = await createConsumerProject(workDir, await packing(), examples);
    await npmInstall(app);
    return app;
  });
  const tsc = (project: string) =>
    lazy(async (): Promise<RunResult> => {
      const app = await installing();
      const bin = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
      return run(process.execPath, [bin, '-p', project, '--pretty', 'false'], {
        cwd: app,
        timeoutMs: 300_000,
      });
    });
  const compiling = tsc('tsconfig.json');
  const checkingReadmes = tsc('tsconfig.readme.json');

  test('npm installs the tarballs and their dependencies from the registry', async () => {
    await installing();
  });

  test('tsc (strict, nodenext, no custom conditions) compiles the server and the typed client, @ts-expect-error lines included', async () => {
    void checkingReadmes(); // in parallel: a second core is idle while one tsc runs
    const result = await compiling();
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test(`README examples type-check against the tarballs (${examples.length} blocks)`, async () => {
    const result = await checkingReadmes();
    const origins = examples.map((example) => `${example.file} <- ${example.origin}`).join('\n');
    assert.equal(result.code, 0, `${result.stdout}${result.stderr}\nblocks:\n${origins}`);
  });

  test('node runs the server from the tarballs (SqliteDb, ScriptedModel) and the client gets COMPLETED (run and stream)', async () => {
    const app = await installing();
    assert.equal((await compiling()).code, 0, 'the consumer project did not compile');
    const server = await startServer(app, 'dist/serve.js', {
      AGENTMINT_DB_FILE: join(workDir, 'data', 'agentmint.db'),
    });
    try {
      const { stdout } = await runOk(
        process.execPath,
        ['dist/runClient.js', `${server.url}/trpc`],
        {
          cwd: app,
          timeoutMs: 30_000,
        },
      );
      const result = JSON.parse(stdout) as {
        status: string;
        content: string | null;
        streamed: string | undefined;
      };
      assert.deepEqual(
        { status: result.status, content: result.content, streamed: result.streamed },
        { status: 'COMPLETED', content: 'skeptic/5', streamed: 'RunCompleted' },
      );
    } finally {
      const code = await server.stop();
      assert.equal(code, 0, `the server did not shut down cleanly:\n${server.output()}`);
    }
  });
});

describe('React + Vite + React Query app (plain `npm install`, browser tsconfig, vite build)', () => {
  const installing = lazy(async () => {
    const app = await createWebProject(workDir, await packing());
    await plainNpmInstall(app);
    return app;
  });
  const bin = (app: string, ...path: string[]) => join(app, 'node_modules', ...path);

  test('npm install with no flags: @trpc/tanstack-react-query (latest) and the tarballs agree on @trpc/*', async () => {
    const app = await installing();
    const versions = ['@trpc/tanstack-react-query', '@trpc/client', '@trpc/server'].map(
      (name) => `${name}@${readManifest(bin(app, name)).version}`,
    );
    console.log(`  installed: ${versions.join(', ')}`);
  });

  test('tsc with a browser tsconfig (types: [], DOM libs) compiles the page and the router type it imports', async () => {
    const app = await installing();
    const result = await run(
      process.execPath,
      [bin(app, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--pretty', 'false'],
      { cwd: app, timeoutMs: 300_000 },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test('vite build bundles both pages with no Node builtin; the client-only page size is reported', async () => {
    const app = await installing();
    await runOk(process.execPath, [bin(app, 'vite', 'bin', 'vite.js'), 'build'], {
      cwd: app,
      timeoutMs: 300_000,
    });
    for (const page of ['index.html', 'client.html']) {
      const files = await pageFiles(app, page);
      for (const file of files.filter((name) => name.endsWith('.js'))) {
        const code = await readFile(file, 'utf8');
        assert.doesNotMatch(code, /\bfrom\s*["']node:|import\(["']node:/, `${file} imports node:`);
      }
      console.log(`  ${page}: ${((await gzipBytes(files)) / 1024).toFixed(1)} kB gzip`);
    }
  });
});

async function readTarball(path: string): Promise<ArrayBuffer> {
  const bytes = await readFile(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
