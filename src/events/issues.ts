import type { z } from 'zod';
import type { Issue } from '../core/result.js';

/** zod issues as `path: message` pairs, the form dead letters and errors show. */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export function summarizeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
}
