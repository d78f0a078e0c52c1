import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { readLoginFields, resumeFlow } from '../../flows/index.js';
import { body } from '../../http/request.js';
import { settle } from '../proceed.js';
import { openForm } from '../record.js';
import { sendView } from '../respond.js';
import { refusedOnly } from '../views.js';
import { withLogin } from '../with_login.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/** POST /mfa/step: a factor's form (its login schema), posted; the flow goes on with its fields. */
export function provideEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'form posted');
    const form = body(req);
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      const factor = openForm(record);
      const schema = factor === undefined ? undefined : login.deps.flow.factors.get(factor)?.loginSchema;
      if (!schema || !record.flow) throw new FactorgateError('wrong_state', 'form posted where no form is asked');
      const read = readLoginFields(schema, form);
      // A field left out or too long is the user's to fix: the login stays open.
      if (!read.ok) return refusedOnly(new FactorgateError('invalid_input', `form field ${read.field}: ${read.why}`));
      return settle(login, record, await resumeFlow(login.deps.flow, record.flow, run.facts, run.withFields(read.fields).act), run);
    }), web.responder);
  };
}
