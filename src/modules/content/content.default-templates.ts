/**
 * Default templates (seeded when the table is empty): the playbooks cart_recovery,
 * browse_abandonment, replenishment, cross_sell, welcome, win_back, back_in_stock, price_drop,
 * each for email, sms and push, and `generic` (any decision) which also has in_app and webhook
 * JSON modules. Copy is in blocks; templates lay out blocks, products, the offer and the footer.
 * Every marketing email carries {{ unsubscribe_url }} and {{ postal_address }}; every SMS says
 * how to opt out; push titles and bodies are truncated to their limits.
 */
import type { BlockKind, FunnelStage, TemplateInput } from './content.types.ts';

interface Playbook {
  id: string; name: string; stage?: FunnelStage; subject: string; preheader: string; pushTitle: string;
  /** Which list leads: the products the message is about, or recommendations. */
  lead: 'products' | 'recommendations';
  link: string;
  /** Extra block kinds in the email besides hook, proof_point, reassurance, cta, disclosure. */
  extra?: BlockKind[];
  /** One product line for SMS and push (e.g. its sale price). */
  productLine?: string;
}

const ASSIGN = (lead: Playbook['lead']) => lead === 'products'
  ? '{% assign items = products %}{% if items.size == 0 %}{% assign items = recommendations %}{% endif %}'
  : '{% assign items = recommendations %}{% if items.size == 0 %}{% assign items = products %}{% endif %}';
const OFFER_HTML = '{% if offer %}<p style="font-size:18px"><b>{{ offer.formatted | capitalize }}</b>{% if offer.code %} with code <b>{{ offer.code }}</b>{% endif %}</p>{% endif %}';
const OFFER_TEXT = '{% if offer %}{{ offer.formatted | capitalize }}{% if offer.code %} with code {{ offer.code }}{% endif %}\n{% endif %}';
const PRICE = '{% if p.on_sale %}<s>{{ p.price }}</s> <b>{{ p.sale_price }}</b>{% else %}{{ p.price }}{% endif %}';
const PRODUCTS_HTML = '{% for p in items limit: 3 %}<table role="presentation" cellpadding="0" cellspacing="0" style="margin:12px 0"><tr>'
  + '{% if p.image %}<td width="96"><img src="{{ p.image }}" width="96" alt="{{ p.name }}"></td>{% endif %}'
  + `<td style="padding-left:12px"><a href="{{ p.url }}">{{ p.name }}</a><br>${PRICE}</td></tr></table>{% endfor %}`;
const PRODUCTS_TEXT = '{% for p in items limit: 3 %}- {{ p.name }}: {% if p.on_sale %}{{ p.sale_price }} (was {{ p.price }}){% else %}{{ p.price }}{% endif %} {{ p.url }}\n{% endfor %}';
const SMALL = 'style="font-size:12px;color:#666"';
const para = (kind: BlockKind, style = '') => `{% if blocks.${kind} != blank %}<p${style ? ' ' + style : ''}>{{ blocks.${kind} }}</p>{% endif %}`;
const line = (kind: BlockKind) => `{% if blocks.${kind} != blank %}{{ blocks.${kind} }}\n{% endif %}`;

function email(p: Playbook): NonNullable<TemplateInput['email']> {
  const kinds: BlockKind[] = ['proof_point', ...(p.extra ?? []), 'reassurance'];
  return {
    subject: p.subject,
    preheader: p.preheader,
    html: `<!doctype html><html><body style="margin:0;font-family:Arial,Helvetica,sans-serif;color:#222">${ASSIGN(p.lead)}`
      + '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="padding:24px;max-width:600px">'
      + `<p ${SMALL}>{{ store.name }}</p><h1 style="font-size:22px">{{ blocks.hook }}</h1>${OFFER_HTML}${PRODUCTS_HTML}`
      + kinds.map((k) => para(k)).join('')
      + `<p><a href="${p.link}" style="display:inline-block;background:#222;color:#fff;padding:12px 20px;text-decoration:none;border-radius:4px">{{ blocks.cta }}</a></p>`
      + para('disclosure', SMALL)
      + `<p ${SMALL}>{{ postal_address }}<br>You receive this because you subscribed to {{ store.name }} emails. <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>`
      + '</td></tr></table></body></html>',
    text: `${ASSIGN(p.lead)}{{ blocks.hook }}\n\n${OFFER_TEXT}${PRODUCTS_TEXT}\n${kinds.map(line).join('')}\n{{ blocks.cta }}: ${p.link}\n\n`
      + `${line('disclosure')}\n{{ postal_address }}\nUnsubscribe: {{ unsubscribe_url }}\n`,
  };
}

const sms = (p: Playbook): NonNullable<TemplateInput['sms']> => ({
  body: `${ASSIGN(p.lead)}{{ store.name }}: {{ blocks.hook }}${p.productLine ?? ''}{% if offer %} {{ offer.formatted | capitalize }}{% if offer.code %} with code {{ offer.code }}{% endif %}.{% endif %} {{ blocks.cta }}: ${p.link} Reply STOP to opt out`,
});

const push = (p: Playbook): NonNullable<TemplateInput['push']> => ({
  title: `{{ ${p.pushTitle} | truncate: 50 }}`,
  body: `${ASSIGN(p.lead)}{% capture msg %}{{ blocks.hook }}${p.productLine ?? ''}{% if offer %} {{ offer.formatted | capitalize }}.{% endif %}{% endcapture %}{{ msg | strip | truncate: 178 }}`,
  url: ASSIGN(p.lead) + p.link,
});

