// Content script (a classic script: content scripts cannot be modules). It reads the orders
// listed on the page and hands them to the service worker; it runs no kjb code itself.
//
// The page is a stand-in for 1688's buyer order list (tests/packaging/fixtures/order-list.html,
// served on 127.0.0.1 by the tests): one <tr data-order-id> per order, the facts an ERP or the
// real 1688 page shows (status, trade type, supplier's KJB and 诚信通 status, items, amount).
// A reader for the live 1688 markup would replace readOrders() and add its host to matches.
(() => {
  const flag = (el, name) => el.dataset[name] === 'true';

  function readOrders() {
    return [...document.querySelectorAll('tr[data-order-id]')].map((row) => ({
      orderId: row.dataset.orderId,
      amount: row.querySelector('.amount').textContent.trim(),
      currency: row.dataset.currency || 'CNY',
      status: row.dataset.status,
      tradeType: row.dataset.tradeType,
      supplier: {
        loginId: row.dataset.supplier,
        kjb: flag(row, 'supplierKjb'),
        chengxintong: flag(row, 'chengxintong'),
      },
      items: [...row.querySelectorAll('[data-offer-id]')].map((item) => ({
        offerId: item.dataset.offerId,
        title: item.textContent.trim(),
        ...(item.dataset.kjb ? { kjb: flag(item, 'kjb') } : {}),
      })),
    }));
  }

  const orders = readOrders();
  if (orders.length === 0) return;
  chrome.runtime.sendMessage({ type: 'kjb:orders', page: location.href, title: document.title, orders }).then(
    (answer) => {
      // Lets the page (and the tests) see that the extension took the orders.
      document.documentElement.dataset.kjbOrders = String(answer && answer.stored);
    },
    (e) => console.warn('kjb: the extension did not take the orders:', e && e.message),
  );
})();
