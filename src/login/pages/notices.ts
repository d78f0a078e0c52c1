import { attemptsLeftBefore, GLOSSARY, secondsInWords } from '../../http/words.js';
import type { Notice } from '../views.js';

// What a page or the dialog says after a wrong, expired or resent answer.

export function noticeText(notice: Notice | undefined): string | undefined {
  switch (notice?.code) {
    case 'passcode_invalid':
      return `That ${GLOSSARY.passcode} was not right. ${attemptsLeftBefore(notice.attemptsRemaining, notice.after)}.`;
    case 'code_invalid':
      return `That ${GLOSSARY.code} was not right. ${attemptsLeftBefore(notice.attemptsRemaining, notice.after)}: enter the ${GLOSSARY.code} your app shows now.`;
    case 'code_reused':
      return `That ${GLOSSARY.code} was used already. Wait for the next one. ${attemptsLeftBefore(notice.attemptsRemaining, notice.after)}.`;
    case 'passcode_expired':
      return 'That passcode has expired. Ask for a new one below.';
    case 'device_refused':
      return 'This browser is no longer remembered, so it is asked for the second step again.';
    case 'passcode_resent':
      return 'A new passcode is on its way.';
    case 'via_unavailable':
      return `There is nowhere on file to send a ${GLOSSARY.passcode} that way, so the one sent before still stands. Your help desk can add one.`;
    case 'no_phone_on_file':
      return `There is no phone number on file for you, so no text message was sent. The ${GLOSSARY.passcode} sent before still stands. Your help desk can add a number.`;
    case 'no_email_on_file':
      return `There is no e-mail address on file for you, so nothing was sent by e-mail. The ${GLOSSARY.passcode} sent before still stands. Your help desk can add an address.`;
    case 'way_not_offered':
      return 'That way to sign in is not set up for you, so nothing was started, and this step still stands.';
    case 'way_unavailable':
      return 'That way to sign in is not available right now, so nothing else was started, and this step still stands. Go on with it, try another way if one is offered, or contact your help desk.';
    case 'pushes_paused':
      return notice.pauseSeconds === undefined
        ? 'Too many notifications were sent to your device lately, so they are paused for a while and none was sent now. This step still stands: go on with it, try another way if one is offered, or wait a few minutes and sign in again.'
        : `Too many notifications were sent to your device lately, so they are paused for up to ${secondsInWords(notice.pauseSeconds)} and none was sent now. This step still stands: go on with it, try another way if one is offered, or sign in again after that.`;
    case 'push_expired':
      return 'Your device did not answer in time, and that request has expired. Send a new one to try again.';
    case 'push_wrong_number':
      return 'A different number was picked on your device, so that request was refused. That is fine if it was a slip: send a new one and pick the number shown here.';
    case 'push_waiting':
      return 'Your approval has not arrived yet. Approve the request on your device, then continue.';
    case 'push_resent':
      return 'A new notification is on its way to your device.';
    case 'passkey_invalid':
      return `That key was not accepted. ${attemptsLeftBefore(notice.attemptsRemaining, notice.after)}: try again, or with another of your keys.`;
    case 'recovery_code_invalid':
      return 'That recovery code was not right, or it was used or has expired. Ask your help desk for a new one.';
    default:
      return undefined;
  }
}
