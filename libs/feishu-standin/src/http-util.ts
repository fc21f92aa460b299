import { jsonSender } from '@kube-herald/standin-kit';

/** Writes a JSON response the way the Feishu open platform labels it. */
export const sendJson = jsonSender('application/json; charset=utf-8');

export { readBody } from '@kube-herald/standin-kit';
