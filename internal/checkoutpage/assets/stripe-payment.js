// The hosted checkout's card form when Stripe is the payment provider: Stripe's Payment
// Element collects the card inside Stripe's own frames, Stripe.js turns it into a
// PaymentMethod, and only that PaymentMethod's ID is posted to this server (as the
// payment session), which authorizes it. Card data never reaches this server.
(function () {
  "use strict";
  var mount = document.getElementById("payment-element");
  if (!mount || typeof window.Stripe !== "function") {
    return;
  }
  var form = mount.closest("form");
  var errors = document.getElementById("payment-errors");
  var stripe = window.Stripe(mount.dataset.key);
  var elements = stripe.elements({
    mode: "payment",
    amount: Number(mount.dataset.amount),
    currency: mount.dataset.currency,
    captureMethod: "manual",
    paymentMethodCreation: "manual"
  });
  elements.create("payment").mount(mount);
  var busy = false;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    errors.textContent = "";
    var fail = function (err) {
      errors.textContent = err.message;
      busy = false;
    };
    elements.submit().then(function (res) {
      if (res.error) {
        return fail(res.error);
      }
      return stripe.createPaymentMethod({ elements: elements }).then(function (res) {
        if (res.error) {
          return fail(res.error);
        }
        form.elements.session.value = res.paymentMethod.id;
        form.submit(); // does not fire this listener again
      });
    }, fail);
  });
})();
