import { issueRecoveryCode, removeDevice, revokeBrowsers, unlockUser } from '../admin/actions.js';
import type { AdminDeps } from '../admin/deps.js';
import type { MessageCode } from './messages.js';
import { userPath } from './web.js';

// The actions on a user's page: each a link to a confirmation page, whose form posts the action.
// The functions are the command line's (src/admin/actions.ts), which audit every one.

export type ActionOutcome = { message: MessageCode } | { recoveryCode: { code: string; expiresAt: number } };

export type UserAction = {
  /** The id the action takes from the path, by its shape; none for actions on the whole user. */
  id?: RegExp;
  title: string;
  /** What will happen, said before it does. */
  explain: string;
  button: string;
  /** `key`: the user's key as the path names it, never read again as a typed name. */
  run(deps: AdminDeps, key: string, id: string | undefined): Promise<ActionOutcome>;
};

export const USER_ACTIONS = {
  'device-remove': {
    // An app's id and a passkey's are both factorgate's own (newDeviceId(), a UUID); this shape also takes base64url.
    id: /^[A-Za-z0-9_-]{1,256}$/,
    title: 'Remove this device?',
    explain: 'The user can no longer sign in with it. If it is their only one, they need a recovery code or another factor to sign in.',
    button: 'Remove the device',
    run: async (deps, key, id) => ({ message: (await removeDevice(deps, { key }, id!)).removed ? 'device_removed' : 'device_not_found' }),
  },
  'browser-revoke': {
    id: /^[0-9a-f]{32}$/,
    title: 'Revoke this remembered browser?',
    explain: 'At its next sign-in it is asked for a second factor, even before its cookie expires.',
    button: 'Revoke the browser',
    run: async (deps, key, id) => ({ message: (await revokeBrowsers(deps, { key }, { id: id! })).revoked > 0 ? 'browser_revoked' : 'browser_not_found' }),
  },
  'browsers-revoke-all': {
    title: 'Revoke every remembered browser of this user?',
    explain: 'Each is asked for a second factor at its next sign-in.',
    button: 'Revoke every browser',
    run: async (deps, key) => (await revokeBrowsers(deps, { key }, 'all'), { message: 'browsers_revoked' }),
  },
  unlock: {
    title: 'Clear this user\'s lock?',
    explain: 'Their wrong answers, sign-ins started and pushes count from zero again, and they can sign in at once. Do it only once you know who locked the account.',
    button: 'Clear the lock',
    run: async (deps, key) => (await unlockUser(deps, { key }), { message: 'unlocked' }),
  },
  'recovery-code': {
    title: 'Issue a recovery code?',
    explain: 'The code lets the user sign in once without a second factor and set up a new app. It is shown once, on the next page: give it to the user by a way you trust (in person, or a call you made). An unused earlier code stops working.',
    button: 'Issue the code',
    run: async (deps, key) => ({ recoveryCode: await issueRecoveryCode(deps, { key }) }),
  },
} as const satisfies Record<string, UserAction>;

export type UserActionName = keyof typeof USER_ACTIONS;

/** Each action as the general shape, for code that takes any of them. */
export const userAction = (name: UserActionName): UserAction => USER_ACTIONS[name];

export const isUserAction = (name: unknown): name is UserActionName => typeof name === 'string' && Object.hasOwn(USER_ACTIONS, name);

export const confirmPath = (user: string, action: UserActionName, id?: string): string => `${userPath(user)}/confirm/${action}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;
export const actionPath = (user: string, action: UserActionName, id?: string): string => `${userPath(user)}/do/${action}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;
