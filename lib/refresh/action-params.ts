import { z } from 'zod';

/** `force-refresh-start` parameters (all default `true`, as in actions.yaml). */
export const forceRefreshStartParams = z.object({
  'check-compatibility': z.boolean().default(true),
  'run-pre-refresh-checks': z.boolean().default(true),
  'check-workload-container': z.boolean().default(true),
});
export type ForceRefreshStartParams = z.infer<typeof forceRefreshStartParams>;

/** `resume-refresh` parameters. */
export const resumeRefreshParams = z.object({
  'check-health-of-refreshed-units': z.boolean().default(true),
});
export type ResumeRefreshParams = z.infer<typeof resumeRefreshParams>;

/** Parses action params; invalid params give the message to fail the action with. */
export const parseParams = <T>(
  schema: z.ZodType<T>,
  params: Readonly<Record<string, unknown>>,
): { ok: true; value: T } | { ok: false; message: string } => {
  const parsed = schema.safeParse(params);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  return { ok: false, message: `Invalid action parameters: ${issues}` };
};
