/**
 * Entry of the standalone editor bundle (see load.ts): publishes the configured Monaco API on a global the page
 * picks up once the script has run.
 */
import { monaco } from "./index.ts";

(globalThis as { offsetMonaco?: typeof monaco }).offsetMonaco = monaco;
