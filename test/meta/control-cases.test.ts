/**
 * Every shipped control has cases in the control tester (test/helpers/control-tester.ts): an
 * automated control a passing, a failing and a could-not-tell case; a manual control a `manual`
 * case, or an entry below saying why it has none. The case files are read as TypeScript source,
 * so a control without cases fails here even when no case of it ever runs.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { loadControls } from '../../src/controls/load.js';
import { packageRoot } from '../../src/paths.js';

const CASES_DIR = join(packageRoot, 'test', 'controls');

/** Manual controls allowed to go without a `manual` case, each with the reason. None today. */
const MANUAL_WITHOUT_CASES: Readonly<Record<string, string>> = {};

/** What an automated control needs at least one case of, and a manual one. */
const REQUIRED = { automated: ['pass', 'fail', 'error'], manual: ['manual'] } as const;

interface Declared {
  id: string;
  /** Where the `testControl` call is, file:line. */
  at: string;
  file: string;
  /** Case lists of the spec with at least one case in them. */
  nonEmpty: Set<string>;
}

/** Every `testControl('<ID>', { … })` call in test/controls, and the calls it cannot read. */
function declaredCases(): { declared: Declared[]; unreadable: string[] } {
  const declared: Declared[] = [];
  const unreadable: string[] = [];
  for (const name of readdirSync(CASES_DIR).filter((f) => f.endsWith('.test.ts')).sort()) {
    const file = join(CASES_DIR, name);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'testControl') {
        const at = `${relative(packageRoot, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        const [idArg, specArg] = node.arguments;
        if (!idArg || !ts.isStringLiteral(idArg) || !specArg || !ts.isObjectLiteralExpression(specArg)) {
          unreadable.push(`${at}: testControl needs a string literal id and an object literal of cases, so that this test can read them`);
        } else {
          const nonEmpty = new Set<string>();
          for (const p of specArg.properties) {
            if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))
              && ts.isArrayLiteralExpression(p.initializer) && p.initializer.elements.some((e) => !ts.isSpreadElement(e))) {
              nonEmpty.add(p.name.text);
            }
          }
          declared.push({ id: idArg.text, at, file: name, nonEmpty });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { declared, unreadable };
}

describe('control cases (test/controls)', () => {
  it('gives every control in controls/ its cases: pass, fail and error for automated controls, manual for manual ones', async () => {
    const controls = await loadControls({ paths: ['builtin'] });
    const { declared, unreadable } = declaredCases();
    expect(unreadable).toEqual([]);
    const byId = new Map(declared.map((d) => [d.id, d]));
    const missing: string[] = [];
    for (const c of controls) {
      if (c.type === 'manual' && MANUAL_WITHOUT_CASES[c.id]) continue;
      const d = byId.get(c.id);
      const lacking = REQUIRED[c.type].filter((k) => !d?.nonEmpty.has(k));
      if (lacking.length) missing.push(`${c.id} (${c.type}) has no ${lacking.join(', ')} case${d ? ` in ${d.at}` : `: add testControl('${c.id}', { … }) to test/controls/${c.id.split('-')[0]}.test.ts`}`);
    }
    expect(missing).toEqual([]);
  });

  it('has cases only for controls that exist, one testControl per control, in the file of its area', async () => {
    const ids = new Set((await loadControls({ paths: ['builtin'] })).map((c) => c.id));
    const { declared } = declaredCases();
    expect(declared.filter((d) => !ids.has(d.id)).map((d) => `${d.at}: no control ${d.id} in controls/`)).toEqual([]);
    const seen = new Map<string, string>();
    const twice = declared.flatMap((d) => {
      const first = seen.get(d.id);
      seen.set(d.id, d.at);
      return first ? [`${d.id}: ${first} and ${d.at}`] : [];
    });
    expect(twice).toEqual([]);
    // GH-thresholds.test.ts holds GH cases, AWS.test.ts AWS ones: the area is the name up to the first '-' or '.'.
    expect(declared.filter((d) => d.file.split(/[-.]/)[0] !== d.id.split('-')[0]).map((d) => `${d.at}: ${d.id} belongs in test/controls/${d.id.split('-')[0]}.test.ts`)).toEqual([]);
  });

  it('lists as exempt only manual controls that exist', async () => {
    const controls = new Map((await loadControls({ paths: ['builtin'] })).map((c) => [c.id, c]));
    expect(Object.keys(MANUAL_WITHOUT_CASES).filter((id) => controls.get(id)?.type !== 'manual')).toEqual([]);
  });

  it('runs every case: nothing in test/controls is skipped, focused or left to do', () => {
    const parked = readdirSync(CASES_DIR).filter((f) => f.endsWith('.ts')).flatMap((name) =>
      readFileSync(join(CASES_DIR, name), 'utf8').split('\n').flatMap((line, i) => (/\.(skip|only|todo)\b|\b(xit|xdescribe)\(/.test(line) ? [`test/controls/${name}:${i + 1}: ${line.trim()}`] : [])));
    expect(parked).toEqual([]);
  });
});
