// Package gid formats and parses the global IDs of the public APIs:
// gid://storefront/<Type>/<int>. Shopify's form gid://shopify/<Type>/<int> is accepted
// wherever an ID is taken and means the same object, since storefronts written for Shopify
// (Hydrogen among them) rebuild IDs with that prefix.
package gid

import (
	"strconv"
	"strings"
)

const prefix = "gid://storefront/"

// ShopifyPrefix is the prefix of Shopify's global IDs, accepted as an alias of ours.
const ShopifyPrefix = "gid://shopify/"

// TrimPrefix returns what follows gid://storefront/ or gid://shopify/ in s; ok is false
// when s has neither prefix.
func TrimPrefix(s string) (rest string, ok bool) {
	if rest, ok := strings.CutPrefix(s, prefix); ok {
		return rest, true
	}
	return strings.CutPrefix(s, ShopifyPrefix)
}

// Type names used in global IDs.
const (
	Product            = "Product"
	ProductVariant     = "ProductVariant"
	ProductOption      = "ProductOption"
	ProductOptionValue = "ProductOptionValue"
	ProductImage       = "ProductImage"
	Collection         = "Collection"
	Page               = "Page"
	Menu               = "Menu"
	MenuItem           = "MenuItem"
	Shop               = "Shop"
	Order              = "Order"
	OrderLine          = "OrderLine"
	Fulfillment        = "Fulfillment"
	Refund             = "Refund"
	Payment            = "Payment"
	Blog               = "Blog"
	Article            = "Article"
	UrlRedirect        = "UrlRedirect"
)

// Format returns the global ID of the object of type typ with database ID id.
func Format(typ string, id int) string {
	return prefix + typ + "/" + strconv.Itoa(id)
}

// Parse splits a global ID into its type and database ID; ok is false for anything that is
// not exactly gid://storefront/<Type>/<positive int> or gid://shopify/<Type>/<positive int>
// (query strings are ignored, as Shopify does).
func Parse(s string) (typ string, id int, ok bool) {
	rest, found := TrimPrefix(s)
	if !found {
		return "", 0, false
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	typ, num, found := strings.Cut(rest, "/")
	if !found || typ == "" {
		return "", 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > 1<<53 {
		return "", 0, false
	}
	return typ, int(n), true
}

// ParseAs returns the database ID of a global ID of the given type; ok is false for a
// malformed ID or one of another type.
func ParseAs(s, typ string) (id int, ok bool) {
	t, id, ok := Parse(s)
	if !ok || t != typ {
		return 0, false
	}
	return id, true
}
