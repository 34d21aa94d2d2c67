/**
 * Advice in soc2's own words names only what exists: every `--flag` in a message is an option of
 * soc2 (or of the other tool the message quotes), every `soc2 <command>` is a command, and every
 * configuration key a message names (aws.regions, github.includeForks, …) is in the
 * configuration schema. Read from the string literals of src/ (not comments, not the sample
 * estate, whose files are other projects' text).
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { configSchema } from '../../src/config/schema.js';
import { collectors } from '../../src/collectors/index.js';
import { allKeyPaths } from '../../src/schema-walk.js';
import { packageRoot } from '../../src/paths.js';

/** Flags of the other tools soc2's messages quote, with the tool. */
const OTHER_TOOLS_FLAGS: Record<string, string> = {
  '--profile': 'aws sso login',
  '--region': 'aws configservice',
  '--config-rule-names': 'aws configservice',
  '--configuration-recorder-name': 'aws configservice',
  '--delivery-channel': 'aws configservice',
  '--cached': 'git ls-files (an argument soc2 passes, not advice)',
  '--get': 'git config (an argument soc2 passes, not advice)',
  '--hash': 'pip requirements files',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'sandbox' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The text of every string and template literal in a file (a template's expressions as "…"). */
function literals(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const walk = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isTemplateExpression(n)) out.push(n.head.text + n.templateSpans.map((s) => `…${s.literal.text}`).join(''));
    ts.forEachChild(n, walk);
  };
  walk(sf);
  return out;
}

interface CommandInfo {
  options: Set<string>;
  subcommands: Map<string, Set<string>>;
}

/** Every long option of soc2, and per command its own options and its subcommands' options. */
function commandsOf(program: Command): { flags: Set<string>; commands: Map<string, CommandInfo> } {
  const longs = (c: Command) => new Set(c.options.map((o) => o.long).filter((l): l is string => !!l));
  const global = new Set([...longs(program), '--help', '--version']);
  const flags = new Set(global);
  const commands = new Map<string, CommandInfo>();
  for (const c of program.commands) {
    const options = new Set([...global, ...longs(c)]);
    const subcommands = new Map(c.commands.map((s) => [s.name(), new Set([...options, ...longs(s)])] as const));
    commands.set(c.name(), { options, subcommands });
    for (const f of [...options, ...[...subcommands.values()].flatMap((x) => [...x])]) flags.add(f);
  }
  return { flags, commands };
}

const texts = sourceFiles(join(packageRoot, 'src')).flatMap((f) => literals(f).map((text) => ({ file: relative(packageRoot, f), text })));
const { flags, commands } = commandsOf(buildProgram());
const configKeys = new Set(allKeyPaths(configSchema, '', 4));
const collectorIds = new Set(Object.keys(collectors));

describe('messages name only options, commands and keys that exist', () => {
  it('reads the literals of src/ (the scan sees the messages it checks)', () => {
    expect(texts.some((t) => t.text.includes('set github.includeForks: true'))).toBe(true);
    expect(texts.filter((t) => /`soc2 [a-z]/.test(t.text)).length).toBeGreaterThan(5);
    expect(texts.length).toBeGreaterThan(1000);
  });

  it('every --flag is an option of soc2 or of the other tool the message quotes', () => {
    const unknown = texts.flatMap(({ file, text }) =>
      // CSS custom properties in the HTML report (--pass: …; var(--pass)) are not flags.
      [...text.matchAll(/(?<![\w-])(?<!var\()--([a-z][a-z0-9-]*)(?![\w-])(?!\s*:)/g)]
        .map((m) => `--${m[1]}`)
        .filter((flag) => !flags.has(flag) && !(flag in OTHER_TOOLS_FLAGS))
        .map((flag) => `${file}: ${flag} in "${text.slice(0, 100)}"`));
    expect(unknown).toEqual([]);
  });

  it('every quoted command line `soc2 <command> [<subcommand>] [--flags]` exists, with those flags', () => {
    const unknown = texts.flatMap(({ file, text }) =>
      [...text.matchAll(/`soc2 ([^`]*)`/g)].flatMap((m) => {
        const words = m[1]!.split(/\s+/);
        const command = commands.get(words[0]!);
        if (!command) return [`${file}: soc2 ${words[0]} in "${text.slice(0, 100)}"`];
        const sub = command.subcommands.size ? command.subcommands.get(words[1] ?? '') : undefined;
        if (command.subcommands.size && words[1] && !words[1].startsWith('-') && !sub) return [`${file}: soc2 ${words[0]} ${words[1]} in "${text.slice(0, 100)}"`];
        const allowed = sub ?? command.options;
        return words.filter((w) => /^--[a-z]/.test(w)).map((w) => w.split('=')[0]!).filter((f) => !allowed.has(f)).map((f) => `${file}: soc2 ${words[0]} ${f} in "${text.slice(0, 100)}"`);
      }));
    expect(unknown).toEqual([]);
  });

  it('every configuration key a message names (aws.…, github.…, repo.…, controls.…) is in the configuration schema', () => {
    const unknown = texts.flatMap(({ file, text }) =>
      [...text.matchAll(/\b(?:aws|github|repo|controls)\.[A-Za-z][A-Za-z0-9.-]*/g)]
        .map((m) => m[0].replace(/\.+$/, ''))
        // collector ids (github.branch-rules), host names (api.github.com), module paths (./controls.js)
        .filter((k) => !collectorIds.has(k) && !k.includes('-') && !/\.(com|example|js|ts|json|yaml)\b/.test(k) && !/\.example\b/.test(k))
        .filter((k) => !configKeys.has(k))
        .map((k) => `${file}: ${k} in "${text.slice(0, 100)}"`));
    expect(unknown).toEqual([]);
  });
});
