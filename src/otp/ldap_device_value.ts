import type { OtpDevice } from './device_store.js';

// One device as one value of the user's LDAP attribute: compact JSON with a type tag, so values
// that are not factorgate's (a real `description`, another product's data) are left alone.
// About 250 bytes a device; the attribute must allow that much per value (NetScaler asks 256+).

const TYPE = 'factorgate-otp';
const VERSION = 1;

type Stored = {
  type: typeof TYPE;
  v: typeof VERSION;
  id: string;
  user: string;
  name: string;
  createdAt: number;
  lastUsedAt?: number;
  lastStep?: number;
  active: boolean;
  secret: string;
};

export function encodeDevice(device: OtpDevice): string {
  const { id, user, name, createdAt, lastUsedAt, lastStep, active, sealedSecret } = device;
  // A fixed key order: the same device always gives the same value, which the delete of an old
  // value relies on (the directory compares whole values).
  const stored: Stored = { type: TYPE, v: VERSION, id, user, name, createdAt, ...(lastUsedAt === undefined ? {} : { lastUsedAt }), ...(lastStep === undefined ? {} : { lastStep }), active, secret: sealedSecret };
  return JSON.stringify(stored);
}

/** The device a value holds, or undefined when the value is not a factorgate device (or is damaged). */
export function decodeDevice(raw: string): OtpDevice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Partial<Stored>;
  if (s.type !== TYPE || s.v !== VERSION) return undefined;
  const text = (x: unknown): x is string => typeof x === 'string' && x !== '';
  const int = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!text(s.id) || !text(s.user) || !text(s.name) || !text(s.secret) || !int(s.createdAt) || typeof s.active !== 'boolean') return undefined;
  if ((s.lastUsedAt !== undefined && !int(s.lastUsedAt)) || (s.lastStep !== undefined && !int(s.lastStep))) return undefined;
  const device: OtpDevice = { id: s.id, user: s.user, name: s.name, createdAt: s.createdAt, active: s.active, sealedSecret: s.secret };
  if (s.lastUsedAt !== undefined) device.lastUsedAt = s.lastUsedAt;
  if (s.lastStep !== undefined) device.lastStep = s.lastStep;
  return device;
}
