// The playground in a real browser (Debian's chromium via playwright-core), against the example
// server's AgentOS on loopback. Every step saves a screenshot under artifacts/.
import { startDroppingProxy } from '@agentmint/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, screenshot } from './support/chromium.ts';
import { startPageServer } from './support/pageServer.ts';
import { devToken, startStack } from './support/stack.ts';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the browser tests: ${missing}`);

/** Web-first waits poll until this; nothing here measures time. */
const WAIT = { timeout: 60_000 };

describe.skipIf(missing !== undefined)('the playground in Chromium', () => {
  let browser: Browser;
  let stack: Awaited<ReturnType<typeof startStack>>;
  let bare: Awaited<ReturnType<typeof startStack>>;
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  let token: string;
  let bobToken: string;

  beforeAll(async () => {
    pages = await startPageServer();
    [browser, stack, bare, token] = await Promise.all([
      launchChromium(),
      startStack({ cors: { origins: [pages.url] } }),
      startStack(),
      devToken('alice'),
    ]);
    bobToken = await devToken('bob');
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), stack?.close(), bare?.close(), pages?.close()]);
  });

  /** A fresh tab on `url` (own storage), signed in with the dev token. */
  async function openPlayground(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await signIn(page, token, 'alice');
    return page;
  }

  async function signIn(page: Page, jwt: string, sub: string) {
    await page.getByLabel('token').fill(jwt);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect
      .poll(() => page.getByLabel('signed in as').textContent(), WAIT)
      .toBe(`signed in as ${sub}`);
  }

  async function openAgent(page: Page, agentId: string) {
    await page.getByRole('navigation', { name: 'agents' }).getByText(agentId).click();
    await page.getByRole('heading', { name: new RegExp(agentId) }).waitFor(WAIT);
  }

  const runStatus = (page: Page) => page.getByLabel('run status').last();

  it('loads at /playground, signs in with the token command output, and lists the agents', async () => {
    const page = await openPlayground(`${stack.url}/playground`);
    const agents = page.getByRole('navigation', { name: 'agents' }).getByRole('button');
    await expect.poll(() => agents.count(), WAIT).toBe(5);
    expect(await agents.allTextContents()).toEqual([
      expect.stringContaining('tenant-agent'),
      expect.stringContaining('research-agent'),
      expect.stringContaining('workspace-agent'),
      expect.stringContaining('profile-agent'),
      expect.stringContaining('triage-agent'),
    ]);
    // Every GET the page made (its files, the agents, the sessions) started nothing.
    await openAgent(page, 'research-agent');
    expect(await stack.db.listRuns({})).toEqual([]);
    await screenshot(page, '1-agents');
    await page.context().close();
  });

  it('builds the factory form from the schema and shows a bad enum value inline at its field', async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'research-agent');
    const persona = page.getByLabel('persona');
    expect(await persona.evaluate((element) => element.tagName)).toBe('SELECT');
    expect(await persona.inputValue()).toBe('analyst'); // the schema's default
    expect(await page.getByLabel('depth').inputValue()).toBe('3');
    // A value the form would never offer (a stale page, a hand-edited request): only the server knows.
    await persona.evaluate((select) => (select as HTMLSelectElement).add(new Option('pirate')));
    await persona.selectOption('pirate');
    const runsBefore = stack.model.requests.length;
    await page.getByLabel('message').fill('Trends?');
    await page.getByRole('button', { name: 'Send' }).click();
    const issue = page.locator('#factory-persona-issue');
    await issue.waitFor(WAIT);
    expect(await issue.textContent()).toMatch(/analyst|advisor|skeptic/);
    expect(await persona.getAttribute('aria-invalid')).toBe('true');
    expect(await persona.getAttribute('aria-describedby')).toBe('factory-persona-issue');
    expect(await page.getByLabel('depth').getAttribute('aria-invalid')).toBe('false');
    expect(await runStatus(page).textContent()).toMatch(/^failed: FACTORY_VALIDATION/);
    expect(stack.model.requests.length).toBe(runsBefore); // the factory never ran
    expect(await stack.db.listRuns({})).toEqual([]); // and no run was recorded
    await screenshot(page, '2-bad-enum');
    await page.context().close();
  });

  it('streams an answer: deltas show while the run goes on, then it completes', async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'research-agent');
    await page.getByLabel('persona').selectOption('skeptic');
    await page.getByLabel('message').fill('Trends?');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.turn .assistant').last();
    const expected = 'Answer to "Trends?" in ten paced parts.';
    // Part of the answer, shown while the status still says running: a stream, not one reply.
    await page.waitForFunction(
      (full) => {
        const text = document.querySelector('.turn:last-of-type .assistant')?.textContent ?? '';
        const status = document.querySelector('.turn:last-of-type output')?.textContent;
        return text.length > 0 && text.length < full.length && status === 'running…';
      },
      expected,
      WAIT,
    );
    await screenshot(page, '3-streaming');
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    expect(await answer.textContent()).toBe(expected);
    await screenshot(page, '3-completed');
    await page.context().close();
  });

  it('Stop mid-stream cancels the run, and the page says so', async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'tenant-agent');
    await page.getByLabel('message').fill('a slow answer please');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.turn .assistant').last().waitFor(WAIT);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toMatch(/^cancelled/);
    const runId = await page.locator('.turn').last().getAttribute('data-run-id');
    expect(runId).toBeTruthy();
    expect((await stack.db.getRun(runId ?? ''))?.status).toBe('CANCELLED');
    await screenshot(page, '4-stopped');
    await page.context().close();
  });

  it('a cut connection resumes the same run: one run, the whole answer once, the page shows the resume', async () => {
    // Everything through a proxy that cuts the first SSE response after three events.
    await using proxy = await startDroppingProxy(stack.url, { drops: 1, afterEvents: 3 });
    const page = await openPlayground(`${proxy.url}/playground/`);
    await openAgent(page, 'tenant-agent');
    const modelCalls = stack.model.requests.length;
    await page.getByLabel('message').fill('Hello through a flaky network');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    expect(await page.locator('.turn .assistant').last().textContent()).toBe(
      'Answer to "Hello through a flaky network" in ten paced parts.',
    );
    expect(await page.locator('.turn .resumed').textContent()).toMatch(/connection dropped 1×/);
    // One start (a POST), then two watches; only the second resumes (its input's lastEventId).
    const paths = proxy.requests.map((request) => request.path.split('?')[0] ?? '');
    expect(paths.filter((path) => path.endsWith('.start'))).toHaveLength(1);
    expect(paths.filter((path) => path.endsWith('/runs.watch'))).toHaveLength(2);
    expect(proxy.requests.filter((request) => request.lastEventId !== undefined).length).toBe(1);
    // One model call and one run row: the reconnect re-attached, it did not start a second run.
    expect(stack.model.requests.length).toBe(modelCalls + 1);
    const runId = await page.locator('.turn').last().getAttribute('data-run-id');
    const run = await stack.db.getRun(runId ?? '');
    expect(await stack.db.listRuns({ sessionId: run?.sessionId ?? '' })).toHaveLength(1);
    await screenshot(page, '5-resumed');
    await page.context().close();
  });

  it('expands a tool call with its arguments and result', async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'workspace-agent');
    await page.getByLabel('message').fill('What do the docs say?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    const tool = page.locator('.turn details.tool').last();
    expect(await tool.getAttribute('open')).not.toBeNull();
    expect(await tool.locator('summary').textContent()).toBe('tool read_docs');
    expect(JSON.parse((await tool.locator('.tool-arguments').textContent()) ?? '')).toEqual({
      title: 'Roadmap',
    });
    expect(await tool.locator('.tool-result').textContent()).toBe(
      "Contents of 'Roadmap' (workspace of alice)",
    );
    await screenshot(page, '6-tool-call');
    await page.context().close();
  });

  it('a tool that needs approval pauses the run: Approve runs it, Reject tells the model', async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'workspace-agent');
    await page.getByLabel('message').fill('Please save the plan');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => runStatus(page).textContent(), WAIT)
      .toBe('paused: waiting for write_docs');
    const pending = page.getByRole('region', { name: 'pending write_docs' });
    expect(JSON.parse((await pending.locator('.tool-arguments').textContent()) ?? '')).toEqual({
      title: 'Plan',
      body: 'Please save the plan',
    });
    await screenshot(page, '8-approval');
    await pending.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    const approved = page.locator('.turn').last();
    expect(await approved.locator('.tool-result').textContent()).toBe("Saved 'Plan'");
    const runId = (await approved.getAttribute('data-run-id')) ?? '';
    // Continued in place: the same run went PAUSED → COMPLETED, and only one run was made.
    expect(await stack.db.getRun(runId)).toMatchObject({ status: 'COMPLETED' });

    await page.getByLabel('message').fill('Now save it again');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => runStatus(page).textContent(), WAIT)
      .toBe('paused: waiting for write_docs');
    await page.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    const rejected = page.locator('.turn').last();
    expect(await rejected.getByRole('alert').textContent()).toContain('write_docs');
    expect(await rejected.locator('.assistant').last().textContent()).toContain('The docs say:');
    await screenshot(page, '9-rejected');
    await page.context().close();
  });

  it("shows an output-schema agent's typed answer as structured output", async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'triage-agent');
    await page.getByLabel('message').fill('It crashes on save');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    const output = page.getByRole('figure', { name: 'structured output' }).last();
    expect(JSON.parse((await output.locator('pre').textContent()) ?? '')).toEqual({
      label: 'bug',
      priority: 2,
      summary: 'It crashes on save',
    });
    await screenshot(page, '10-structured-output');
    await page.context().close();
  });

  it("sessions: the user's own, opened, renamed and deleted; another user sees none of them", async () => {
    const page = await openPlayground(`${stack.url}/playground/`);
    await openAgent(page, 'tenant-agent');
    await page.getByLabel('message').fill('Remember this one');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    const runId = await page.locator('.turn').last().getAttribute('data-run-id');
    const sessionId = (await stack.db.getRun(runId ?? ''))?.sessionId ?? '';
    const sessions = page.getByRole('navigation', { name: 'sessions' });
    const aliceSessions = await stack.db.listSessions({}, { userId: 'alice' });
    await expect
      .poll(() => sessions.getByRole('listitem').count(), WAIT)
      .toBe(aliceSessions.length);
    // A new chat, then open the session again: its run comes back from the store.
    await page.getByRole('button', { name: 'New chat' }).click();
    const title = `tenant-agent · ${sessionId.slice(-8)}`;
    await sessions.getByRole('button', { name: title, exact: true }).click();
    await expect
      .poll(() => page.locator('.turn.past .user').first().textContent(), WAIT)
      .toBe('Remember this one');
    await sessions.getByRole('button', { name: `Rename ${title}` }).click();
    await page.getByLabel('new name').fill('Kept questions');
    await page.getByRole('button', { name: 'Save' }).click();
    await sessions.getByRole('button', { name: 'Kept questions', exact: true }).waitFor(WAIT);
    expect((await stack.db.getSession(sessionId))?.name).toBe('Kept questions');
    await screenshot(page, '7-sessions');
    await sessions.getByRole('button', { name: 'Delete Kept questions' }).click();
    await expect
      .poll(() => sessions.getByRole('listitem').count(), WAIT)
      .toBe(aliceSessions.length - 1);
    expect(await stack.db.getSession(sessionId)).toBeUndefined();
    // Bob's token: the list is scoped to his sub, and he has no sessions.
    await signIn(page, bobToken, 'bob');
    await sessions.getByText('No sessions yet.').waitFor(WAIT);
    await page.context().close();
  });

  it('a page on another origin uses the API when CORS allows it', async () => {
    const page = await openPlayground(`${pages.url}/playground/?api=${stack.url}`);
    const agents = page.getByRole('navigation', { name: 'agents' }).getByRole('button');
    await expect.poll(() => agents.count(), WAIT).toBe(5);
    await openAgent(page, 'tenant-agent');
    await page.getByLabel('message').fill('Cross-origin hello');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => runStatus(page).textContent(), WAIT).toBe('completed');
    await screenshot(page, '8-cors-on');
    await page.context().close();
  });

  it('and fails cleanly when the server has CORS off: an error naming both causes, no crash', async () => {
    const page = await openPlayground(`${pages.url}/playground/?api=${bare.url}`);
    const error = page.getByRole('navigation', { name: 'agents' }).getByRole('alert');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toMatch(
      /^NETWORK_ERROR: No response from the AgentMint server could be read .*blocked the response/,
    );
    expect(bare.model.requests).toHaveLength(0);
    await screenshot(page, '9-cors-off');
    await page.context().close();
  });
});
