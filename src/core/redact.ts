/**
 * `user:password@` in any text, after `scheme://`, a `/`, a quote, a space or
 * at the start: a URL or a typo of one (`http//u:p@host` must not print the
 * password either).
 */
// The password runs to the last `@` before a space or quote (base64 secrets
// carry `/`, some passwords `@`); it never starts with `//`, which follows a scheme.
const URL_PASSWORD = /(^|[\s/"'(])([^\s/:@"']*):(?!\/\/)[^\s"']*@/g;

/**
 * Text with the password of every URL in it replaced by `***`; the user
 * stays, so a message can still say who was refused. For messages and logs
 * that quote what the user gave (--store, --webhook).
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_PASSWORD, '$1$2:***@');
}
