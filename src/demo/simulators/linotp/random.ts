import { randomInt } from 'node:crypto';

// Every random value the simulator makes, from the CSPRNG.

/** 12 digits, as LinOTP's; the first is not 0, so the id survives a trip through a number. */
export function newTransactionId(): string {
  return String(randomInt(1, 10)) + digits(11);
}

/** The one-time code a user may type instead of tapping: 6 digits. */
export function newCode(): string {
  return digits(6);
}

/**
 * The numbers the phone offers: the right one and two distinct decoys, all 10..99, in random
 * order. Made once per transaction: buttons that reshuffled on every refresh would give the
 * right number away as the one that stays.
 */
export function choicesFor(number: number): number[] {
  const choices = [number];
  while (choices.length < 3) {
    const decoy = randomInt(10, 100);
    if (!choices.includes(decoy)) choices.push(decoy);
  }
  // Fisher-Yates.
  for (let i = choices.length - 1; i > 0; i -= 1) {
    const j = randomInt(0, i + 1);
    [choices[i], choices[j]] = [choices[j]!, choices[i]!];
  }
  return choices;
}

function digits(count: number): string {
  let text = '';
  for (let i = 0; i < count; i += 1) text += String(randomInt(0, 10));
  return text;
}
