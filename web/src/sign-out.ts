import { call } from './api.js';
import { navigate } from './router.js';
import { saveSession } from './session.js';

/** Ends the session on the server (best effort) and here, and shows the sign-in page. */
export async function signOut(): Promise<void> {
  try {
    await call('DELETE', '/sessions/current');
  } catch {
    // Signed out here either way; a token the server already dropped is no loss.
  }
  navigate('/login');
  saveSession(null);
}
