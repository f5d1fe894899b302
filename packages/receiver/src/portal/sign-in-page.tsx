/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
/** The sign-in form: the token goes in a POST body, never in a URL. */
export function SignInPage({ csrf, error }: { csrf: string; error?: string | undefined }) {
  return (
    <section class="signin" aria-labelledby="signin-h">
      <h2 id="signin-h">Sign in</h2>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <form method="post" action="/portal/sign-in">
        <input type="hidden" name="csrf" value={csrf} />
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <p class="note">The token your agency gave you (a TOKENLEDGER_API_TOKENS entry).</p>
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}

/** Any refusal or failure: says what happened, never which client or data was involved. */
export function MessagePage({ title, message }: { title: string; message: string }) {
  return (
    <section aria-labelledby="message-h">
      <h2 id="message-h">{title}</h2>
      <p>{message}</p>
      <p><a href="/portal">Back to the portal</a></p>
    </section>
  );
}
