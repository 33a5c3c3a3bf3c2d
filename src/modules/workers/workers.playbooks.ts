/**
 * Shipped playbooks: ready worker documents with sensible defaults, installed with
 * POST /v1/playbooks/{name}/install (or `braid workers apply` on an edited copy). Each decides
 * with the brain at its own placement, so incentives appear only where they pay, and each keeps
 * a 10% holdout so its lift is measured from day one. Event names follow Segment's e-commerce spec.
 */
const GOAL = { event: 'Order Completed', metric: 'contribution' } as const;

export const PLAYBOOKS: ReadonlyArray<Record<string, unknown> & { id: string; playbook: string; name: string }> = [
  {
    id: 'wkr_cart_recovery', playbook: 'cart_recovery', name: 'Cart recovery',
    description: 'Checkout started but no order within 1 hour: a message with the cart, reassurance or, only when it pays, an incentive; a day later, a last-call email for carts in the top 40% by value.',
    owner: 'growth', riskTier: 'medium', holdoutPct: 10, goal: { ...GOAL, matchKey: true },
    trigger: { type: 'event', event: 'Checkout Started', key: 'order_id', unlessFollowedBy: { event: 'Order Completed', within: '1h' } },
    entry: { reentry: 'cooldown', cooldown: '1d' },
    steps: [
      { id: 'pick', type: 'decide', placement: 'email_cart_recovery' },
      { id: 'remind', type: 'send', channel: 'auto', channels: ['email', 'push', 'sms'], template: 'cart_recovery' },
      { id: 'second_chance', type: 'wait_for_event', event: 'Order Completed', match: 'order_id', timeout: '1d', onEvent: 'exit' },
      // The second touch only where it pays most: carts in the top 40% of this store's own carts
      // of the last 30 days by value (rank 0-1, workers.rank.ts), so the last call adds well under
      // half the messages of a last call for every cart. Lower the 0.6 to spend more, raise it to spend less.
      { id: 'worth_it', type: 'branch', if: { path: 'rank.event.properties.value', op: 'lt', value: 0.6 }, then: 'done' },
      { id: 'last_call', type: 'send', channel: 'email', template: 'cart_recovery' },
      { id: 'done', type: 'exit' },
    ],
  },
  {
    id: 'wkr_browse_abandonment', playbook: 'browse_abandonment', name: 'Browse abandonment',
    description: 'Viewed a product, added nothing within 2 hours: similar products or reassurance, no discount.',
    owner: 'growth', riskTier: 'low', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'event', event: 'Product Viewed', key: 'product_id', unlessFollowedBy: { event: 'Product Added', within: '2h' } },
    entry: { reentry: 'cooldown', cooldown: '3d' },
    steps: [
      { id: 'pick', type: 'decide', placement: 'email_browse_abandonment' },
      { id: 'nudge', type: 'send', channel: 'email', template: 'browse_abandonment', timing: 'best_hour', maxDelay: '12h' },
    ],
  },
  {
    id: 'wkr_replenishment', playbook: 'replenishment', name: 'Replenishment',
    description: "Daily: shoppers whose own purchase interval says they are due within 3 days get a reminder of what they rebuy (no discount), once per purchase cycle.",
    owner: 'growth', riskTier: 'low', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'schedule', every: '1d', atHour: 14, where: { path: 'traits.replenishmentDueDays', op: 'lte', value: 3 } },
    // Once per purchase cycle: a shopper reminded who has not ordered since is not reminded again
    // (before, every week while they stayed overdue, for ever; lapsing is win-back's job).
    entry: { reentry: 'after_order', where: { path: 'profile.orders.count', op: 'gte', value: 2 } },
    steps: [
      // No incentive: a due shopper rebuys anyway (a code mostly pays for orders that were coming).
      { id: 'pick', type: 'decide', placement: 'email_replenishment', offer: 'none' },
      { id: 'remind', type: 'send', channel: 'auto', channels: ['email', 'push'], template: 'replenishment', timing: 'best_hour', maxDelay: '1d' },
    ],
  },
  {
    id: 'wkr_cross_sell', playbook: 'cross_sell', name: 'Post-purchase cross-sell',
    description: 'Three days after an order: complements of what was bought.',
    owner: 'growth', riskTier: 'low', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'event', event: 'Order Completed', key: 'order_id' },
    entry: { reentry: 'cooldown', cooldown: '7d' },
    steps: [
      { id: 'settle', type: 'wait', duration: '3d' },
      { id: 'pick', type: 'decide', placement: 'email_cross_sell' },
      { id: 'suggest', type: 'send', channel: 'email', template: 'cross_sell', timing: 'best_hour', maxDelay: '1d' },
    ],
  },
  {
    id: 'wkr_welcome', playbook: 'welcome', name: 'First-purchase welcome and education',
    description: 'After a first order: thanks, how to get the most of it, then a suggestion a week later.',
    owner: 'growth', riskTier: 'low', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'event', event: 'Order Completed', where: { path: 'profile.orders.count', op: 'eq', value: 1 } },
    entry: { reentry: 'never' },
    steps: [
      { id: 'settle', type: 'wait', duration: '1d' },
      { id: 'welcome', type: 'send', channel: 'email', template: 'welcome' },
      { id: 'later', type: 'wait', duration: '7d' },
      { id: 'pick', type: 'decide', placement: 'email_welcome' },
      { id: 'suggest', type: 'send', channel: 'email', template: 'welcome' },
    ],
  },
  {
    id: 'wkr_win_back', playbook: 'win_back', name: 'Win-back for lapsing shoppers',
    description: 'When a past buyer becomes at risk: favourites first; the brain offers an incentive only where it pays.',
    owner: 'growth', riskTier: 'medium', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'segment', where: { path: 'traits.lifecycle', op: 'in', value: ['at_risk', 'lapsed'] }, sweep: '1h' },
    entry: { reentry: 'cooldown', cooldown: '30d' },
    steps: [
      { id: 'pick', type: 'decide', placement: 'email_win_back' },
      { id: 'miss_you', type: 'send', channel: 'email', template: 'win_back', timing: 'best_hour', maxDelay: '1d' },
      { id: 'wait_order', type: 'wait_for_event', event: 'Order Completed', timeout: '7d', onEvent: 'exit' },
      { id: 'pick_again', type: 'decide', placement: 'email_win_back' },
      { id: 'follow_up', type: 'send', channel: 'auto', channels: ['email', 'push'], template: 'win_back' },
    ],
  },
  {
    id: 'wkr_back_in_stock', playbook: 'back_in_stock', name: 'Back in stock',
    description: 'A product a shopper wished for, carted or viewed is back: tell them once.',
    owner: 'merchandising', riskTier: 'low', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'catalog', change: 'back_in_stock', audience: ['wishlist', 'cart', 'viewed'] },
    entry: { reentry: 'cooldown', cooldown: '7d' },
    steps: [{ id: 'tell', type: 'send', channel: 'auto', channels: ['push', 'email'], template: 'back_in_stock' }],
  },
  {
    id: 'wkr_price_drop', playbook: 'price_drop', name: 'Price drop',
    description: 'A product a shopper wished for or carted dropped at least 10% in price.',
    owner: 'merchandising', riskTier: 'low', holdoutPct: 10, goal: GOAL,
    trigger: { type: 'catalog', change: 'price_drop', audience: ['wishlist', 'cart'], minDropPct: 10 },
    entry: { reentry: 'cooldown', cooldown: '7d' },
    steps: [{ id: 'tell', type: 'send', channel: 'auto', channels: ['email', 'push'], template: 'price_drop' }],
  },
];
