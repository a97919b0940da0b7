/**
 * The PostMessage relay (spec §6): who may talk to the panel, in what form,
 * and what each message does.
 */

import {
  formatMessage,
  type IInboundEvent,
  type IPostTarget,
  type IRelayHandlers,
  MessageRelay,
  parseMessage
} from '../messages';

const ORIGIN = 'https://office.example.org';

function wire(
  id: string,
  values: Record<string, unknown> = {},
  sendTime = 1
): string {
  return JSON.stringify({ MessageId: id, SendTime: sendTime, Values: values });
}

function setup(origin = ORIGIN) {
  const sent: Array<{ message: string; targetOrigin: string }> = [];
  const frameWindow: IPostTarget = {
    postMessage: (message, targetOrigin) => sent.push({ message, targetOrigin })
  };
  let target: IPostTarget | null = frameWindow;
  const handlers: jest.Mocked<IRelayHandlers> = {
    loaded: jest.fn(),
    close: jest.fn(),
    edit: jest.fn(),
    edited: jest.fn(),
    versions: jest.fn(),
    insertImage: jest.fn()
  };
  const relay = new MessageRelay({ origin, target: () => target, handlers });
  const event = (data: unknown, overrides: Partial<IInboundEvent> = {}) => ({
    origin: ORIGIN,
    source: frameWindow,
    data,
    ...overrides
  });
  const detach = () => {
    target = null;
  };
  return { relay, handlers, sent, frameWindow, event, detach };
}

function calls(handlers: jest.Mocked<IRelayHandlers>): number {
  return (
    handlers.loaded.mock.calls.length +
    handlers.close.mock.calls.length +
    handlers.edit.mock.calls.length +
    handlers.edited.mock.calls.length +
    handlers.versions.mock.calls.length +
    handlers.insertImage.mock.calls.length
  );
}

describe('MessageRelay: what it accepts', () => {
  it('accepts a well-formed message from the frame at the ONLYOFFICE origin', () => {
    const { relay, handlers, event } = setup();
    expect(relay.handle(event(wire('App_LoadingStatus')))).toBe(
      'App_LoadingStatus'
    );
    expect(handlers.loaded).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['another origin', 'https://evil.example.org'],
    ['the lab origin', 'http://localhost:8888'],
    ['the same host over another scheme', 'http://office.example.org'],
    ['the same host on another port', 'https://office.example.org:8443'],
    ['an origin with a trailing slash', `${ORIGIN}/`],
    ['an opaque origin', 'null']
  ])('ignores messages from %s', (_, origin) => {
    const { relay, handlers, event } = setup();
    expect(relay.handle(event(wire('UI_Close'), { origin }))).toBeNull();
    expect(calls(handlers)).toBe(0);
  });

  it('ignores messages from another window, even at the right origin', () => {
    const { relay, handlers, event } = setup();
    const otherFrame: IPostTarget = { postMessage: () => undefined };
    expect(
      relay.handle(event(wire('UI_Close'), { source: otherFrame }))
    ).toBeNull();
    expect(relay.handle(event(wire('UI_Close'), { source: null }))).toBeNull();
    expect(calls(handlers)).toBe(0);
  });

  it('ignores everything once the frame is gone', () => {
    const { relay, handlers, event, detach } = setup();
    detach();
    expect(relay.handle(event(wire('UI_Close'), { source: null }))).toBeNull();
    expect(relay.handle(event(wire('UI_Close')))).toBeNull();
    expect(calls(handlers)).toBe(0);
  });

  it('tolerates a configured origin with a trailing slash', () => {
    const { relay, handlers, event } = setup(`${ORIGIN}/`);
    expect(relay.handle(event(wire('UI_Close')))).toBe('UI_Close');
    expect(handlers.close).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['an object', { MessageId: 'UI_Close', SendTime: 1, Values: {} }],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array', ['UI_Close']],
    ['a Blob-like object', { size: 3, type: 'text/plain' }]
  ])('ignores non-string data: %s', (_, data) => {
    const { relay, handlers, event } = setup();
    expect(relay.handle(event(data))).toBeNull();
    expect(calls(handlers)).toBe(0);
  });

  it.each([
    ['broken JSON', '{"MessageId": "UI_Close"'],
    ['an empty string', ''],
    ['a bare string', 'UI_Close'],
    ['a JSON string literal', '"UI_Close"'],
    ['a JSON array', '["UI_Close"]'],
    ['JSON null', 'null'],
    ['no MessageId', JSON.stringify({ SendTime: 1, Values: {} })],
    [
      'a numeric MessageId',
      JSON.stringify({ MessageId: 7, SendTime: 1, Values: {} })
    ],
    ['no SendTime', JSON.stringify({ MessageId: 'UI_Close', Values: {} })],
    [
      'a string SendTime',
      JSON.stringify({ MessageId: 'UI_Close', SendTime: '1', Values: {} })
    ],
    ['no Values', JSON.stringify({ MessageId: 'UI_Close', SendTime: 1 })],
    [
      'null Values',
      JSON.stringify({ MessageId: 'UI_Close', SendTime: 1, Values: null })
    ],
    [
      'array Values',
      JSON.stringify({ MessageId: 'UI_Close', SendTime: 1, Values: [] })
    ]
  ])('ignores malformed data: %s', (_, data) => {
    const { relay, handlers, event } = setup();
    expect(relay.handle(event(data))).toBeNull();
    expect(calls(handlers)).toBe(0);
  });

  it.each([
    'UI_Sharing',
    'File_Rename',
    'Action_InsertGraphic', // the lab's own answer, never ONLYOFFICE's
    'ui_insertgraphic',
    'Host_PostmessageReady',
    'ui_close',
    'ui_fileversions',
    'Unknown_Message',
    // Names on every object, never messages.
    'toString',
    '__proto__',
    'constructor',
    'hasOwnProperty'
  ])('ignores the unhandled or unknown message %s', id => {
    const { relay, handlers, event } = setup();
    expect(relay.handle(event(wire(id, { NewName: 'x.docx' })))).toBeNull();
    expect(calls(handlers)).toBe(0);
  });
});

