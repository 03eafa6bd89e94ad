/** The verifier's words (verdicts, the lists' age…), read through `tw()`: imported by the verifier screen. */
import { verifierVi } from './verifier-vi';
import { addWalletWords } from './wallet';

await addWalletWords(verifierVi, async () => (await import('./verifier-en')).verifierEn);
