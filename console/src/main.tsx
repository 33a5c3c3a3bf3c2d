import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { can, has, hasToken, loadCapabilities, setToken, whoAmI, type Principal } from './api.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { SignIn } from './pages/signin.tsx';
import { Overview } from './pages/overview.tsx';
import { WorkerDetail, Workers, NewWorker } from './pages/workers.tsx';
import { WorkerReport } from './pages/worker-report.tsx';
import { Approvals } from './pages/approvals.tsx';
import { DecisionDetail, Decisions } from './pages/decisions.tsx';
import { Shopper, Shoppers } from './pages/shoppers.tsx';
import { Offers } from './pages/offers.tsx';
import { Content } from './pages/content.tsx';
import { Experiments } from './pages/experiments.tsx';
import { Simulator } from './pages/simulator.tsx';
import './style.css';

const NAV: Array<{ to: string; label: string; shoppers?: boolean }> = [
  { to: '/', label: 'Overview' },
  { to: '/workers', label: 'Workers' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/decisions', label: 'Decisions', shoppers: true },
  { to: '/shoppers', label: 'Shoppers', shoppers: true },
  { to: '/offers', label: 'Offers & guardrails' },
  { to: '/content', label: 'Content' },
  { to: '/experiments', label: 'Experiments' },
  { to: '/simulator', label: 'Simulator' },
];

function route(path: string, me: Principal) {
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (seg[0]) {
    case undefined: return <Overview me={me} />;
    case 'workers':
      if (seg[1] && seg[2] === 'report') return <WorkerReport id={seg[1]} />;
      return seg[1] === 'new' ? <NewWorker me={me} /> : seg[1] ? <WorkerDetail id={seg[1]} me={me} /> : <Workers me={me} />;
    case 'approvals': return <Approvals me={me} />;
    case 'decisions':
    case 'shoppers':
      if (!can.readShoppers(me)) return <div className="empty">Your role ({me.role}) does not see per-shopper data.</div>;
      break;
  }
  switch (seg[0]) {
    case 'decisions': return seg[1] ? <DecisionDetail id={seg[1]} /> : <Decisions />;
    case 'shoppers': return seg[1] ? <Shopper refId={seg[1]} /> : <Shoppers />;
    case 'offers': return <Offers me={me} />;
    case 'content': return <Content />;
    case 'experiments': return <Experiments />;
    case 'simulator': return <Simulator />;
    default: return <div className="empty">No page at {path}. <Link to="/">Back to the overview</Link></div>;
  }
}

function App() {
  const [ready, setReady] = useState(false);
  const [me, setMe] = useState<Principal | null>(null);
  const { path } = useLocation();
  useEffect(() => {
    loadCapabilities()
      .then(() => (hasToken() ? whoAmI().then(setMe, () => setToken(null)) : undefined))
      .finally(() => setReady(true));
  }, []);
  if (!ready) return <div className="loading">Loading…</div>;
  if (!me) return <SignIn onSignedIn={setMe} userAccounts={has('/v1/auth/login')} />;
  const signOut = () => {
    if (has('/v1/auth/logout')) void fetch('/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${sessionStorage.getItem('braid.console.token') ?? ''}` } }).catch(() => undefined);
    setToken(null); setMe(null); navigate('/');
  };
  const active = (to: string) => (to === '/' ? path === '/' : path === to || path.startsWith(to + '/'));
  return (
    <div className="shell">
      <nav className="nav">
        <div className="brand">Braid</div>
        {NAV.filter((n) => !n.shoppers || can.readShoppers(me)).map((n) => <Link key={n.to} to={n.to} className={active(n.to) ? 'active' : ''}>{n.label}</Link>)}
        <div className="me" data-testid="me">
          <div>{me.name}</div>
          <div className="muted">{me.role}{can.edit(me) ? '' : ' · read only'}</div>
          <button className="link" onClick={signOut}>Sign out</button>
        </div>
      </nav>
      <main className="main">{route(path, me)}</main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
