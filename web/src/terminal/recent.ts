/**
 * The settlements made on this till in this browser session, newest first, so the cashier can reopen one
 * (receipt, refund) without typing its id. Ids and amounts only: no names or ID numbers are kept.
 */
export interface RecentSettlement {
  id: string;
  at: string;
  total: number;
  maskedName: string;
}

const KEY = 'yibao.terminal.recent';

export function recentSettlements(): RecentSettlement[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as RecentSettlement[]) : [];
  } catch {
    return [];
  }
}

export function rememberSettlement(s: RecentSettlement): void {
  const list = [s, ...recentSettlements().filter((r) => r.id !== s.id)].slice(0, 50);
  sessionStorage.setItem(KEY, JSON.stringify(list));
}

export function forgetRecent(): void {
  sessionStorage.removeItem(KEY);
}
