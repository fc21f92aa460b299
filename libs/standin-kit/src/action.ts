import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendBadGateway } from './http-util.js';

/** What a stand-in's engine tells its HTTP layer to do with a platform request. */
export type StandinAction<A> =
  { readonly kind: 'answer'; readonly answer: A } | { readonly kind: 'http5xx' | 'reset' };

/** Carries out `action`: the platform's answer (written by `writeAnswer`), a 502 page or a TCP reset. */
export function respond<A>(
  req: IncomingMessage,
  res: ServerResponse,
  action: StandinAction<A>,
  writeAnswer: (answer: A) => void,
): void {
  switch (action.kind) {
    case 'answer':
      return writeAnswer(action.answer);
    case 'http5xx':
      return sendBadGateway(res);
    case 'reset':
      req.socket.resetAndDestroy();
      return;
  }
}
