import type { z } from 'zod';

/** The first issue of a zod error as `path: message`, for one-line error messages. */
export function describeIssue(error: z.ZodError): { readonly path: readonly PropertyKey[]; readonly message: string } {
  const issue = error.issues[0];
  return { path: issue?.path ?? [], message: issue?.message ?? 'invalid value' };
}
