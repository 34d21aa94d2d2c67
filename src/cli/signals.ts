/**
 * SIGINT and SIGTERM: undo what the running command had started (a half-written report, the
 * demo's scratch directory), say what happened and exit 130 or 143 (128 + the signal number, as
 * a shell reports a process stopped by a signal). The same undo runs when the process exits any
 * other way with work still registered, e.g. after an uncaught exception.
 */

/** Undoes one piece of unfinished work synchronously; returns what the user should know, if anything. */
export type Undo = () => string | undefined;

const pending = new Set<Undo>();

/** Register work to undo if the process stops before it finishes; call the returned function when it finished. */
export function undoOnInterrupt(undo: Undo): () => void {
  pending.add(undo);
  return () => {
    pending.delete(undo);
  };
}

/** Run every registered undo, newest first; returns the notes they give. One failing undo does not stop the others. */
export function undoPending(): string[] {
  const notes: string[] = [];
  for (const undo of [...pending].reverse()) {
    pending.delete(undo);
    try {
      const note = undo();
      if (note) notes.push(note);
    } catch (e) {
      notes.push(`could not clean up: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return notes;
}

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export function handleSignals(): void {
  for (const [signal, code] of Object.entries(EXIT_CODES)) {
    process.on(signal, () => {
      const notes = undoPending();
      // On a terminal, first clear the progress line the message would otherwise be appended to.
      const clearLine = process.stderr.isTTY ? '\r\x1b[2K' : '';
      process.stderr.write(`${clearLine}soc2: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}${notes.length ? `; ${notes.join('; ')}` : ''}\n`);
      process.exit(code);
    });
  }
  // exit handlers must be synchronous, and every undo is.
  process.on('exit', () => {
    undoPending();
  });
}
