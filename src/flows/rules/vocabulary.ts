import type { RuleContext } from './context.js';

// The closed set of names a rule may use. Nothing else is reachable from a rule: names are looked
// up in these Maps (never on objects), and every reader checks the type of what it finds, so a
// missing or malformed value is absent (undefined), never an exception.

/** Static types the parser checks: `address` is a client address (CIDR tests), `groups` a list. */
export type ValueType = 'boolean' | 'string' | 'number' | 'address' | 'groups';
export type Value = string | number | boolean | readonly string[] | undefined;

type Variable = { type: ValueType; help: string; read: (ctx: RuleContext, timeZone: string) => Value };

const own = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const flag = (value: unknown): boolean => value === true;

function userName(ctx: RuleContext): string | undefined {
  return text(own(own(ctx, 'user'), 'name'));
}

/** '' (no realm) is a value here, so `user.realm == ''` holds for a plain name. */
function userRealm(ctx: RuleContext): string | undefined {
  const realm = own(own(ctx, 'user'), 'realm');
  return typeof realm === 'string' ? realm : undefined;
}

function clientIp(ctx: RuleContext): string | undefined {
  const ip = text(own(own(ctx, 'client'), 'ip'));
  return ip === 'unknown' ? undefined : ip;
}

function groups(ctx: RuleContext): readonly string[] | undefined {
  const list = own(own(ctx, 'user'), 'groups');
  return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string') : undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Hour, minute and ISO weekday (1 = Monday) of `now` in the zone; undefined when now is not a time. */
export function timeParts(now: unknown, timeZone: string): { hour: number; minute: number; weekday: number } | undefined {
  if (typeof now !== 'number' || !Number.isFinite(now) || Math.abs(now) > 8.64e15) return undefined;
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, format);
  }
  const parts = new Map(format.formatToParts(now).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.get('weekday') ?? '') + 1;
  return { hour: Number(parts.get('hour')), minute: Number(parts.get('minute')), weekday };
}

export const VARIABLES: ReadonlyMap<string, Variable> = new Map<string, Variable>([
  ['client.ip', { type: 'address', help: 'the client\'s address (after trustProxy); test it with in', read: clientIp }],
  ['user.name', { type: 'string', help: 'the user\'s key: the name lower-cased, its realm handled as users.realms says, and after LDAP_BIND the directory\'s account name', read: userName }],
  ['user.realm', { type: 'string', help: 'the realm the typed name carried (users.realms strip or require), lower case as users.realmNames lists it; \'\' for none', read: userRealm }],
  ['user.groups', { type: 'groups', help: 'the user\'s directory groups (after LDAP_BIND); test them with contains', read: groups }],
  ['time.hour', { type: 'number', help: 'hour of the day, 0-23, in flows.timeZone', read: (ctx, zone) => timeParts(own(ctx, 'now'), zone)?.hour }],
  ['time.minute', { type: 'number', help: 'minute of the hour, 0-59, in flows.timeZone', read: (ctx, zone) => timeParts(own(ctx, 'now'), zone)?.minute }],
  ['time.weekday', { type: 'number', help: 'day of the week, 1 (Monday) to 7 (Sunday), in flows.timeZone', read: (ctx, zone) => timeParts(own(ctx, 'now'), zone)?.weekday }],
  ['device.presented', { type: 'boolean', help: 'the browser sent a remembered-device cookie', read: (ctx) => flag(own(own(ctx, 'device'), 'presented')) }],
  ['device.accepted', { type: 'boolean', help: 'that cookie is valid for this user (seal, owner, expiry)', read: (ctx) => flag(own(own(ctx, 'device'), 'accepted')) }],
  ['providers.choice', { type: 'string', help: 'the second factor providers.policies choose for this login: anakam, push, push_with_code or totp', read: (ctx) => text(own(own(ctx, 'providers'), 'choice')) }],
]);

/** A header of the request being handled; several values are joined with ", " as HTTP allows. */
export function readHeader(ctx: RuleContext, lowerName: string): string | undefined {
  const value = own(own(ctx, 'headers'), lowerName);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value.join(', ');
  return undefined;
}

export function factorSucceeded(ctx: RuleContext, factor: string): boolean {
  const succeeded = own(ctx, 'succeeded');
  return Array.isArray(succeeded) && succeeded.includes(factor);
}

/** The functions, for messages and the reference. */
export const FUNCTIONS = new Map<string, { signature: string; type: ValueType; help: string }>([
  ['header', { signature: 'header(\'Name\')', type: 'string', help: 'a request header (case-insensitive name); absent when not sent' }],
  ['factor', { signature: 'factor(\'name\').succeeded', type: 'boolean', help: 'whether that factor has already succeeded in this login' }],
]);

export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
