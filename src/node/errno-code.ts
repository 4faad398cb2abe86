/** The `code` of a failed system call (`ENOENT`, `EEXIST`...), or '' for anything else thrown. */
export function errnoCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  return typeof code === 'string' ? code : '';
}
