import type { RequestHandler } from 'express';
import { AdminRefusal, showUser } from '../../admin/actions.js';
import { FactorgateError } from '../../errors.js';
import { ADMIN } from '../../http/paths.js';
import { isUserAction, userAction } from '../actions_table.js';
import { messageOf, redirectWith } from '../messages.js';
import { confirmPage, recoveryCodePage } from '../pages/action_pages.js';
import { errorPage } from '../pages/error_page.js';
import { userPage } from '../pages/user_page.js';
import { pageOf, paged } from '../paging.js';
import { actionsOf, param, signedIn, userOf, userPath, type AdminWeb } from '../web.js';

// A user's page, and the actions on it: a confirmation page each (GET), then the action (POST).
// The path names the user by their key (user_segment.ts), and every action runs on that key as
// it is: the user-name rules read only what is typed in the search box.

/** What the search box takes before the user-name rules read it; they refuse the rest. */
const NAME = /^[^\p{Cc}]{1,256}$/u;

/**
 * GET /admin/users?name=: the search box, sent on to the user's page under the user's key, as the
 * login makes it: "EU\\alice" finds alice (where users.realms strips EU).
 */
export function findUser(web: AdminWeb): RequestHandler {
  return signedIn(web, async (req, res) => {
    const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
    if (!NAME.test(name)) return redirectWith(res, ADMIN);
    let key: string;
    try {
      key = web.deps.userNames.fromTyped(name).key;
    } catch (err) {
      if (!(err instanceof FactorgateError)) throw err;
      // The search box again, holding what was typed, so that the help desk corrects it there.
      return void res.status(400).type('html').send(errorPage('That did not work', `"${name}" is not a user name factorgate accepts: ${err.userMessage}`, { refused: name }));
    }
    res.redirect(303, userPath(key));
  });
}

/** GET /admin/users/:name{?page=N}: the page of its waiting sign-ins (50 each) */
export function showUserPage(web: AdminWeb, limits: { wrongAnswersPerUser: number; loginStartsPerUser: number }): RequestHandler {
  return signedIn(web, async (req, res, session) => {
    const page = pageOf(req);
    const report = await refusedAsPage(res, () => showUser(actionsOf(web, req, session), { key: userOf(req) }));
    if (report) res.type('html').send(userPage(session, report, limits, { ...report.loginsRead, paged: paged(report.logins, page), base: userPath(report.user) }, messageOf(req)));
  });
}

/** GET /admin/users/:name/confirm/:action{/:id} */
export function confirmAction(web: AdminWeb): RequestHandler {
  return signedIn(web, async (req, res, session) => {
    const { user, action, id } = actionOf(req);
    res.type('html').send(confirmPage(session, user, action, id));
  });
}

/** POST /admin/users/:name/do/:action{/:id}: done, audited, and back to the user's page (the recovery code: shown once, here). */
export function doAction(web: AdminWeb): RequestHandler {
  return signedIn(web, async (req, res, session) => {
    const { user, action, id } = actionOf(req);
    const done = await refusedAsPage(res, () => userAction(action).run(actionsOf(web, req, session), user, id));
    if (!done) return;
    if ('recoveryCode' in done) return void res.type('html').send(recoveryCodePage(session, user, done.recoveryCode));
    redirectWith(res, userPath(user), done.message);
  });
}

function actionOf(req: Parameters<RequestHandler>[0]) {
  const user = userOf(req);
  const action = req.params.action;
  if (!isUserAction(action)) throw new FactorgateError('not_found', 'no such admin action');
  const shape = userAction(action).id;
  if ((shape === undefined) !== (req.params.id === undefined)) throw new FactorgateError('not_found', 'admin action with a missing or extra id');
  return { user, action, id: shape && param(req, 'id', shape) };
}

/** A refusal of the actions (a name the user-name rules do not accept) as a page that says why. */
async function refusedAsPage<T>(res: Parameters<RequestHandler>[1], run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof AdminRefusal)) throw err;
    res.status(400).type('html').send(errorPage('That did not work', err.message));
    return undefined;
  }
}