describe('MessageRelay: what each message does', () => {
  it.each([
    [
      'App_LoadingStatus',
      'loaded',
      { Status: 'Document_Loaded', DocumentLoadedTime: 812 }
    ],
    ['UI_Close', 'close', {}],
    ['UI_Edit', 'edit', {}],
    ['Edit_Notification', 'edited', {}],
    ['UI_FileVersions', 'versions', {}],
    ['UI_InsertGraphic', 'insertImage', {}]
  ] as const)('%s calls %s and nothing else', (id, handler, values) => {
    const { relay, handlers, event } = setup();
    const common = { 'ui-language': 'en-US', wdUserSession: 'u-1' };
    expect(relay.handle(event(wire(id, { ...common, ...values })))).toBe(id);
    expect(handlers[handler]).toHaveBeenCalledTimes(1);
    expect(calls(handlers)).toBe(1);
  });

  it('counts every Edit_Notification (they repeat while editing)', () => {
    const { relay, handlers, event } = setup();
    relay.handle(event(wire('Edit_Notification')));
    relay.handle(event(wire('Edit_Notification')));
    expect(handlers.edited).toHaveBeenCalledTimes(2);
  });
});

describe('MessageRelay: sending', () => {
  it.each(['Host_PostmessageReady', 'Blur_Focus', 'Grab_Focus'] as const)(
    'posts %s as a JSON string to the ONLYOFFICE origin only',
    id => {
      const { relay, sent } = setup(`${ORIGIN}/`);
      expect(relay.send(id)).toBe(true);
      expect(sent).toHaveLength(1);
      expect(sent[0].targetOrigin).toBe(ORIGIN);
      const message = JSON.parse(sent[0].message);
      expect(message).toEqual({
        MessageId: id,
        SendTime: expect.any(Number),
        Values: {}
      });
    }
  );

  it('answers Image from Storage with Action_InsertGraphic carrying the URL', () => {
    // The editor page reads data.Values.url (client-behavior §10).
    const { relay, sent } = setup();
    const url = 'http://jupyter.example.org/wopi/images/s3cr3t';
    expect(relay.send('Action_InsertGraphic', { url })).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0].targetOrigin).toBe(ORIGIN);
    expect(JSON.parse(sent[0].message)).toEqual({
      MessageId: 'Action_InsertGraphic',
      SendTime: expect.any(Number),
      Values: { url }
    });
  });

  it('sends nothing when there is no frame', () => {
    const { relay, sent, detach } = setup();
    detach();
    expect(relay.send('Grab_Focus')).toBe(false);
    expect(sent).toHaveLength(0);
  });
});

describe('parseMessage and formatMessage', () => {
  it('round-trip the wire format', () => {
    const source = {};
    const data = formatMessage('Blur_Focus', { a: 1 }, 1234);
    expect(JSON.parse(data)).toEqual({
      MessageId: 'Blur_Focus',
      SendTime: 1234,
      Values: { a: 1 }
    });
    expect(
      parseMessage({ origin: ORIGIN, source, data }, { origin: ORIGIN, source })
    ).toEqual({ MessageId: 'Blur_Focus', SendTime: 1234, Values: { a: 1 } });
  });

  it('rejects everything when the expected source is missing', () => {
    const data = wire('UI_Close');
    expect(
      parseMessage(
        { origin: ORIGIN, source: undefined, data },
        { origin: ORIGIN, source: undefined }
      )
    ).toBeNull();
  });
});
