import type { IncomingMessage, ServerResponse } from 'node:http';
import { listObjects } from './list.js';
import type { ObjectWriter } from './objects.js';
import { findResource, type ResourceView } from './resources.js';
import { compileFieldSelector, compileLabelSelector } from './selectors.js';
import { KubeApiError, notFound, statusObject } from './status.js';
import { objectKey, type Store } from './store.js';
import type { KubeObject } from './types.js';
import type { WatchHub } from './watch-hub.js';
import { boolParam, intParam, readJson, sendJson } from './http-util.js';

interface Route {
  readonly view: ResourceView;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** Maps a Kubernetes API path to a resource, namespace and optional name. */
export function parseRoute(pathname: string): Route | undefined {
  const seg = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (seg[0] === 'api') [group, version, rest] = ['', seg[1], seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length >= 3)
    [group, version, rest] = [seg[1] ?? '', seg[2], seg.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, extra] = rest;
  if (!version || !plural || extra !== undefined) return undefined;
  const view = findResource(group, version, plural);
  if (!view || (namespace !== undefined && !view.namespaced)) return undefined;
  if (view.namespaced && namespace === undefined && name !== undefined) return undefined;
  return { view, namespace, name };
}

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  readonly store: Store;
  readonly writer: ObjectWriter;
  readonly hub: WatchHub;
  /** See `KubeStandinControls.forbid`. */
  readonly forbidden: ReadonlySet<string>;
}

/** The Kubernetes API part of the stand-in: LIST/WATCH/GET/POST/PUT/DELETE on known resources. */
export function createApiHandler({ store, writer, hub, forbidden }: ApiHandlerOptions) {
  const authorize = (req: IncomingMessage, r: Route, url: URL): void => {
    const { plural, group } = r.view;
    if (!forbidden.has(plural) && !forbidden.has(`${group}/${plural}`)) return;
    const verb = verbOf(req.method ?? '', r.name !== undefined, boolParam(url.searchParams.get('watch')));
    const target = r.name !== undefined ? ` "${r.name}"` : '';
    const where = r.namespace !== undefined ? ` in the namespace "${r.namespace}"` : ' at the cluster scope';
    throw new KubeApiError(
      statusObject(
        403,
        'Forbidden',
        `${group ? `${plural}.${group}` : plural}${target} is forbidden: User "system:serviceaccount:kube-herald:collector" cannot ${verb} resource "${plural}" in API group "${group}"${where}`,
        { ...(r.name !== undefined ? { name: r.name } : {}), group, kind: plural },
      ),
    );
  };

  const collection = async (req: IncomingMessage, res: ServerResponse, r: Route, url: URL): Promise<void> => {
    const q = url.searchParams;
    if (req.method === 'POST') {
      const created = writer.create(r.view, r.namespace, (await readJson(req)) as KubeObject);
      sendJson(res, 201, r.view.toView(created));
      return;
    }
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    const fieldSelector = q.get('fieldSelector') ?? undefined;
    const labelSelector = q.get('labelSelector') ?? undefined;
    const byField = compileFieldSelector(r.view, fieldSelector);
    const byLabel = compileLabelSelector(labelSelector);
    const match = (o: KubeObject): boolean => byField(o) && byLabel(o);
    const view = /;\s*as=PartialObjectMetadata(List)?\b/.test(req.headers.accept ?? '')
      ? metadataView(r.view)
      : r.view;
    if (boolParam(q.get('watch'))) {
      hub.serve(res, {
        view,
        namespace: r.namespace,
        match,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        allowBookmarks: boolParam(q.get('allowWatchBookmarks')),
        sendInitialEvents: boolParam(q.get('sendInitialEvents')),
        timeoutSeconds: intParam('timeoutSeconds', q.get('timeoutSeconds')),
      });
      return;
    }
    const list = listObjects(store, view, {
      namespace: r.namespace,
      limit: intParam('limit', q.get('limit')),
      continueToken: q.get('continue') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
      match,
      selective: Boolean(fieldSelector || labelSelector),
    });
    sendJson(res, 200, list);
  };

  const item = async (req: IncomingMessage, res: ServerResponse, r: Route, name: string): Promise<void> => {
    const method = req.method ?? '';
    if (method === 'GET') {
      const obj = store.get(r.view.storage, objectKey(r.view.namespaced ? r.namespace : undefined, name));
      if (!obj) throw notFound(r.view.plural, r.view.group, name);
      sendJson(res, 200, r.view.toView(obj));
    } else if (method === 'PUT') {
      const updated = writer.replace(r.view, r.namespace, name, (await readJson(req)) as KubeObject);
      sendJson(res, 200, r.view.toView(updated));
    } else if (method === 'DELETE') {
      sendJson(res, 200, r.view.toView(writer.remove(r.view, r.namespace, name)));
    } else throw methodNotAllowed(method);
  };

  /** Serves one API request; unknown paths answer 404 like the API server. */
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = parseRoute(url.pathname);
    if (!route) {
      throw new KubeApiError(
        statusObject(404, 'NotFound', 'the server could not find the requested resource', {}),
      );
    }
    authorize(req, route, url);
    if (route.name === undefined) await collection(req, res, route, url);
    else await item(req, res, route, route.name);
  };
}

/**
 * The metadata-only view the API server serves for `Accept: application/json;as=PartialObjectMetadataList;
 * g=meta.k8s.io;v=v1` (LIST) or `as=PartialObjectMetadata` (WATCH), as metadata informers ask for.
 */
function metadataView(view: ResourceView): ResourceView {
  const toView = (o: KubeObject): KubeObject => ({
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  });
  return { ...view, group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadata', toView };
}

function verbOf(method: string, named: boolean, watch: boolean): string {
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'DELETE') return 'delete';
  if (named) return 'get';
  return watch ? 'watch' : 'list';
}

function methodNotAllowed(method: string | undefined): KubeApiError {
  return new KubeApiError(
    statusObject(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource: ${method ?? ''}`,
    ),
  );
}
