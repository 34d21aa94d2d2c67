/**
 * The one rule for a file name inside a report bundle, shared by the attestation (subject names),
 * its verifier and the tar reader: a relative POSIX path that can only name something inside the
 * bundle directory. A name that breaks it is never joined to a directory, so it can never make
 * soc2 read or write outside the bundle.
 */

/** Why `name` cannot name a file inside a bundle, or undefined when it can. */
export function bundlePathProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name.includes('\\')) return 'it contains a backslash (bundle paths use /)';
  // Control characters (NUL above all) are cut or misread by file systems and terminals.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  const segments = name.split('/');
  if (segments.includes('..')) return 'it contains a ".." segment';
  if (segments.includes('.')) return 'it contains a "." segment';
  if (segments.includes('')) return 'it contains an empty segment (// or a trailing /)';
  return undefined;
}

export function isBundlePath(name: string): boolean {
  return bundlePathProblem(name) === undefined;
}
