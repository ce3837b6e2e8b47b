// `npm run build:web`: the web client alone (scripts/web-client.js); `--force` builds it even if nothing changed.
import { buildWeb } from './web-client.js';

await buildWeb({ force: process.argv.includes('--force') });
