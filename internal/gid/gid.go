// Package gid formats and parses the global IDs of the public APIs:
// gid://storefront/<Type>/<int>.
package gid

import (
	"strconv"
	"strings"
)

const prefix = "gid://storefront/"

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
)

// Format returns the global ID of the object of type typ with database ID id.
func Format(typ string, id int) string {
	return prefix + typ + "/" + strconv.Itoa(id)
}

// Parse splits a global ID into its type and database ID; ok is false for anything that is
// not exactly gid://storefront/<Type>/<positive int> (query strings are ignored, as Shopify does).
func Parse(s string) (typ string, id int, ok bool) {
	rest, found := strings.CutPrefix(s, prefix)
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
