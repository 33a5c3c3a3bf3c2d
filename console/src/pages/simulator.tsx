import { get, has } from '../api.ts';
import { Card, Empty, Json, Loading, Page, useLoad } from '../ui.tsx';

/** The simulator's latest comparison route, whichever of the known spellings the server has. */
const CANDIDATES = ['/v1/simulator/latest', '/v1/simulations/latest', '/v1/sim/latest'];

export function Simulator() {
  const path = CANDIDATES.find(has);
  const r = useLoad(path ? () => get<any>(path) : undefined, [path]);
  return (
    <Page title="Simulator">
      {!path ? <Empty>The simulator is not part of this server yet: run one to compare policies before they meet shoppers.</Empty> : null}
      <Loading state={r} />
      {path && r.data === null ? <Empty>No simulation has run yet.</Empty> : null}
      {r.data ? <Card title="Latest comparison"><Json value={r.data} /></Card> : null}
    </Page>
  );
}
