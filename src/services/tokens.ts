import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: far past the 128 bits a bearer token needs to be unguessable. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Only this is stored, so a leaked sessions table grants nothing. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
