import type { z } from 'zod';

/** Formats zod issues as `path: message` lines joined by '; ' (root issues show as `(root)`). */
export function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`,
    )
    .join('; ');
}
