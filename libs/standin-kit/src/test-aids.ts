/**
 * Sends `body` (JSON, or a string as it is) to a stand-in with `method` (a GET sends none), labelled
 * `contentType` when given: the plain client of the stand-ins' tests and manual tries.
 */
export function sendToStandin(
  url: string,
  body: unknown,
  method = 'POST',
  contentType?: string,
): Promise<Response> {
  return fetch(url, {
    method,
    ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
    ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** The test-runner hooks {@link useStandinInTests} needs (`node:test`'s, passed in by the test file). */
export interface TestHooks {
  before(fn: () => Promise<void>): void;
  after(fn: () => Promise<void>): void;
  beforeEach(fn: () => void): void;
}

/**
 * Runs `standin` for a test file: started before the first test, closed after the last, reset before each
 * test (then `eachTest`, e.g. moving the test clock past the rate windows).
 */
export function useStandinInTests(
  hooks: TestHooks,
  standin: { start(): Promise<unknown>; close(): Promise<void>; reset(): void },
  eachTest: () => void = () => {},
): void {
  hooks.before(async () => {
    await standin.start();
  });
  hooks.after(async () => {
    await standin.close();
  });
  hooks.beforeEach(() => {
    standin.reset();
    eachTest();
  });
}
