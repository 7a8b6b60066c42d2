import { useQueryClient } from '@tanstack/react-query';
import { useState, useSyncExternalStore } from 'react';
import { tokenStore, tokenSubject } from '../tokenStore.ts';

/** Paste a JWT (e.g. `pnpm --filter @agentmint/server token --sub alice`); shows who it signs in. */
export function TokenBox() {
  const token = useSyncExternalStore(tokenStore.subscribe, tokenStore.get);
  const [draft, setDraft] = useState(token);
  const queryClient = useQueryClient();
  const apply = (next: string) => {
    tokenStore.set(next);
    setDraft(tokenStore.get());
    // Everything listed so far belonged to the previous identity.
    void queryClient.resetQueries();
  };
  const subject = token ? tokenSubject(token) : undefined;
  return (
    <form
      className="token"
      onSubmit={(event) => {
        event.preventDefault();
        apply(draft);
      }}
    >
      <label htmlFor="token">token</label>
      <input
        id="token"
        type="password"
        autoComplete="off"
        placeholder="Paste a JWT (Bearer prefix optional)"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button type="submit">Use token</button>
      {token && (
        <button type="button" onClick={() => apply('')}>
          Sign out
        </button>
      )}
      <output className="identity" aria-label="signed in as">
        {subject === undefined
          ? 'anonymous (no token)'
          : 'sub' in subject
            ? `signed in as ${subject.sub}`
            : `token ignored by this page: ${subject.problem}`}
      </output>
    </form>
  );
}
