// Orders from a CSV file (the columns are documented on the page, under "CSV columns").
// Every value stays a string: ids and amounts go to kjb exactly as written.

/** Thrown for a CSV kjb would not get sensible orders from; `line` is 1-based. */
export class CsvError extends Error {
  constructor(line, message) {
    super(message);
    this.line = line;
  }
}

/** RFC 4180 records: [{line, fields}] (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text) {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = [];
  let fields = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else {
      field += c;
    }
    i += 1;
  }
  if (quoted) throw new CsvError(recordLine, 'a quoted field is not closed');
  if (field !== '' || fields.length) endRecord();
  return records;
}

const COLUMNS = [
  'orderId',
  'amount',
  'status',
  'tradeType',
  'currency',
  'supplierLoginId',
  'supplierKjb',
  'supplierChengxintong',
  'offerId',
  'title',
  'category',
  'offerKjb',
  'sellerOrder',
  'redEnvelope',
];
const REQUIRED = ['orderId', 'amount', 'supplierLoginId', 'offerId'];

function bool(value, fallback, line, column) {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  if (['true', 'yes', 'y', '1', '是'].includes(v)) return true;
  if (['false', 'no', 'n', '0', '否'].includes(v)) return false;
  throw new CsvError(line, `${column} must be true or false, not "${value}"`);
}

/**
 * CSV text → the orders array of kjb's contract (ids and amounts as strings). One row per item;
 * rows with the same orderId add items to the order of its first row.
 */
export function ordersFromCsv(text) {
  const records = parseCsv(text);
  if (records.length === 0) throw new CsvError(1, 'the file is empty');
  const header = records[0].fields.map((h) => h.trim());
  const index = {};
  header.forEach((h, i) => {
    const known = COLUMNS.find((c) => c.toLowerCase() === h.toLowerCase());
    if (known && index[known] === undefined) index[known] = i;
  });
  const missing = REQUIRED.filter((c) => index[c] === undefined);
  if (missing.length)
    throw new CsvError(records[0].line, `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);

  const orders = [];
  const byId = new Map();
  for (const { line, fields } of records.slice(1)) {
    const get = (c) => (index[c] === undefined ? '' : (fields[index[c]] ?? '').trim());
    for (const c of REQUIRED) if (get(c) === '') throw new CsvError(line, `${c} is empty`);
    const item = { offerId: get('offerId') };
    if (get('title')) item.title = get('title');
    if (get('category')) item.category = get('category');
    if (index.offerKjb !== undefined) item.kjb = bool(get('offerKjb'), true, line, 'offerKjb');
    const id = get('orderId');
    let order = byId.get(id);
    if (!order) {
      order = {
        orderId: id,
        amount: get('amount'),
        currency: get('currency') || 'CNY',
        status: get('status') || 'waitbuyerpay',
        tradeType: get('tradeType') || 'assureTrade',
        supplier: {
          loginId: get('supplierLoginId'),
          kjb: bool(get('supplierKjb'), true, line, 'supplierKjb'),
          chengxintong: bool(get('supplierChengxintong'), true, line, 'supplierChengxintong'),
        },
        items: [],
        sellerOrder: bool(get('sellerOrder'), false, line, 'sellerOrder'),
        redEnvelope: bool(get('redEnvelope'), false, line, 'redEnvelope'),
      };
      byId.set(id, order);
      orders.push(order);
    }
    order.items.push(item);
  }
  if (orders.length === 0) throw new CsvError(records[0].line + 1, 'no order rows under the header');
  return orders;
}
