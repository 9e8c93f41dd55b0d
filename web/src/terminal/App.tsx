import { Route, Routes } from 'react-router-dom';
import { StaffApp } from './StaffApp.tsx';
import { TillApp } from './TillApp.tsx';

/**
 * The institution terminal (hospital HIS / pharmacy POS till), mounted at /terminal.
 * The till signs in with its terminal credential; the institution's staff manage terminals and prices
 * under /terminal/staff with their own login.
 */
export default function TerminalApp() {
  return (
    <Routes>
      <Route path="staff/*" element={<StaffApp />} />
      <Route path="*" element={<TillApp />} />
    </Routes>
  );
}
