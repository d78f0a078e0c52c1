// The LinOTP-style JSON replies (docs/design.md), in one place. Every reply is HTTP 200
// with the JSON-RPC envelope; result.status false means the request itself failed.

export const VERSION = 'LinOTP sim';
export const TOKEN_TYPE = 'push';

/** result.error.code values (LinOTP numbers its errors; these two are the simulator's). */
export const ERROR_CODES = {
  /** A missing, repeated, ill-typed or malformed parameter, or a body that cannot be read. */
  badRequest: -311,
  /** check_status for a transaction that does not exist, or not for this user. */
  unknownTransaction: -312,
} as const;

export type Reply = {
  version: string;
  jsonrpc: string;
  result: { status: true; value: boolean | TokenListing } | { status: false; error: { code: number; message: string } };
  detail?: Record<string, unknown>;
};

/** What GET /admin/show answers in result.value: a page of tokens, each with LinOTP's field names. */
export type TokenListing = { resultset: { tokens: number; pages: number; pagesize: number; page: number }; data: Array<Record<string, unknown>> };

/** The entry check_status gives for one transaction. accept/reject appear only once decided. */
export type TransactionStatus = {
  status: 'open' | 'closed';
  token: { serial: string; type: string };
  received_tan: boolean;
  valid_tan: boolean;
  received_count: number;
  message: string;
  accept?: true;
  reject?: true;
  /** factorgate's extension beside `number`: the rejection was a wrong number picked, not a Deny. */
  wrong_number?: true;
};

export function answer(value: boolean, detail: Record<string, unknown>): Reply {
  return { version: VERSION, jsonrpc: '2.0', result: { status: true, value }, detail };
}

export function failure(code: number, message: string): Reply {
  return { version: VERSION, jsonrpc: '2.0', result: { status: false, error: { code, message } } };
}

export const badRequest = (message: string): Reply => failure(ERROR_CODES.badRequest, message);

/** The same for a wrong pass, an unknown user and a user without a push token: who has a token is not told. */
export const wrongPin = (): Reply => answer(false, { message: 'wrong otp pin' });

export function pushSent(transactionid: string, serial: string): Reply {
  return answer(false, { transactionid, linotp_tokenserial: serial, linotp_tokentype: TOKEN_TYPE, message: 'push sent' });
}

export const codeAccepted = (): Reply => answer(true, { message: 'matching 1 tokens' });
export const codeRefused = (message: string): Reply => answer(false, { message });

export function statusOf(transactionid: string, status: TransactionStatus): Reply {
  return answer(true, { transactions: { [transactionid]: status } });
}

/** GET /admin/show: the tokens listed, one page, as LinOTP names their fields. */
export function tokenList(tokens: Array<{ user: string; serial: string }>): Reply {
  const data = tokens.map(({ user, serial }) => ({
    'LinOtp.TokenSerial': serial, 'LinOtp.TokenType': TOKEN_TYPE, 'LinOtp.TokenDesc': 'demo push token',
    'LinOtp.Isactive': true, 'LinOtp.FailCount': 0, 'LinOtp.Username': user,
  }));
  return { version: VERSION, jsonrpc: '2.0', result: { status: true, value: { resultset: { tokens: data.length, pages: 1, pagesize: 50, page: 1 }, data } } };
}
