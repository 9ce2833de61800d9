// Every public function's TSDoc names its system call (or library function) with a man page link, shows
// the C signature and says what it throws: read from the sources with the TypeScript compiler, so a new
// export without them fails here. (`npm run docs` builds the reference from the same comments.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(createRequire(import.meta.url).resolve('sockfd'), '..', '..');
const entries = ['lib/index.ts', 'lib/promises.ts'].map((f) => join(root, f));

// Functions with no C counterpart: they say what they do instead, and which call they stand in for.
const noCounterpart = new Set(['asInet', 'asInet6', 'asUnix', 'trace', 'promises.release', 'isSyscallError', 'Socket.detach', 'Socket.[Symbol.dispose]', 'Socket.[Symbol.asyncDispose]']);

type Doc = { name: string; text: string };

function publicFunctions(): Doc[] {
  const program = ts.createProgram(entries, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const docOf = (decl: ts.Node) => ts.getJSDocCommentsAndTags(decl).map((d) => d.getText()).join('\n');
  const docs: Doc[] = [];
  for (const file of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    for (let sym of checker.getExportsOfModule(module)) {
      if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
      const decl = sym.declarations?.[0];
      const prefix = file.endsWith('promises.ts') ? 'promises.' : '';
      if (decl && ts.isFunctionDeclaration(decl)) docs.push({ name: prefix + sym.name, text: docOf(decl) });
      if (decl && ts.isClassDeclaration(decl) && sym.name === 'Socket') {
        for (const member of decl.members) {
          if ((ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) && !member.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword) && !(member.name && ts.isPrivateIdentifier(member.name))) {
            const name = ts.isConstructorDeclaration(member) ? 'constructor' : member.name.getText();
            if (!docs.some((d) => d.name === `Socket.${name}`)) docs.push({ name: `Socket.${name}`, text: docOf(member) });
          }
        }
      }
    }
  }
  return docs;
}

describe('TSDoc', () => {
  const docs = publicFunctions();

  it('finds the public functions', () => {
    expect(docs.length).toBeGreaterThan(80);
    expect(docs.map((d) => d.name)).toEqual(expect.arrayContaining(['socket', 'accept', 'recvmmsg', 'trace', 'Socket.recv']));
  });

  it.each(docs.map((d) => [d.name, d] as const))('%s: syscall, man page, C signature, errors', (name, { text }) => {
    expect(text, 'no TSDoc').not.toBe('');
    expect(text).toMatch(/@throws|rejects|[Nn]ever (throws|rejects)/);
    if (noCounterpart.has(name)) return;
    expect(text).toMatch(/https:\/\/man7\.org\/linux\/man-pages\/man[23]\/[\w.]+\.html/);
    expect(text).toMatch(/`[^`]*\b\w+\([^`]*\);`/); // a C prototype: `int socket(int domain, int type, int protocol);`
  });
});

describe('docs/course.md', () => {
  const course = readFileSync(join(root, 'docs', 'course.md'), 'utf8');

  it('runs only examples the package ships, and links only files that exist', () => {
    const named = [...course.matchAll(/node node_modules\/sockfd\/dist\/examples\/(\w+)\.js/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    for (const name of named) expect(existsSync(join(root, 'dist', 'examples', `${name}.js`)), name).toBe(true);
    for (const [, link] of course.matchAll(/\]\((\.\.\/examples\/[\w/.]+)\)/g)) expect(existsSync(join(root, 'docs', link!)), link).toBe(true);
  });
});

describe('README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('stays short: under 400 lines (the long listings live in docs/)', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThan(400);
  });

  it('names only examples that exist, and every example', () => {
    // a clone's path, and the one a project that installed sockfd runs (the package ships them)
    const named = new Set([...readme.matchAll(/node (?:node_modules\/sockfd\/)?dist\/examples\/(\w+)\.js/g)].map((m) => m[1]!));
    for (const name of named) expect(existsSync(join(root, 'dist', 'examples', `${name}.js`)), name).toBe(true);
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    for (const name of examples) expect(readme, `examples/${name}.ts is not in the README`).toMatch(new RegExp(`\\b${name}\\.(js|ts)\\b`));
  });
});
