/** Preload bridge (minimal until the desktop issue): exposes the typed contract of src/shared, nothing more. */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('warp', { version: '0.1.0' });
