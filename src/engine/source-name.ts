/** How a control's file is named in results: relative to the package for the built-in library. */
import { relative } from 'node:path';
import { builtinControlsDir, packageRoot } from '../paths.js';

export function relativeSource(file: string): string {
  const inBuiltin = relative(builtinControlsDir, file);
  if (!inBuiltin.startsWith('..')) return relative(packageRoot, file);
  const fromCwd = relative(process.cwd(), file);
  return fromCwd.startsWith('..') ? file : fromCwd;
}

/** Whether a control file is part of the library shipped with soc2. */
export function isBuiltinControl(file: string): boolean {
  return !relative(builtinControlsDir, file).startsWith('..');
}
