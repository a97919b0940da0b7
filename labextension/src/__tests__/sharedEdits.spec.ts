/**
 * Unsaved changes shared by the views of one document: within a page (New
 * View) and between pages of one server (a second browser tab).
 */

import {
  type IChannel,
  type IEditingView,
  type IEditMessage,
  SharedEdits
} from '../sharedEdits';
import { OfficePanel } from '../widget';
import { Widget } from '@lumino/widgets';

import {
  FakeEnv,
  frameOf,
  fromEditor,
  openPanel,
  STATUS,
  submit,
  until,
  usePanels
} from './panelHarness';

/** Two pages' channels: what one posts, the other receives (as BroadcastChannel). */
function channelPair(): [IChannel, IChannel] {
  const make = (): IChannel & { peer?: IChannel } => ({
    onmessage: null,
    postMessage(message: IEditMessage) {
      const peer = this.peer;
      queueMicrotask(() => peer?.onmessage?.({ data: message }));
    }
  });
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class View implements IEditingView {
  constructor(public saveAt: number | null = null) {}
  isDirty = false;
  news: Array<number | null> = [];
  dirty = () => this.isDirty;
  knownSaveAt = () => this.saveAt;
  edited = (afterSave: number | null) => {
    this.isDirty = true;
    this.news.push(afterSave);
  };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('SharedEdits', () => {
  it("tells a page's other views of the file, not the one that typed", () => {
    const edits = new SharedEdits(null);
    const [typing, other, elsewhere] = [new View(5), new View(), new View()];
    const watch = edits.watch('f', typing);
    edits.watch('f', other);
    edits.watch('g', elsewhere);
    typing.isDirty = true;
    watch.edited();
    expect(other.news).toEqual([5]);
    expect(typing.news).toEqual([]);
    expect(elsewhere.news).toEqual([]);
  });

  it('tells a view that opens while another holds changes', () => {
    const edits = new SharedEdits(null);
    const first = new View(3);
    edits.watch('f', first);
    first.isDirty = true;
    const later = new View();
    edits.watch('f', later);
    expect(later.news).toEqual([3]);
  });

  it('tells the views of other pages, and answers a page that opens the file', async () => {
    const [here, there] = channelPair();
    const page1 = new SharedEdits(here);
    const page2 = new SharedEdits(there);
    const typing = new View(7);
    const watch = page1.watch('f', typing);
    const other = new View();
    page2.watch('f', other);
    await settle(); // its question answered: nothing to tell yet
    expect(other.news).toEqual([]);
    typing.isDirty = true;
    watch.edited();
    await settle();
    expect(other.news).toEqual([7]);

    const third = new View();
    page2.watch('f', third); // asks the other pages
    await settle();
    expect(third.isDirty).toBe(true);
  });

  it('forgets a view that closed', () => {
    const edits = new SharedEdits(null);
    const typing = new View();
    const closed = new View();
    const watch = edits.watch('f', typing);
    edits.watch('f', closed).dispose();
    watch.edited();
    expect(closed.news).toEqual([]);
  });

  it('ignores messages that are not its own', () => {
    const [here, there] = channelPair();
    new SharedEdits(here);
    const view = new View();
    new SharedEdits(there).watch('f', view);
    here.onmessage?.({ data: 'hello' });
    here.onmessage?.({ data: { type: 'edited' } });
    expect(view.news).toEqual([]);
  });
});

describe('two views of one document in a page (New View)', () => {
  usePanels();

  it('agree on unsaved changes until a save reaches the disk', async () => {
    const env = new FakeEnv([]);
    const first = openPanel(env);
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(first), 'App_LoadingStatus');
    const second = new OfficePanel({
      env,
      path: () => 'docs/a.docx',
      statusInterval: 5
    });
    Widget.attach(second, document.body);
    second.open();
    try {
      await until(() => submit.mock.calls.length === 2);
      fromEditor(frameOf(second), 'App_LoadingStatus');
      await until(() => env.statusRequests > 2); // both have looked
      fromEditor(frameOf(first), 'Edit_Notification'); // typed in the first
      expect(first.saveState.dirty).toBe(true);
      expect(second.saveState.dirty).toBe(true);

      const save = {
        content_stamp: 's2',
        user_name: 'Ada',
        saved_at: 2,
        kept_as: ''
      };
      env.fileStatus = { ...STATUS, content_stamp: 's2', last_save: save };
      await until(() => !first.saveState.dirty && !second.saveState.dirty);
    } finally {
      second.dispose();
    }
  });
});
