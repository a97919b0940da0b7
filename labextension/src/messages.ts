/**
 * The PostMessage relay between a panel and its ONLYOFFICE frame (spec §6).
 *
 * Knows nothing of the DOM or the lab, so every rule is unit-tested: the
 * panel passes in message events and gets callbacks.
 */

/** Messages the panel sends to ONLYOFFICE. */
export type OutboundMessageId =
  | 'Host_PostmessageReady'
  | 'Blur_Focus'
  | 'Grab_Focus'
  | 'Action_InsertGraphic';

/** The wire format, in both directions, once parsed from its JSON string. */
export interface IWopiMessage {
  readonly MessageId: string;
  /** `Date.now()` of the sender. */
  readonly SendTime: number;
  readonly Values: Readonly<Record<string, unknown>>;
}

/** The parts of a `MessageEvent` the relay reads. */
export interface IInboundEvent {
  readonly origin: string;
  readonly source: unknown;
  readonly data: unknown;
}

/** Where outgoing messages go: the frame's `contentWindow`. */
export interface IPostTarget {
  postMessage(message: string, targetOrigin: string): void;
}

/** What the panel does for each message ONLYOFFICE sends. */
export interface IRelayHandlers {
  /** App_LoadingStatus: the editor has loaded the document. */
  loaded(): void;
  /** UI_Close: the user pressed the editor's Close button. */
  close(): void;
  /** UI_Edit: the user asked to edit a document opened for viewing. */
  edit(): void;
  /** Edit_Notification: the document has changes (first one, then every 30 s at most). */
  edited(): void;
  /**
   * UI_FileVersions: the user pressed the editor's Version History (sent
   * because CheckFileInfo says FileVersionPostMessage).
   */
  versions(): void;
  /**
   * UI_InsertGraphic: the user chose Image → From Storage (sent because
   * CheckFileInfo says EnableInsertRemoteImage); the answer is
   * Action_InsertGraphic with the image's URL.
   */
  insertImage(): void;
}

/**
 * Messages from ONLYOFFICE that the panel acts on, and the handler each
 * calls: the one list of the message names the lab understands.
 */
export const INBOUND_MESSAGES = {
  App_LoadingStatus: 'loaded',
  UI_Close: 'close',
  UI_Edit: 'edit',
  Edit_Notification: 'edited',
  UI_FileVersions: 'versions',
  UI_InsertGraphic: 'insertImage'
} as const satisfies Readonly<Record<string, keyof IRelayHandlers>>;

export type InboundMessageId = keyof typeof INBOUND_MESSAGES;

export interface IMessageRelayOptions {
  /** ONLYOFFICE's origin (scheme://host[:port]) from the sessions API. */
  readonly origin: string;
  /** The frame's window now; null while there is no frame. */
  readonly target: () => IPostTarget | null;
  readonly handlers: IRelayHandlers;
}

/**
 * Parse an event into a message when it comes from the expected frame at the
 * expected origin and carries a well-formed JSON string; otherwise null.
 */
export function parseMessage(
  event: IInboundEvent,
  expected: { readonly origin: string; readonly source: unknown }
): IWopiMessage | null {
  if (
    expected.source === null ||
    expected.source === undefined ||
    event.source !== expected.source ||
    event.origin !== normalizeOrigin(expected.origin) ||
    typeof event.data !== 'string'
  ) {
    return null;
  }
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return null;
  }
  return isWopiMessage(data) ? data : null;
}

/** The JSON string for an outgoing message (spec §6 wire format). */
export function formatMessage(
  id: OutboundMessageId,
  values: Readonly<Record<string, unknown>> = {},
  now: number = Date.now()
): string {
  const message: IWopiMessage = {
    MessageId: id,
    SendTime: now,
    Values: values
  };
  return JSON.stringify(message);
}

/**
 * Checks, parses and dispatches messages from one frame, and posts messages
 * to it. UI_Sharing is not handled: the server does not advertise it (no
 * FileSharingPostMessage).
 */
export class MessageRelay {
  constructor(options: IMessageRelayOptions) {
    this._origin = normalizeOrigin(options.origin);
    this._target = options.target;
    this._handlers = options.handlers;
  }

  /**
   * Handle one message event.
   *
   * @returns the message acted on, or null when it was ignored.
   */
  handle(event: IInboundEvent): InboundMessageId | null {
    const message = parseMessage(event, {
      origin: this._origin,
      source: this._target()
    });
    if (!message) {
      return null;
    }
    const id = message.MessageId;
    if (!Object.prototype.hasOwnProperty.call(INBOUND_MESSAGES, id)) {
      return null;
    }
    const known = id as InboundMessageId;
    this._handlers[INBOUND_MESSAGES[known]]();
    return known;
  }

  /**
   * Post a message to the frame, only ever to ONLYOFFICE's origin.
   *
   * @returns whether there was a frame to post to.
   */
  send(
    id: OutboundMessageId,
    values: Readonly<Record<string, unknown>> = {}
  ): boolean {
    const target = this._target();
    if (!target) {
      return false;
    }
    target.postMessage(formatMessage(id, values), this._origin);
    return true;
  }

  private readonly _origin: string;
  private readonly _target: () => IPostTarget | null;
  private readonly _handlers: IRelayHandlers;
}

/** `event.origin` never ends with a slash; a configured origin might. */
function normalizeOrigin(origin: string): string {
  return origin.endsWith('/') ? origin.slice(0, -1) : origin;
}

function isWopiMessage(data: unknown): data is IWopiMessage {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return false;
  }
  const { MessageId, SendTime, Values } = data as Record<string, unknown>;
  return (
    typeof MessageId === 'string' &&
    typeof SendTime === 'number' &&
    Values !== null &&
    typeof Values === 'object' &&
    !Array.isArray(Values)
  );
}
