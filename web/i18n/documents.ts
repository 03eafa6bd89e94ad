/**
 * The words of documents drawn as their cards and of the QR screen (field labels, document
 * names, the QR screen's text), read through `tw()`: imported by the modules that draw them.
 */
import { documentsVi } from './documents-vi';
import { addWalletWords } from './wallet';

await addWalletWords(documentsVi, async () => (await import('./documents-en')).documentsEn);
