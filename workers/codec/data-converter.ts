/**
 * The data converter every Ballast Temporal client and worker uses: the SDK's default payload
 * converter, plus the AES-GCM codec when keys are configured. Without keys it is undefined, i.e.
 * the SDK's default and plain-JSON payloads.
 *
 * @module
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec.js';
import { loadKeyring, type CodecKeySettings } from './keys.js';

/** `{ payloadCodecs: [AES-GCM] }` for the configured keys, or undefined when none are configured. */
export function codecDataConverter(settings: CodecKeySettings): DataConverter | undefined {
  const keyring = loadKeyring(settings);
  return keyring ? { payloadCodecs: [new AesGcmCodec(keyring)] } : undefined;
}

/** The key settings from the environment, for processes without a full configuration (the CLI). */
export function codecSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CodecKeySettings {
  const value = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  return {
    codecKeysFile: value('BALLAST_CODEC_KEYS_FILE'),
    codecKey: value('BALLAST_CODEC_KEY'),
    codecKeyId: value('BALLAST_CODEC_KEY_ID'),
  };
}
