import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type { PackedPackage } from './pack.ts';

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * Packages a browser app installs: no `engines` (npm warns EBADENGINE in front-end projects) and
 * no Node builtin imports. The others run on Node only and say which Node.
 */
const BROWSER_PACKAGES: ReadonlySet<string> = new Set(['@agentmint/core', '@agentmint/client']);

/** What a user of the tarball needs that publint and attw do not look at. */
export function packageProblems(pkg: PackedPackage): string[] {
  return [...manifestProblems(pkg), ...importProblems(pkg), ...declarationMapProblems(pkg)];
}

function manifestProblems(pkg: PackedPackage): string[] {
  const { published, source } = pkg;
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  expect(published.type === 'module', 'type must be "module"');
  expect(published.sideEffects === false, 'sideEffects must be false');
  if (BROWSER_PACKAGES.has(published.name)) {
    expect(published.engines === undefined, 'a browser package must not declare engines');
  } else {
    expect(published.engines?.node === '>=22.17', 'engines.node must be ">=22.17"');
  }
  expect(typeof published.license === 'string', 'license is missing');
  expect(published.repository !== undefined, 'repository is missing');
  expect(published.publishConfig?.access === 'public', 'publishConfig.access must be "public"');
  for (const field of [...DEPENDENCY_FIELDS, 'devDependencies'] as const) {
    for (const [name, range] of Object.entries(published[field] ?? {})) {
      expect(!/^(workspace|catalog|link|file):/.test(range), `${field}.${name} is "${range}"`);
    }
  }
  for (const [conditions, target] of exportTargets(published.exports)) {
    const where = `exports ${conditions.join(' > ')} -> ${target}`;
    expect(existsSync(join(pkg.root, target)), `${where}, which is not in the tarball`);
    if (conditions.includes('types')) {
      expect(/^\.\/dist\/.+\.d\.ts$/.test(target), `${where}: types must be dist/*.d.ts`);
    }
    if (conditions.includes('import')) {
      expect(/^\.\/dist\/.+\.js$/.test(target), `${where}: import must be dist/*.js`);
    }
  }
  // Peers are not installed in the workspace: a dev copy must be there for tests and builds.
  for (const name of Object.keys(source.peerDependencies ?? {})) {
    expect(
      source.devDependencies?.[name] !== undefined,
      `peer ${name} has no dev copy in devDependencies`,
    );
  }
  return problems;
}

const SPECIFIER_PATTERNS = [
  /^\s*(?:import|export)\s[^'"`;()]*?\sfrom\s*['"]([^'"\n]+)['"]/gm,
  /^\s*import\s*['"]([^'"\n]+)['"]/gm,
  /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];
// tsc writes `/// <reference types="node" />` where declarations use Node's types; a Node
// library's users have @types/node, so only other type packages must be declared.
const REFERENCE_TYPES = /\/\/\/\s*<reference\s+types=['"]([^'"]+)['"]/g;

/** Every import in dist resolves: relative ones to a shipped file, bare ones to a declared package. */
function importProblems({ root, published }: PackedPackage): string[] {
  const declared = new Set<string>([published.name]);
  for (const field of DEPENDENCY_FIELDS) {
    for (const name of Object.keys(published[field] ?? {})) declared.add(name);
  }
  const problems = new Set<string>();
  for (const file of filesUnder(join(root, 'dist'))) {
    if (!/\.(?:js|d\.ts)$/.test(file)) continue;
    const where = relative(root, file);
    const text = readFileSync(file, 'utf8');
    for (const specifier of specifiersIn(text)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        // tsc keeps `./x.ts` in declarations (TypeScript >= 5 resolves it to ./x.d.ts beside it);
        // in JavaScript it must have become `./x.js`.
        const shipped = file.endsWith('.d.ts')
          ? [target.replace(/\.[cm]?[jt]s$/, '.d.ts')]
          : [target];
        if (file.endsWith('.js') && /\.[cm]?tsx?$/.test(specifier)) {
          problems.add(`${where} imports TypeScript source ${specifier}`);
        } else if (!shipped.some((path) => existsSync(path))) {
          problems.add(`${where} imports ${specifier}, which is not in the tarball`);
        }
        continue;
      }
      if (isBuiltin(specifier)) {
        if (BROWSER_PACKAGES.has(published.name)) {
          problems.add(`${where} imports the Node builtin ${specifier} (a browser package)`);
        }
        continue;
      }
      const name = packageName(specifier);
      if (!declared.has(name)) {
        problems.add(
          `${where} imports ${specifier}, but ${name} is not in dependencies or peerDependencies`,
        );
      }
    }
    for (const [, types] of text.matchAll(REFERENCE_TYPES)) {
      if (types === 'node' && BROWSER_PACKAGES.has(published.name)) {
        problems.add(`${where} needs Node's types (a browser package)`);
      }
      const name = types === undefined || types === 'node' ? undefined : `@types/${types}`;
      if (name !== undefined && !declared.has(name) && !declared.has(types ?? '')) {
        problems.add(`${where} references types "${types}", which no dependency provides`);
      }
    }
  }
  return [...problems];
}

/** Declaration maps point into src/, which ships so "go to definition" lands on real source. */
function declarationMapProblems({ root }: PackedPackage): string[] {
  const problems: string[] = [];
  for (const file of filesUnder(join(root, 'dist'))) {
    if (!file.endsWith('.d.ts.map')) continue;
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources?: string[] };
    for (const source of map.sources ?? []) {
      if (!existsSync(resolve(dirname(file), source))) {
        problems.push(`${relative(root, file)} maps to ${source}, which is not in the tarball`);
      }
    }
  }
  return problems;
}

/** Every [conditions, target] pair of an `exports` map (the source condition's target too). */
function exportTargets(exports: unknown, conditions: string[] = []): [string[], string][] {
  if (typeof exports === 'string') return [[conditions, exports]];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([key, value]) =>
    exportTargets(value, [...conditions, key]),
  );
}

function specifiersIn(text: string): string[] {
  return SPECIFIER_PATTERNS.flatMap((pattern) =>
    [...text.matchAll(pattern)].flatMap((match) => (match[1] === undefined ? [] : [match[1]])),
  );
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
