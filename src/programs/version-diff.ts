// What changed between two versions of a program: an RFC 6902 JSON Patch (from fast-json-patch)
// and, for people, the steps added, removed and changed.
import { isDeepStrictEqual } from 'node:util';
import { compare, type Operation } from 'fast-json-patch';
import type { ProgramDefinition } from '../contracts/program-language/types';

export interface VersionDiff {
  steps: { added: string[]; removed: string[]; changed: string[] };
  /** Top-level settings (entry, goal, start, quiet hours...) whose value changed. */
  settings: string[];
  patch: Operation[];
}

export function diffVersions(a: ProgramDefinition, b: ProgramDefinition): VersionDiff {
  const before = Object.keys(a.steps);
  const after = new Set(Object.keys(b.steps));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'steps');
  return {
    steps: {
      added: [...after].filter((s) => !(s in a.steps)).sort(),
      removed: before.filter((s) => !after.has(s)).sort(),
      changed: before.filter((s) => after.has(s) && !isDeepStrictEqual(a.steps[s], b.steps[s])).sort(),
    },
    settings: keys
      .filter((k) => !isDeepStrictEqual(a[k as keyof ProgramDefinition], b[k as keyof ProgramDefinition]))
      .sort(),
    patch: compare(a, b),
  };
}
