/**
 * Conflict copies announced lab-wide: each event once per lab, with the
 * copy's name and Open, and forgotten by the server once the user acted.
 */

import { Notification } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import type { IConflictEvent } from '../wire';
import {
  AnnouncedIds,
  ConflictAnnouncer,
  describeConflict,
  eventsToAnnounce,
  idsToRemember
} from '../conflicts';

const trans = nullTranslator.load('jupyter_wopi');

function event(
  id: number,
  overrides: Partial<IConflictEvent> = {}
): IConflictEvent {
  return {
    id: String(id),
    path: 'docs/report.docx',
    conflict_path: `docs/report (conflict 2026-03-03 14-05-3${id} Ada).docx`,
    user_name: 'Ada',
    created_at: 1000 + id,
    updated_at: 1000 + id,
    reason: 'changed',
    ...overrides
  };
}

describe('eventsToAnnounce', () => {
  it('keeps the events not announced yet, oldest first', () => {
    const events = [
      event(3, { created_at: 5 }),
      event(1),
      event(2, { created_at: 5 })
    ];
    expect(eventsToAnnounce(events, new Set(['1'])).map(e => e.id)).toEqual([
      '2',
      '3'
    ]);
  });
});

describe('idsToRemember', () => {
  it('forgets events the server no longer lists', () => {
    expect([
      ...idsToRemember(new Set(['1', '2', '3']), [event(2), event(4)])
    ]).toEqual(['2']);
  });
});

describe('describeConflict', () => {
  it.each([
    ['changed', 'because report.docx had changed on disk.'],
    ['read-only', 'because report.docx had become read-only.'],
    ['deleted', 'because report.docx had been deleted.'],
    ['relocked', 'because someone else had locked report.docx.'],
    [undefined, 'because report.docx had changed on disk.']
  ])('names the file, the copy and why (%s)', (reason, why) => {
    const text = describeConflict(trans, event(1, { reason }));
    expect(text).toBe(
      `Edits to report.docx were saved as report (conflict 2026-03-03 14-05-31 Ada).docx ${why}`
    );
  });

  it('names the editor whose permission was withdrawn (team folders)', () => {
    const text = describeConflict(trans, event(1, { reason: 'revoked' }));
    expect(text).toBe(
      "Edits to report.docx by Ada were saved as report (conflict 2026-03-03 14-05-31 Ada).docx because Ada may no longer change report.docx (the team folder's rules changed)."
    );
  });
});

describe('AnnouncedIds', () => {
  it('keeps ids in the storage, per key', () => {
    const storage = window.localStorage;
    storage.clear();
    const ids = new AnnouncedIds('k', storage);
    ids.write(new Set(['1', 'team-2']));
    expect([...new AnnouncedIds('k', storage).read()]).toEqual(['1', 'team-2']);
    expect([...new AnnouncedIds('other', storage).read()]).toEqual([]);
  });

  it('survives unreadable data and a storage that refuses', () => {
    const storage = window.localStorage;
    storage.setItem('k', '{not json');
    expect([...new AnnouncedIds('k', storage).read()]).toEqual([]);
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      }
    } as unknown as Storage;
    const ids = new AnnouncedIds('k', refusing);
    ids.write(new Set(['7']));
    expect([...ids.read()]).toEqual(['7']); // remembered by this page
  });

  it('reads the numbers earlier releases stored as the same ids', () => {
    window.localStorage.setItem('k', '[3, "team-4", null]');
    expect([...new AnnouncedIds('k', window.localStorage).read()]).toEqual([
      '3',
      'team-4'
    ]);
  });
});

describe('ConflictAnnouncer', () => {
  let events: IConflictEvent[];
  let deleted: string[];
  let announcer: ConflictAnnouncer | null = null;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/lab-a/',
    fetch: async (input: RequestInfo, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === 'DELETE') {
        deleted.push(request.url);
        return new Response(null, { status: 204 });
      }
      return new Response(JSON.stringify({ conflicts: events }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' }
      });
    }
  });

  beforeEach(() => {
    events = [];
    deleted = [];
    window.localStorage.clear();
  });

  afterEach(() => {
    announcer?.dispose();
    announcer = null;
    Notification.dismiss();
  });

  function start(options: { openPath?: jest.Mock; announce?: jest.Mock } = {}) {
    const openPath = options.openPath ?? jest.fn();
    const announce = options.announce ?? jest.fn();
    announcer = new ConflictAnnouncer({
      trans,
      serverSettings,
      openPath,
      announce,
      storage: window.localStorage,
      interval: 60_000 // the tests look by hand
    });
    return { announcer, openPath, announce };
  }

  const warnings = () =>
    Notification.manager.notifications.filter(n => n.type === 'warning');

  it('announces each event once, lists its copy and offers to open it', async () => {
    events = [event(1)];
    const { announcer, openPath, announce } = start();
    await announcer.refresh();
    await announcer.refresh();
    expect(warnings().map(n => n.message)).toEqual([
      describeConflict(trans, event(1))
    ]);
    expect(announce).toHaveBeenCalledWith({
      type: 'new',
      oldValue: null,
      newValue: { path: event(1).conflict_path }
    });
    const [open] = warnings()[0].options.actions ?? [];
    expect(open.label).toBe('Open');
    open.callback(new MouseEvent('click'));
    expect(openPath).toHaveBeenCalledWith(event(1).conflict_path);
  });

  it('does not announce again in another page of the same lab', async () => {
    events = [event(1)];
    await start().announcer.refresh();
    announcer?.dispose();
    Notification.dismiss();
    deleted = [];
    events = [event(1), event(2)];
    await start().announcer.refresh();
    expect(warnings().map(n => n.message)).toEqual([
      describeConflict(trans, event(2))
    ]);
  });

  it('tells the server to forget an event once its notification is dismissed', async () => {
    events = [event(5)];
    await start().announcer.refresh();
    expect(deleted).toEqual([]);
    Notification.dismiss(warnings()[0].id);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatch(
      /^http:\/\/localhost:8888\/lab-a\/api\/wopi\/conflicts\/5(\?|$)/
    );
  });

  it("announces a team folder's events and dismisses them by their id", async () => {
    events = [event(5), { ...event(5), id: 'team-5' }];
    await start().announcer.refresh();
    expect(warnings()).toHaveLength(2);
    Notification.dismiss();
    await new Promise(resolve => setTimeout(resolve, 0));
    const dismissed = deleted.map(url => new URL(url).pathname).sort();
    expect(dismissed).toEqual([
      '/lab-a/api/wopi/conflicts/5',
      '/lab-a/api/wopi/conflicts/team-5'
    ]);
  });
});
