/** The page side of the Chromium measurement (verify-worker.ts bundles this file). */
import { VerifyMeasurer } from './verify-measure';

(globalThis as { VerifyMeasurer?: typeof VerifyMeasurer }).VerifyMeasurer = VerifyMeasurer;
