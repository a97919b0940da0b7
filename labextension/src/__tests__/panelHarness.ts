/**
 * An OfficePanel in the document against a fake lab and server: the specs
 * of the panel and of its parts (frame, watchdogs, disk, editing) drive it
 * as the lab and ONLYOFFICE would.
 */

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { DEFAULT_SETTINGS, type IOfficeSettings } from '../settings';
import type { IOfficeEnvironment, Theme } from '../tokens';
import { type IOfficePanelOptions, OfficePanel } from '../widget';
import type {
  IConnectionReport,
  IConnectionSettings,
  IFileStatus
} from '../wire';

import { ORIGIN, SESSION, until } from './fixtures';

export { ORIGIN, SESSION, until };

type Answer = { status: number; body: unknown };

export const STATUS: IFileStatus = {
  file_id: 'abc',
  path: 'docs/a.docx',
  name: 'a.docx',
  size: 10,
  content_stamp: 's1',
  lock: null,
  last_save: null,
  conflicts: [],
  copies: []
};

export class FakeEnv implements IOfficeEnvironment {
  constructor(answers: Answer[]) {
    this.serverSettings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        const request = new Request(input, init);
        const isStatus = request.url.includes('/api/wopi/files/');
        const isDoctor = request.url.includes('/api/wopi/status');
        if (request.url.includes('/api/wopi/connection')) {
          this.connectionRequests++;
          return new Response(JSON.stringify(this.connection ?? {}), {
            status: this.connection ? 200 : 500,
            headers: { 'Content-Type': 'application/json' }
          });
        }
        if (request.url.includes('/api/wopi/locks/')) {
          this.releases.push(new URL(request.url).pathname.split('/').pop()!);
          return new Response(null, { status: 204 });
        }
        if (isStatus) {
          this.statusRequests++;
        } else if (isDoctor) {
          this.doctorRequests++;
        } else {
          this.requests.push(JSON.parse(await request.text()));
        }
        const answer = isStatus
          ? { status: this.fileStatus ? 200 : 404, body: this.fileStatus }
          : isDoctor
            ? { status: 200, body: this.report }
            : (answers.shift() ?? { status: 200, body: SESSION });
        return new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'Content-Type': 'application/json' }
        });
      }
    });
  }
  readonly serverSettings: ServerConnection.ISettings;
  readonly trans = nullTranslator.load('jupyter_wopi');
  readonly themeChanged: Signal<IOfficeEnvironment, void> = new Signal<
    IOfficeEnvironment,
    void
  >(this);
  settings: IOfficeSettings = DEFAULT_SETTINGS;
  readonly requests: Array<Record<string, unknown>> = [];
  currentTheme: Theme | undefined = 'light';
  mode: 'edit' | 'view' = 'edit';
  language = () => 'de-DE';
  theme = () => this.currentTheme;
  defaultMode = () => this.mode;
  /** What `api/wopi/files/{id}` answers; null for 404. */
  fileStatus: IFileStatus | null = STATUS;
  statusRequests = 0;
  /** File ids whose lock `DELETE api/wopi/locks/{id}` released. */
  readonly releases: string[] = [];
  announce = jest.fn();
  openPath = jest.fn();
  showVersions = jest.fn();
  readonly connectionChanged: Signal<IOfficeEnvironment, void> = new Signal<
    IOfficeEnvironment,
    void
  >(this);
  configureConnection = jest.fn(async () => true);
  readonly fileChanged: Signal<IOfficeEnvironment, string> = new Signal<
    IOfficeEnvironment,
    string
  >(this);
  /** What the connection doctor (`api/wopi/status`) finds. */
  report: IConnectionReport = { ok: true, checks: [] };
  doctorRequests = 0;
  /** What `api/wopi/connection` answers; null: a failure (500). */
  connection: IConnectionSettings | null = null;
  connectionRequests = 0;
}

export function frameOf(panel: OfficePanel): HTMLIFrameElement {
  const frame = panel.node.querySelector('iframe');
  if (!frame) {
    throw new Error('no frame');
  }
  return frame;
}

export function fromEditor(
  frame: HTMLIFrameElement,
  id: string,
  origin = ORIGIN
): void {
  window.dispatchEvent(
    new MessageEvent('message', {
      origin,
      source: frame.contentWindow,
      data: JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: {} })
    })
  );
}

/** The form submissions: one per editor loaded (set up by usePanels). */
export let submit: jest.SpyInstance;
/** The panel of the test (set by attachPanel and openPanel). */
export let panel: OfficePanel;

/**
 * For each test: the form never really submits (`submit` counts it), and
 * afterwards the test's panel, if any, is gone and the document empty.
 */
export function usePanels(): void {
  beforeEach(() => {
    submit = jest
      .spyOn(HTMLFormElement.prototype, 'submit')
      .mockImplementation(() => undefined);
  });

  afterEach(() => {
    panel?.dispose();
    submit.mockRestore();
    document.body.replaceChildren();
  });
}

/** A panel in the document, not opened yet. */
export function attachPanel(options: IOfficePanelOptions): OfficePanel {
  panel = new OfficePanel(options);
  Widget.attach(panel, document.body);
  return panel;
}

export function openPanel(
  env: FakeEnv,
  path = 'docs/a.docx',
  slowLoadMs?: number
): OfficePanel {
  attachPanel({ env, path: () => path, statusInterval: 5, slowLoadMs });
  panel.open();
  return panel;
}

/**
 * Open the panel and let the editor load and report a change.
 *
 * @returns the panel's dirty marks from then on.
 */
export async function openChangedEditor(env: FakeEnv): Promise<boolean[]> {
  openPanel(env);
  await until(() => submit.mock.calls.length === 1);
  fromEditor(frameOf(panel), 'App_LoadingStatus');
  const dirty: boolean[] = [];
  panel.dirtyChanged.connect((_, value) => dirty.push(value));
  fromEditor(frameOf(panel), 'Edit_Notification');
  return dirty;
}
