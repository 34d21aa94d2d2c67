/**
 * What the configuration changed in a control (controls.params, controls.severity), in the words
 * every human report uses, so an auditor sees each deviation from the control's definition.
 */
import type { ControlResult } from '../results.js';

export interface TuningChange {
  /** 'severity' or 'params.<key>'. */
  what: string;
  /** The value as the control file defines it, as JSON. */
  defined: string;
  /** The value the configuration sets, as JSON. */
  configured: string;
}

export function tuningChanges(c: Pick<ControlResult, 'overrides'>): TuningChange[] {
  const o = c.overrides;
  if (!o) return [];
  const out: TuningChange[] = [];
  if (o.severity) out.push({ what: 'severity', defined: o.severity.defined, configured: o.severity.configured });
  for (const key of Object.keys(o.params ?? {}).sort()) {
    const p = o.params![key]!;
    out.push({ what: `params.${key}`, defined: JSON.stringify(p.defined) ?? 'null', configured: JSON.stringify(p.configured) ?? 'null' });
  }
  return out;
}
