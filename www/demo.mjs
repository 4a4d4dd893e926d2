// `make demo` until the browser console lands: a fee quote for a sample buyer, from the built
// package exactly as a Node user would call it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { quoteFee, feeSchedule } = require('../pkg/lib/node.cjs');

const buyer = { history: ['180000.00', '95000.00', '240000.00', '130000.00'] };
const order = { amount: '25800.00' };
const q = quoteFee({ ...order, ...buyer });

console.log('kjb demo — KJB fee for a sample buyer (built-in schedule, effective %s)\n', feeSchedule().effective);
console.log('  monthly history   %s (newest first)', buyer.history.join(', '));
console.log('  applicable amount %s CNY (by %s: last month %s, average %s)', q.applicableAmount, q.basis, q.lastMonth, q.average);
console.log('  tier              %d at %s%%', q.tier, (Number(q.rate) * 100).toFixed(3));
console.log('  order amount      %s CNY', q.amount);
console.log('  KJB fee           %s CNY', q.fee);
if (q.next) {
  console.log('  next tier         %d at %s%% from %s CNY/month: %s CNY more volume, fee would be %s', q.next.tier, (Number(q.next.rate) * 100).toFixed(3), q.next.from, q.next.volumeNeeded, q.next.fee);
}
