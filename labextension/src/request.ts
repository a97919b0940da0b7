import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IErrorResponse } from './wire';

/**
 * The REST namespace of the jupyter_wopi server extension.
 */
export const API_NAMESPACE = 'api/wopi';

/**
 * Call the jupyter_wopi server extension.
 *
 * @param endPoint API end point, relative to `{baseUrl}api/wopi`
 * @param init Initial values for the request
 * @param serverSettings Server settings; defaults to `ServerConnection.makeSettings()`
 * @returns The response body parsed as JSON (`undefined` for an empty body)
 * @throws {ServerConnection.NetworkError} If the request cannot be sent
 * @throws {ServerConnection.ResponseError} On a non-2xx status, with the
 *   server's JSON `message` when there is one
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  return readResponse<T>(await fetchAPI(endPoint, init, serverSettings));
}

/**
 * Send a request to the jupyter_wopi server extension and return the
 * response as it comes, whatever its status (for a body read as a stream).
 *
 * @throws {ServerConnection.NetworkError} If the request cannot be sent
 */
export async function fetchAPI(
  endPoint: string,
  init: RequestInit = {},
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<Response> {
  const requestUrl = URLExt.join(
    serverSettings.baseUrl,
    API_NAMESPACE,
    endPoint
  );
  try {
    return await ServerConnection.makeRequest(requestUrl, init, serverSettings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
}

/**
 * The body of a response parsed as JSON (`undefined` when empty).
 *
 * @throws {ServerConnection.ResponseError} On a non-2xx status, with the
 *   server's JSON `message` when there is one
 */
export async function readResponse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let data: unknown = undefined;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }

  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, errorMessage(data));
  }

  return data as T;
}

/**
 * Extract a human-readable message from an error response body.
 */
function errorMessage(data: unknown): string | undefined {
  if (typeof data === 'string') {
    return data || undefined;
  }
  if (data !== null && typeof data === 'object' && 'message' in data) {
    const { message } = data as Partial<IErrorResponse>;
    if (typeof message === 'string' && message.length > 0) {
      return message;
    }
  }
  return undefined;
}
