/**
 * What the CLI takes from the evidence sources without naming one: the flags each source owns
 * (`soc2 run`, `soc2 permissions`), and the checks each makes before anything is collected.
 */
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import { loadSources, sourceAbout, sourceIds } from '../collectors/sources.js';

/** Parsed values of the source flags, by commander's option name (githubApiUrl). */
export type SourceFlags = Record<string, unknown>;

function flags() {
  return sourceIds().flatMap((id) => sourceAbout(id)?.flags ?? []);
}

export function addSourceFlags(cmd: Command): Command {
  for (const f of flags()) cmd.option(f.flag, f.description);
  return cmd;
}

/** The environment for this run: each source flag given replaces the variable it stands for. */
export function withSourceFlags(env: NodeJS.ProcessEnv, opts: SourceFlags): NodeJS.ProcessEnv {
  let out = env;
  for (const f of flags()) {
    const value = opts[f.option];
    if (typeof value === 'string') out = { ...out, [f.env]: value };
  }
  return out;
}

/** Each source's checks of its settings (e.g. which GitHub API URL may get the token): a usage or configuration error, before any work. */
export async function checkSources(loaded: Pick<LoadedConfig, 'config' | 'issueAt'>, env: NodeJS.ProcessEnv): Promise<void> {
  for (const source of await loadSources()) source.check?.(source.settings(loaded.config, env), loaded, env);
}
