// Every TypeScript snippet in the README and the course (docs/course.md) compiles as shown: each ```ts
// block is written out as a module of its own and type-checked with the project's compiler options
// against the built package (the `sockfd` a user's project imports), with nothing declared for it. The
// course's snippets followed by their output also run, and print it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(createRequire(import.meta.url).resolve('sockfd'), '..', '..');

describe.each([
  ['README.md', 5],
  ['docs/course.md', 2],
])('%s', (doc, least) => {
  it('every ```ts snippet type-checks on its own, without declarations added', () => {
    const readme = readFileSync(join(root, doc), 'utf8');
    const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(least);
    const dir = join(root, 'test', '.snippets'); // inside the package, so `sockfd` resolves to it
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      const files = snippets.map((code, i) => {
        const file = join(dir, `snippet-${i + 1}.mts`);
        writeFileSync(file, code);
        return file;
      });
      const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
      const program = ts.createProgram(files, { ...config.options, noEmit: true, rootDir: root, noUnusedLocals: false });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});

describe('docs/course.md', () => {
  it('a snippet shown with its output prints that output (the fd number aside)', () => {
    const text = readFileSync(join(root, 'docs/course.md'), 'utf8');
    const runs = [...text.matchAll(/^```ts\n([\s\S]*?)^```\n```\n([\s\S]*?)^```$/gm)];
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const dir = join(root, 'test', '.snippets-run');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      runs.forEach(([, code, output], i) => {
        const file = join(dir, `run-${i + 1}.mjs`);
        writeFileSync(file, ts.transpileModule(code!, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
        const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
        const fdAside = (s: string) => s.replace(/^fd \d+$/m, 'fd N');
        expect(fdAside(r.stdout)).toBe(fdAside(output!));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
