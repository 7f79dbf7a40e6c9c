import { UsageError } from './cli-error.js';
import { hashEmail } from '../core/hash.js';
import { identifierKind } from '../events/identity.js';

/** The flags that name an identifier by its kind, with the prefix each gives it. */
export const IDENTIFIER_FLAGS = {
  user: { type: 'string' as const },
  anonymous: { type: 'string' as const },
  contact: { type: 'string' as const },
  email: { type: 'string' as const },
};

const PREFIX_OF_FLAG = { user: 'u:', anonymous: 'a:', contact: 'c:' } as const;

const KINDS_HELP = 'u:<userId>, a:<anonymousId>, c:<contactId> or e:<email hash>, or --user, --anonymous, --contact, --email';

/**
 * The identifier `journeys person` looks up, with its kind prefix: the
 * positional `u:U`, `a:A`, `c:C` or `e:<hash>`, or one of --user,
 * --anonymous, --contact, --email. An email is hashed as ingest hashes it,
 * with `emailSalt` (JOURNEYS_EMAIL_SALT); without the salt it cannot be
 * looked up. Anything else is a UsageError.
 */
export function parseIdentifier(
  positionals: readonly string[],
  flags: { user?: string | undefined; anonymous?: string | undefined; contact?: string | undefined; email?: string | undefined },
  emailSalt: string | undefined,
): string {
  const given = (['user', 'anonymous', 'contact', 'email'] as const).filter((flag) => flags[flag] !== undefined);
  if (positionals.length + given.length === 0) throw new UsageError(`journeys person needs an identifier: ${KINDS_HELP}`);
  if (positionals.length + given.length > 1) throw new UsageError('journeys person takes one identifier (one positional or one of --user, --anonymous, --contact, --email)');
  const flag = given[0];
  if (flag === 'email') return emailIdentifier(flags.email!, emailSalt);
  if (flag !== undefined) {
    const value = flags[flag]!;
    if (value === '') throw new UsageError(`--${flag} needs a value`);
    return PREFIX_OF_FLAG[flag] + value;
  }
  const identifier = positionals[0]!;
  if (identifierKind(identifier) === undefined || identifier.length === 2) {
    throw new UsageError(`"${identifier}" is not an identifier: give it with its kind, ${KINDS_HELP}`);
  }
  if (identifier.startsWith('e:') && identifier.includes('@')) {
    throw new UsageError(`e: takes the email's salted hash; give the address itself with --email ${identifier.slice(2)}`);
  }
  return identifier;
}

function emailIdentifier(email: string, emailSalt: string | undefined): string {
  if (!email.includes('@')) throw new UsageError(`--email takes an email address (got "${email}")`);
  if (!emailSalt) {
    throw new UsageError('--email needs JOURNEYS_EMAIL_SALT: emails are stored only as hashes salted with it, so set it to the salt used at ingest');
  }
  return `e:${hashEmail(email, emailSalt)}`;
}
