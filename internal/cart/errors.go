package cart

import "storefront/internal/usererror"

// UserError is a problem with the input the buyer can fix (CartUserError in the API).
type UserError struct {
	Code    string
	Field   []string
	Message string
}

// Warning is something the buyer should know that did not stop the change (CartWarning).
type Warning struct {
	Code    string
	Message string
	Target  string
}

// User error codes (CartErrorCode).
const (
	CodeInvalid              = "INVALID"
	CodeInvalidMerchandise   = "INVALID_MERCHANDISE_LINE"
	CodeCartTooLarge         = "CART_TOO_LARGE"
	CodeLessThan             = "LESS_THAN"
	CodeMaximumExceeded      = "MAXIMUM_EXCEEDED"
	CodeNoteTooLong          = "NOTE_TOO_LONG"
	CodeMissingCustomerToken = "MISSING_CUSTOMER_ACCESS_TOKEN"
)

// Warning codes (CartWarningCode).
const (
	WarnNotEnoughStock          = "MERCHANDISE_NOT_ENOUGH_STOCK"
	WarnOutOfStock              = "MERCHANDISE_OUT_OF_STOCK"
	WarnDiscountNotFound        = "DISCOUNT_NOT_FOUND"
	WarnDiscountInactive        = "DISCOUNT_CURRENTLY_INACTIVE"
	WarnDiscountUsageLimit      = "DISCOUNT_USAGE_LIMIT_REACHED"
	WarnDiscountCustomerLimit   = "DISCOUNT_CUSTOMER_USAGE_LIMIT_REACHED"
	WarnDiscountCustomerMissing = "DISCOUNT_ELIGIBLE_CUSTOMER_MISSING"
	WarnDiscountNotInRange      = "DISCOUNT_PURCHASE_NOT_IN_RANGE"
	WarnDiscountNoEntitledLines = "DISCOUNT_NO_ENTITLED_LINE_ITEMS"
)

// path turns path parts into the strings the API shows (usererror.Path).
func path(parts ...any) []string { return usererror.Path(parts...) }

// errCartNotFound is the one answer for a cart that is unknown, has the wrong key, has
// expired or is completed: nothing tells which.
func errCartNotFound() UserError {
	return UserError{Code: CodeInvalid, Field: path("cartId"), Message: "The specified cart does not exist."}
}