const SALE_LINE = '{% if items.size > 0 %} {{ items[0].name | truncate: 40 }}{% if items[0].on_sale %} is now {{ items[0].sale_price }}{% else %} is {{ items[0].price }}{% endif %}.{% endif %}';
const NAME_LINE = '{% if items.size > 0 %} {{ items[0].name | truncate: 40 }}.{% endif %}';

export const PLAYBOOKS: Playbook[] = [
  { id: 'cart_recovery', name: 'Cart recovery', stage: 'cart', lead: 'products', link: '{{ store.url }}/cart',
    subject: '{{ profile.first_name | default: "Hi" }}, your cart at {{ store.name }} is saved', preheader: '{% if offer %}{{ offer.formatted | capitalize }} is waiting for you{% else %}Pick up where you left off{% endif %}',
    pushTitle: '"Your cart is saved"', productLine: NAME_LINE },
  { id: 'browse_abandonment', name: 'Browse abandonment', stage: 'consideration', lead: 'products', link: '{% if items.size > 0 %}{{ items[0].url }}{% else %}{{ store.url }}{% endif %}',
    subject: `${ASSIGN('products')}{% if items.size > 0 %}Still thinking about {{ items[0].name | truncate: 40 }}?{% else %}Still looking?{% endif %}`, preheader: 'The things you viewed are waiting',
    pushTitle: '"Still thinking about it?"', extra: ['objection_handler'], productLine: NAME_LINE },
  { id: 'replenishment', name: 'Replenishment', stage: 'retention', lead: 'products', link: '{% if items.size > 0 %}{{ items[0].url }}{% else %}{{ store.url }}{% endif %}',
    subject: 'Time to restock?', preheader: 'Reorder your favourites in a click', pushTitle: '"Time to restock?"', productLine: NAME_LINE },
  { id: 'cross_sell', name: 'Cross-sell', stage: 'post_purchase', lead: 'recommendations', link: '{% if items.size > 0 %}{{ items[0].url }}{% else %}{{ store.url }}{% endif %}',
    subject: 'Picked to go with your order', preheader: 'Pieces that pair well with what you bought', pushTitle: '"Picked to go with your order"', productLine: NAME_LINE },
  { id: 'welcome', name: 'Welcome', stage: 'awareness', lead: 'recommendations', link: '{{ store.url }}',
    subject: 'Welcome to {{ store.name }}', preheader: "We're glad you're here", pushTitle: '"Welcome to " | append: store.name' },
  { id: 'win_back', name: 'Win-back', stage: 'winback', lead: 'recommendations', link: '{{ store.url }}',
    subject: 'We miss you at {{ store.name }}', preheader: "Here is what's new since your last visit", pushTitle: '"We miss you"' },
  { id: 'back_in_stock', name: 'Back in stock', lead: 'products', link: '{% if items.size > 0 %}{{ items[0].url }}{% else %}{{ store.url }}{% endif %}',
    subject: `${ASSIGN('products')}{% if items.size > 0 %}{{ items[0].name | truncate: 40 }} is back in stock{% else %}Good news: it's back in stock{% endif %}`, preheader: 'Get it before it sells out again', pushTitle: '"Back in stock"', productLine: NAME_LINE },
  { id: 'price_drop', name: 'Price drop', lead: 'products', link: '{% if items.size > 0 %}{{ items[0].url }}{% else %}{{ store.url }}{% endif %}',
    subject: `${ASSIGN('products')}Price drop{% if items.size > 0 %} on {{ items[0].name | truncate: 50 }}{% endif %}`, preheader: 'A price you watched just dropped', pushTitle: '"Price drop"', productLine: SALE_LINE },
  { id: 'generic', name: 'Generic (any decision)', lead: 'recommendations', link: '{% if items.size > 0 %}{{ items[0].url }}{% else %}{{ store.url }}{% endif %}',
    subject: '{{ profile.first_name | default: "Hi" }}, picked for you at {{ store.name }}', preheader: '{% if offer %}{{ offer.formatted | capitalize }} inside{% else %}A few things we think you will like{% endif %}',
    pushTitle: 'store.name', extra: ['objection_handler'], productLine: NAME_LINE },
];

const DATA = `${ASSIGN('recommendations')}{"hook": {{ blocks.hook | json }}, "proof": {{ blocks.proof_point | json }}, "objection": {{ blocks.objection_handler | json }}, `
  + '"reassurance": {{ blocks.reassurance | json }}, "cta": {{ blocks.cta | json }}, "disclosure": {{ blocks.disclosure | json }}, '
  + '"url": {% if items.size > 0 %}{{ items[0].url | json }}{% else %}{{ store.url | json }}{% endif %}, '
  + '"products": [{% for p in items limit: 4 %}{"id": {{ p.id | json }}, "name": {{ p.name | json }}, "price": {{ p.price | json }}, "salePrice": {{ p.sale_price | json }}, "url": {{ p.url | json }}, "image": {{ p.image | json }}}{% unless forloop.last %}, {% endunless %}{% endfor %}], '
  + '"offer": {% if offer %}{"id": {{ offer.id | json }}, "text": {{ offer.formatted | json }}, "code": {{ offer.code | json }}}{% else %}null{% endif %}, '
  + '"action": {% if action %}{{ action | json }}{% else %}null{% endif %}}';

export const DEFAULT_TEMPLATES: TemplateInput[] = PLAYBOOKS.map((p) => ({
  id: p.id, name: p.name, purpose: 'marketing', ...(p.stage ? { funnelStage: p.stage } : {}), themes: p.id === 'generic' ? [] : [p.id], status: 'active',
  email: email(p), sms: sms(p), push: push(p),
  ...(p.id === 'generic' ? { in_app: { data: DATA }, webhook: { data: DATA } } : {}),
}));
