/** The page side of the Chromium measurement (verify-worker.ts bundles this file). */
import { measureFixture } from './verify-measure';

(globalThis as { measureFixture?: typeof measureFixture }).measureFixture = measureFixture;
