/** The `starling` command from the sources (fault tests run it without a build, so test files never race one). */
import { main } from '../../src/cli/main.js';

await main(process.argv.slice(2));
