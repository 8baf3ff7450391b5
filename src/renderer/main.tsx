/** Renderer entry: one React root over the app shell; the bridge and stores are wired in boot.ts. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { boot } from './boot.ts';
import { startLanguage } from './i18n/index.ts';
import { startTheme } from './theme.ts';
import './styles.css';

startTheme();
startLanguage();
boot();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
