import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import './shared/i18n.ts';
import './shared/styles.css';
import { Home } from './home.tsx';

// Each app loads only when it is opened: a phone showing the QR code never downloads the agency console.
const PersonApp = lazy(() => import('./person/App.tsx'));
const TerminalApp = lazy(() => import('./terminal/App.tsx'));
const ConsoleApp = lazy(() => import('./console/App.tsx'));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <Suspense fallback={<p className="muted">…</p>}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/app/*" element={<PersonApp />} />
          <Route path="/terminal/*" element={<TerminalApp />} />
          <Route path="/console/*" element={<ConsoleApp />} />
          <Route path="*" element={<Home />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
