/** `soc2 encrypt`: a report directory, encrypted with age to the auditor's public key(s). */
import { resolve } from 'node:path';
import { encryptBundle } from '../../evidence/encrypt.js';

export interface EncryptCommandOptions {
  to: string[];
  out?: string;
  force?: boolean;
}

export async function encryptCommand(dir: string, opts: EncryptCommandOptions): Promise<void> {
  const out = opts.out ?? `${dir.replace(/[/\\]+$/, '')}.tar.age`;
  const cwd = process.cwd();
  const r = await encryptBundle({ dir: resolve(cwd, dir), recipients: opts.to, outFile: resolve(cwd, out), force: opts.force });
  process.stdout.write(
    [
      `Wrote ${out}: ${r.files} file${r.files === 1 ? '' : 's'} from ${dir}, encrypted with age to ${opts.to.length === 1 ? 'one recipient' : `${opts.to.length} recipients`} (${r.bytes} bytes).`,
      'No unencrypted copy was written. The recipient opens it with `soc2 decrypt FILE --identity KEYFILE --out DIR`, or with `age -d -i KEYFILE FILE | tar -x`.',
      `${dir} itself is unchanged; delete it if the encrypted file is the only copy you mean to keep.`,
      '',
    ].join('\n'),
  );
}
