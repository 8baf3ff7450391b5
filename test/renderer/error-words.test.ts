/** Every error code the engine can raise has plain words; unknown codes still get a sentence, raw text kept. */
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/engine/core/errors.ts';
import { bridgeError } from '../../src/renderer/bridge/errors.ts';
import { errorLine, errorWords, explainError } from '../../src/renderer/error-words.ts';

describe('error words', () => {
  it('cover every engine error code, without CLI instructions', () => {
    for (const code of Object.values(ErrorCodes)) {
      const w = errorWords(code);
      expect(w.title.length, code).toBeGreaterThan(3);
      // GUI words, not command-line advice ("give --password-file", "run 'warp archive verify'").
      expect(`${w.title} ${w.hint}`, code).not.toMatch(/--[a-z]|(?<![.\w])warp (archive|listen|verify)\b/);
    }
  });
  it('keep the raw code and message, and map actions', () => {
    const x = explainError(bridgeError('E_KEY_REQUIRED', 'archive is encrypted: give --password-file'));
    expect(x).toMatchObject({
      title: 'This archive is locked',
      action: 'unlock',
      code: 'E_KEY_REQUIRED',
      message: 'archive is encrypted: give --password-file',
    });
    expect(explainError(bridgeError('E_PEER_NOT_PAIRED', 'x')).action).toBe('pair');
    expect(explainError(new Error('[E_VERIFY_FAILED] bad')).action).toBe('verify');
    expect(explainError(bridgeError('HTTP_503', 'x')).title).toMatch(/inside Warp/);
    expect(errorLine(bridgeError('SOMETHING_NEW', 'raw'))).toBe('That did not work. The details below say why.');
  });
});
