/** How the benchmark makes accounts through the API, as any client app does: an app, its own token, registrations. */
export async function registerAccounts(
  base: string,
  handles: readonly string[],
  password: string,
): Promise<string[]> {
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
  const scope = 'read write follow';
  const app = await post('/api/v1/apps', {
    client_name: 'bench',
    redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
    scopes: scope,
  });
  const { access_token: appToken } = await post('/oauth/token', {
    grant_type: 'client_credentials',
    client_id: app.client_id,
    client_secret: app.client_secret,
    scope,
  });
  const tokens: string[] = [];
  for (const username of handles) {
    const token = await post('/api/v1/accounts', { username, password, agreement: true }, appToken);
    tokens.push(token.access_token as string);
  }
  return tokens;
}
