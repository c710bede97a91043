package checkoutpage

import (
	"fmt"

	"storefront/internal/cart"
)

// The pages show only texts written here, chosen by error code: nothing a request carries
// (a query parameter, a message from another layer that might echo input) reaches the
// error box, so a link cannot make the shop's page say what its sender wants.

// fieldLabels name the form fields in messages.
var fieldLabels = map[string]string{
	"firstName": "First name", "lastName": "Last name", "company": "Company", "address1": "Address",
	"address2": "Apartment, suite", "city": "City", "provinceCode": "State / province", "zip": "ZIP / postal code",
	"countryCode": "Country", "phone": "Phone", "email": "Email",
}

func lastField(field []string) string {
	if len(field) == 0 {
		return ""
	}
	return field[len(field)-1]
}

// cartErrorText is the page's text for a cart service user error.
func cartErrorText(e cart.UserError) string {
	name := lastField(e.Field)
	label := fieldLabels[name]
	if label == "" {
		label = "This field"
	}
	switch e.Code {
	case cart.CodeAddressRequired:
		return label + " is required."
	case cart.CodeAddressTooLong:
		return label + " is too long."
	case cart.CodeAddressHTML:
		return label + " cannot contain HTML tags."
	case cart.CodeAddressURL:
		return label + " cannot contain a web address."
	case cart.CodeAddressEmoji:
		return label + " cannot contain emojis."
	case cart.CodeTooManyAddresses:
		return "This checkout has too many addresses."
	case cart.CodeInvalidDeliveryGroup, cart.CodeInvalidDeliveryOpt:
		return "Choose one of the delivery options shown."
	case cart.CodeMaximumExceeded:
		if name == "discountCodes" {
			return fmt.Sprintf("At most %d discount codes can be used.", cart.MaxCodes)
		}
	case cart.CodeInvalidPayment:
		if name == "amount" {
			return "The total changed: check your order and pay again."
		}
		return "This payment could not be used."
	case cart.CodeInvalidPaymentEmptyCart:
		return "Your cart is empty."
	case cart.CodePaymentNotApplicable:
		return "This payment method cannot be used for this order."
	case cart.CodeInvalid:
		switch name {
		case "email":
			return "Enter a valid email address."
		case "phone":
			return "Enter the phone number in international format, e.g. +14155550123."
		case "cartId":
			return "This checkout is no longer available."
		}
	}
	return "This step could not be saved. Check your details and try again."
}

// submissionTexts are the page's texts for the checkout service's submission and
// completion error codes. Stock codes are not here: their text names the products.
var submissionTexts = map[string]string{
	"BUYER_IDENTITY_EMAIL_REQUIRED":        "Enter your email address.",
	"BUYER_IDENTITY_EMAIL_IS_INVALID":      "Enter a valid email address.",
	"DELIVERY_ADDRESS_REQUIRED":            "Enter a delivery address.",
	"DELIVERY_ADDRESS1_REQUIRED":           "Enter the street address.",
	"DELIVERY_CITY_REQUIRED":               "Enter the city.",
	"DELIVERY_LAST_NAME_REQUIRED":          "Enter the last name.",
	"DELIVERY_COUNTRY_REQUIRED":            "Choose the country.",
	"DELIVERY_NO_DELIVERY_AVAILABLE":       "We cannot deliver to this address.",
	"NO_DELIVERY_GROUP_SELECTED":           "Choose a delivery option.",
	"PAYMENTS_METHOD_REQUIRED":             "Choose how to pay.",
	"PAYMENTS_METHOD_UNAVAILABLE":          "Card payments are not available in this shop.",
	"PAYMENTS_UNACCEPTABLE_PAYMENT_AMOUNT": "The total changed: check your order and pay again.",
	"MERCHANDISE_PRODUCT_NOT_PUBLISHED":    "An item in your cart is no longer sold.",
	"MERCHANDISE_LINE_LIMIT_REACHED":       "Your cart is empty.",
	"PAYMENT_CARD_DECLINED":                "Your card was declined. No payment was taken.",
	"PAYMENT_INSUFFICIENT_FUNDS":           "Your card has insufficient funds. No payment was taken.",
	"PAYMENT_TRANSIENT_ERROR":              "The payment could not be processed just now. Please try again.",
	"PAYMENT_INVALID_PAYMENT_METHOD":       "This payment method cannot be used. Please choose another.",
	"PAYMENT_ERROR":                        "The payment could not be processed. No payment was taken.",
	"ERROR":                                "Your order could not be placed. Please try again.",
}

// genericText is shown for a code without a text of its own.
const genericText = "Your order could not be placed. Please try again."

// isStockCode reports whether code says that stock ran short.
func isStockCode(code string) bool {
	switch code {
	case "MERCHANDISE_OUT_OF_STOCK", "MERCHANDISE_NOT_ENOUGH_STOCK_AVAILABLE", "INVENTORY_RESERVATION_ERROR":
		return true
	}
	return false
}

// discountTexts say why an entered discount code does not apply.
var discountTexts = map[string]string{
	cart.WarnDiscountNotFound:        "This code does not exist.",
	cart.WarnDiscountInactive:        "This code is not active.",
	cart.WarnDiscountUsageLimit:      "This code has reached its usage limit.",
	cart.WarnDiscountCustomerLimit:   "This code has already been used with your email.",
	cart.WarnDiscountCustomerMissing: "Enter your email to use this code.",
	cart.WarnDiscountNotInRange:      "Your order does not reach this code's minimum.",
	cart.WarnDiscountNoEntitledLines: "This code does not apply to the items in your cart.",
}

// stockTexts name each line whose product is short of stock, e.g. "Only 2 of Classic
// Tee (S / White) are available." or "Mug is sold out.".
func stockTexts(lines []lineView) []string {
	var out []string
	for _, l := range lines {
		switch {
		case l.Available <= 0:
			out = append(out, l.Name()+" is sold out.")
		case l.Available < l.Quantity:
			out = append(out, fmt.Sprintf("Only %d of %s are available.", l.Available, l.Name()))
		}
	}
	if len(out) == 0 {
		out = append(out, "An item in your cart is no longer available in the quantity you chose.")
	}
	return out
}
